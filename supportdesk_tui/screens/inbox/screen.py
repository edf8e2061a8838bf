"""The Inbox: the open Groove queue sorted by time left, with a live countdown per ticket.

Two timers, never overlapping: a network poll every ``groove.poll_seconds`` (one exclusive worker;
a tick that finds it still running is skipped, not queued) and a 1 s countdown tick that works from
memory and touches only cells whose text changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.sla import GLYPHS, SlaStatus, describe_policy
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.inbox.messages import InboxFailed, InboxLoaded
from supportdesk_tui.screens.inbox.ticket_detail import TicketDetailScreen
from supportdesk_tui.screens.inbox.triage_keys import TRIAGE_BINDINGS, TriageFinished, TriageKeys
from supportdesk_tui.screens.inbox.view import InboxView
from supportdesk_tui.services.inbox import InboxData
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_footer import DeskFooter
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.filter_box import FilterBox
from supportdesk_tui.widgets.ticket_table import Row, TicketTable

REFRESH_GROUP = "inbox-refresh"


class InboxScreen(DeskScreen):
    CSS_PATH = "inbox.tcss"
    AUTO_FOCUS = "#tickets"
    BINDINGS: ClassVar[list[BindingType]] = [
        *TRIAGE_BINDINGS,
        Binding("slash", "filter", "Filter", id="inbox.filter", tooltip="Filter by text"),
        Binding("m", "toggle_mine", "Mine", id="inbox.mine", tooltip="Only tickets assigned to me"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="inbox.clear_filter"),
        Binding("N", "all_seen", "All seen", show=False, id="inbox.all_seen",
                tooltip="Mark every NEW ticket as seen"),
    ]
    HELP = """
## Inbox
Open tickets sorted by time left to the SLA target. Each row shows its state as a word and a glyph:
● ok, ▲ at risk, ✖ breached, Ⅱ paused, ↺ reopened.

- `enter`: open the ticket's thread
- `/`: filter by text (number, customer, subject, sender); `escape` clears it
- `m`: show only tickets assigned to me
- `NEW` marks a ticket that arrived since you last looked: it stays (across polls and restarts) until the
  cursor has rested on its row for a second; `N` marks them all seen
- `b`: backlog to the customer's Trello board (`enter` confirms) · `a`: fix now (assign to me, timebox)
- `u`: urgent (business impact) · `c`: close as fixed (optional reply) · `n`: private note
- `z`: undo the last triage action while nothing newer happened to its ticket
"""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.view = InboxView(desk.settings.team.me)
        self.triage_keys = TriageKeys(self, desk, self.view, sync=self._sync_table, refresh=self.refresh_inbox)
        self._ticker: Timer | None = None
        self._ticks = 0
        self._resting: tuple[int, int] | None = None  # (ticket under the cursor, tick it arrived at)

    @property
    def _data(self) -> InboxData | None:
        """The queue as shown (the view model's)."""
        return self.view.data

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield Static(id="week")
        yield Banner(id="banner")
        yield FilterBox(placeholder="Filter: number, customer, subject or sender (escape clears)", id="filter")
        yield TicketTable(id="tickets", now=self.desk.clock.now, status_style=self._status_style)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.poll_every(self.desk.settings.groove.poll_seconds, self._poll_tick, name="inbox-poll")
        self._ticker = self.set_interval(1.0, self.tick, name="inbox-countdown")
        self._update_header()
        self.load_cache()
        self.triage_keys.start()

    # --- data flow --------------------------------------------------------------------------------
    @work(group="inbox-cache", exclusive=True, exit_on_error=False)
    async def load_cache(self) -> None:
        cached = await self.desk.services.inbox.load_cached()
        if cached is not None:
            self.post_message(InboxLoaded(cached))  # its handler starts the refresh after the first paint
        else:
            self.refresh_inbox()

    @work(group=REFRESH_GROUP, exclusive=True, exit_on_error=False)
    async def refresh_inbox(self) -> None:
        await self.renew_if_refused()  # `r` after a refused token: read it again
        data = await self.desk.services.inbox.refresh()
        self.post_message(InboxLoaded(data))

    def _refresh_running(self) -> bool:
        return any(w.group == REFRESH_GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.workers)

    def _poll_tick(self) -> None:
        if self._refresh_running():
            return  # never queue or cancel a refresh that is still on its way
        if self.refused:
            return  # the same token would be refused again: wait for `r` (after `supportdesk login`)
        self.refresh_inbox()

    def action_refresh(self) -> None:
        """`r`: refresh now (restarts the exclusive worker)."""
        self.refresh_inbox()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == REFRESH_GROUP and event.state is WorkerState.ERROR:
            self.post_message(InboxFailed(event.worker.error or RuntimeError("unknown error")))

    def on_inbox_loaded(self, message: InboxLoaded) -> None:
        data = message.data
        if not data.from_cache:
            self.service_answered()  # back online: the services replay what was queued, in order
            self.failure = None
            self.note_error(None)
            self.query_one(Banner).hide()
            self._announce(data)
        if not self.view.load(data):
            return  # a late cache read must not replace fresher network data
        self._sync_table()
        self._show_week()
        if data.from_cache:
            self._show_banner(info=True)
            # A partial load (the top of a long cached queue) is followed by the rest, then the network.
            self.call_after_refresh(self.load_cache if data.partial else self.refresh_inbox)

    def on_inbox_failed(self, message: InboxFailed) -> None:
        self.failure = message.error
        self.note_error(message.error, "syncing the queue")
        self._show_banner(info=False)
        self._update_header()

    def _show_week(self) -> None:
        """The week's figures for the triage handover (kept in the store, shown here)."""
        week = self._data.week if self._data else None
        if week is None:
            return
        self.query_one("#week", Static).update(Text(
            f"Week {week.week}: {week.received} received · {week.resolved_in_time} resolved in time · "
            f"{week.breached} breached · {week.backlogged} backlogged · {week.fixed} fixed · "
            f"{week.open} open" + (f" · {week.reopened} reopened" if week.reopened else "")))

    def _show_banner(self, *, info: bool) -> None:
        synced = self._data.synced_at if self._data else None
        when = self._local(synced).strftime("%a %H:%M") if synced else "never"
        poll = f"{self.desk.settings.groove.poll_seconds:g}"
        if self.failure is not None:
            then = f"showing the queue as of {when}, retrying every {poll} s (r retries now, ? shows the detail)"
            self.show_failure(doing="syncing the queue", then=then)
        elif info:
            self.query_one(Banner).show(f"⟳ Showing the cached queue as of {when} while Groove answers…", info=True)

    def _announce(self, data: InboxData) -> None:
        fresh = [item for item in data.items if item.number in data.new_numbers]
        if not fresh:
            return
        if len(fresh) <= 3:
            for item in fresh:
                t, who = item.ticket, item.customer
                self.notify(f"#{t.number} {t.title}", title=f"New ticket from {who.name if who else t.customer_email}",
                            markup=False)
        else:
            self.notify(f"{len(fresh)} new tickets arrived", title="New tickets", markup=False)
        if self.desk.settings.groove.bell:
            self.app.bell()

    # --- rendering --------------------------------------------------------------------------------
    def _status_style(self, status: SlaStatus) -> str:
        theme = self.app.current_theme
        return {
            SlaStatus.BREACHED: f"bold {theme.error}",
            SlaStatus.AT_RISK: f"bold {theme.warning}",
            SlaStatus.OK: f"{theme.success}",
            SlaStatus.PAUSED: f"{theme.secondary}",
            SlaStatus.MET: f"{theme.success}",
            SlaStatus.CANCELLED: "dim",
        }.get(status, "")

    def _local(self, when: datetime) -> datetime:
        return when.astimezone(ZoneInfo(self.desk.settings.sla.timezone))

    def _visible_rows(self) -> list[Row]:
        now = self.desk.clock.now()
        services = self.desk.services
        return self.view.rows(now, lambda number: services.row_mark(number, now))

    def _sync_table(self) -> None:
        self.query_one(TicketTable).sync(self._visible_rows())
        self._update_header()

    def tick(self) -> None:
        """The 1 s countdown: memory only, changed cells only."""
        self._ticks += 1
        if self._data is None:
            return
        table = self.query_one(TicketTable)
        table.tick(self.desk.clock.now())
        self._settle_cursor(table)
        self._update_header()

    def _settle_cursor(self, table: TicketTable) -> None:
        """A NEW row the cursor has rested on since the previous tick is seen (a row the cursor only
        passed over, or one the screen opened on before anyone looked, keeps its mark a moment longer)."""
        resting = self._resting
        if resting is None or resting[1] >= self._ticks or table.current_number() != resting[0]:
            return
        self._resting = None
        if self.view.seen(resting[0]):
            self._forget_marks([resting[0]])

    def _forget_marks(self, numbers: list[int]) -> None:
        self._sync_table()
        self.run_worker(self.desk.services.inbox.mark_seen(numbers), name="mark_seen", group="inbox-seen",
                        exit_on_error=False)

    def action_all_seen(self) -> None:
        """`N`: every NEW row is seen."""
        numbers = self.view.all_seen()
        if numbers:
            self._forget_marks(numbers)

    def _update_header(self) -> None:
        header = self.query_one(DeskHeader)
        settings = self.desk.settings
        left = f"Inbox · {self.triage_words()} · {describe_policy(settings.sla)}"
        data = self._data
        if data is None:  # nothing to show yet: say why, never "loading" under a banner saying it failed
            failed = "· token refused" if self.refused else "· offline, nothing cached yet"
            header.left, header.right = left, failed if self.failure is not None else "· loading…"
            return
        counts = self.view.counts(self.desk.clock.now())
        parts = [f"{counts[s]} {GLYPHS[s]} {s.value}" for s in
                 (SlaStatus.OK, SlaStatus.AT_RISK, SlaStatus.BREACHED, SlaStatus.PAUSED) if counts[s]]
        synced = self._local(data.synced_at).strftime("%H:%M:%S") if data.synced_at else "never"
        if self.failure is None:
            state = "cached, " if data.from_cache else ""
        else:
            state = "TOKEN REFUSED, " if self.refused else "OFFLINE, "
        pending = self.desk.pending_actions()
        extra = f" · {pending} pending action(s)" if pending else ""
        mine = " · mine only" if self.view.mine else ""
        filt = f" · filter: {self.view.filter}" if self.view.filter else ""
        glyphs = [f"{counts[s]}{GLYPHS[s]}" for s in
                  (SlaStatus.OK, SlaStatus.AT_RISK, SlaStatus.BREACHED, SlaStatus.PAUSED) if counts[s]]
        header.left = left
        header.right = (f"· {data.open_count} open: {', '.join(parts) or 'none'}{mine}{filt}{extra} · "
                        f"{state}synced {synced}")
        # The same facts, shorter, for a narrow terminal (the rows spell each glyph out).
        header.right_short = (f"· {data.open_count} open: {' '.join(glyphs) or 'none'}{mine}{filt}"
                              f"{f' · {pending} pending' if pending else ''} · {state}{synced}")

    # --- keys ---------------------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one("#filter", FilterBox).open()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", FilterBox).close(clear=True)
        self.query_one(TicketTable).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.view.filter = event.value.strip()
        self._sync_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if not self.view.filter:
            self.query_one("#filter", FilterBox).close()
        self.query_one(TicketTable).focus()

    def action_toggle_mine(self) -> None:
        if not self.desk.settings.team.me:
            self.notify("Set team.me in the config to your Groove agent email to use 'mine'.",
                        severity="warning", markup=False)
            return
        self.view.mine = not self.view.mine
        self._sync_table()

    @on(TicketTable.Highlighted, "#tickets")
    def _row_highlighted(self, event: TicketTable.Highlighted) -> None:
        if self._resting is None or self._resting[0] != event.number:
            self._resting = (event.number, self._ticks)

    @on(TicketTable.Selected, "#tickets")
    def _open(self, event: TicketTable.Selected) -> None:
        self.action_open_ticket()

    def action_open_ticket(self) -> None:
        item = self.view.item(self.query_one(TicketTable).current_number())
        if item is not None:
            self.app.push_screen(TicketDetailScreen(self.desk, item.ticket, item.customer, item.clock))

    # --- triage keys (the TriageKeys component does the work) -------------------------------------------
    def on_triage_finished(self, message: TriageFinished) -> None:
        self.triage_keys.finished(message)

    def action_backlog(self) -> None:
        self.triage_keys.backlog()

    def action_fix_now(self) -> None:
        self.triage_keys.fix_now()

    def action_urgent(self) -> None:
        self.triage_keys.urgent()

    def action_close_fixed(self) -> None:
        self.triage_keys.close_fixed()

    def action_note(self) -> None:
        self.triage_keys.note()

    def action_undo(self) -> None:
        self.triage_keys.undo()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield from self.triage_keys.palette_commands()
        yield SystemCommand("Mark all seen", "Every NEW ticket is seen (N)", self.action_all_seen)
