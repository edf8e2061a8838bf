"""The Inbox's triage keys, as a component the Inbox screen owns (it forwards its key actions here).

`b` backlog, `a` fix now, `u` urgent, `c` close as fixed, `n` private note, `z` undo. Each opens its
dialog (except `a` and `z`), then runs the journaled action in a non-exclusive worker that nothing
cancels part-way. A backlogged or closed ticket leaves the table at once and the cursor moves to the
next row; a fresh sync confirms it. If the action ends up queued (offline) or refused, the row comes
back with a mark saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.domain.mail_domains import is_public_domain
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error
from supportdesk_tui.screens.inbox.view import InboxView
from supportdesk_tui.services.triage.result import REFUSED, TriageResult
from supportdesk_tui.widgets.ticket_table import TicketTable

if TYPE_CHECKING:  # the dialogs are imported when a key first needs one (they cost cold start otherwise)
    from supportdesk_tui.services.triage.service import TriageService

log = logging.getLogger(__name__)
ACTIONS_GROUP = "triage-actions"
MARKS_EVERY_S = 5.0

Job = Callable[[], Awaitable[TriageResult]]

TRIAGE_BINDINGS: list[BindingType] = [
    Binding("b", "backlog", "Backlog", id="inbox.backlog",
            tooltip="Card in the customer's New Issues list, link noted, ticket closed"),
    Binding("a", "fix_now", "Fix now", id="inbox.fix_now", tooltip="Assign to me and start the timebox"),
    Binding("u", "urgent", "Urgent", id="inbox.urgent",
            tooltip="Significant business impact: priority high, reason noted"),
    Binding("c", "close_fixed", "Close", id="inbox.close", tooltip="Close as fixed, with an optional reply"),
    Binding("n", "note", "Note", id="inbox.note", tooltip="Add a private note"),
    Binding("z", "undo", "Undo", id="inbox.undo", tooltip="Undo the last action while it can still be undone"),
]
"""The screen lists these in its BINDINGS (each action forwards to the method of the same name here)."""


class TriageFinished(Message):
    """A triage action came back (done, queued, failed or refused)."""

    def __init__(self, result: TriageResult, ticket: Ticket | None, leaves: bool) -> None:
        super().__init__()
        self.result = result
        self.ticket = ticket
        self.leaves = leaves


class TriageKeys:
    """Triage actions for the Inbox. The screen hands over itself (for dialogs, toasts, workers and the
    table), its view model, and two callbacks: redraw the table, and refresh from Groove."""

    def __init__(self, screen: Screen[None], desk: Desk, view: InboxView, *, sync: Callable[[], None],
                 refresh: Callable[[], object]) -> None:
        self.screen = screen
        self.desk = desk
        self.view = view
        self._sync = sync
        self._refresh = refresh
        self._marks_timer: Timer | None = None
        self._marks_seen: tuple[object, ...] = ()
        self._pending_seen = 0

    @property
    def triage(self) -> TriageService:
        return self.desk.services.triage

    def notify(self, message: str, **kwargs: Any) -> None:
        self.screen.notify(message, markup=False, **kwargs)

    # --- marks on rows ---------------------------------------------------------------------------------
    def start(self) -> None:
        """On mount: nudge about timeboxes every few seconds, and read the marks kept from earlier runs."""
        self._marks_timer = self.screen.set_interval(MARKS_EVERY_S, self.tick, name="triage-marks")
        self.screen.run_worker(self._load_marks(), name="_load_marks", group="triage-load", exclusive=True,
                               exit_on_error=False)

    async def _load_marks(self) -> None:
        await self.desk.services.load_triage_marks()
        self.tick()

    def tick(self) -> None:
        """Nudge about timeboxes that ran out; re-sync rows when a mark would read differently."""
        now = self.desk.clock.now()
        marks = self.desk.services.triage_marks
        for number in marks.expired(now):
            title = self._title_of(number)
            self.notify(f"The timebox for #{number}{title} is over. Backlog it instead? Select it and press b.",
                        title="Timebox over", severity="warning", timeout=30)
        pending = self.desk.pending_actions()
        signature = (pending, now.replace(second=0, microsecond=0) if marks.timeboxes else None, len(marks.urgent))
        dropped = pending < self._pending_seen
        self._pending_seen = pending
        if signature != self._marks_seen and self.view.data is not None:
            self._marks_seen = signature
            self._sync()
        if dropped:
            self._refresh()  # queued actions finished meanwhile: show what Groove says now

    def _title_of(self, number: int) -> str:
        item = self.view.item(number)
        return f" \"{item.ticket.title}\"" if item is not None else ""

    # --- keeping the optimistic view honest ---------------------------------------------------------
    def _selected(self) -> Ticket | None:
        item = self.view.item(self.screen.query_one(TicketTable).current_number())
        if item is None:
            self.notify("Select a ticket first.", severity="warning")
        return item.ticket if item is not None else None

    def _leave_queue(self, ticket: Ticket) -> None:
        """Take the row out now and put the cursor on the next one (auto-advance)."""
        table = self.screen.query_one(TicketTable)
        order = table.numbers()
        following = None
        if ticket.number in order:
            at = order.index(ticket.number)
            rest = order[at + 1:] or order[:at][-1:]
            following = rest[0] if rest else None
        self.view.leave(ticket.number)
        self._sync()
        if following is not None and following in table.numbers():
            table.move_cursor(row=table.get_row_index(str(following)))

    # --- running actions ---------------------------------------------------------------------------------
    def _run_triage(self, job: Job, ticket: Ticket | None, leaves: bool, kind: str) -> None:
        self.screen.run_worker(self._triage_job(job, ticket, leaves, kind), name="_run_triage", group=ACTIONS_GROUP,
                               exit_on_error=False)

    async def _triage_job(self, job: Job, ticket: Ticket | None, leaves: bool, kind: str) -> None:
        try:
            result = await job()
        except Exception as exc:  # a bug or an unexpected error: say so, keep the app running
            log.exception("triage %s failed", kind)
            result = TriageResult(JournalStatus.FAILED, f"{kind} failed: {describe_error(exc)}", kind,
                                  ticket.number if ticket else None)
        self.screen.post_message(TriageFinished(result, ticket, leaves))

    def finished(self, message: TriageFinished) -> None:
        result, ticket = message.result, message.ticket
        if message.leaves and ticket is not None:
            if result.status is JournalStatus.DONE:
                self.view.left(ticket.number)
            else:
                self.view.back(ticket.number)
        if result.kind == "undo" and result.number is not None:
            self.view.forget(result.number)
        self.notify(result.message, title=_title(result), severity=_severity(result),
                    timeout=12 if result.status in (JournalStatus.FAILED, REFUSED) else 6)
        self._sync()
        if result.status is JournalStatus.DONE:
            self._refresh()

    # --- the keys ----------------------------------------------------------------------------------------
    def backlog(self) -> None:
        from supportdesk_tui.screens.inbox.triage_dialogs import BacklogChoice, BacklogDialog

        ticket = self._selected()
        if ticket is None:
            return
        triage = self.triage
        if not triage.customers():
            self.notify(f"No customers are configured: add [[customers]] entries (name, trello_board, "
                        f"email_domains) to {self.desk.settings.config_path}.", severity="error")
            return
        suggested = triage.suggest_customer(ticket)
        if suggested is not None and triage.board_problem(suggested) is None:
            self.screen.run_worker(self._warm_up(suggested), name="_warm_up", group="triage-warmup", exclusive=True,
                                   exit_on_error=False)
        dialog = BacklogDialog(ticket, triage.customers(), suggested,
                               describe=lambda customer: triage.card_description(ticket, customer),
                               board_problem=triage.board_problem, list_name=triage.list_name,
                               config_path=str(self.desk.settings.config_path),
                               unmapped_domain=ticket.customer_domain
                               if suggested is None and triage.can_remember_domains()
                               and not is_public_domain(ticket.customer_domain) else None)

        def chosen(choice: object) -> None:
            if not isinstance(choice, BacklogChoice):
                return
            if choice.remember_domain:
                self.screen.run_worker(self._remember(choice.customer, choice.remember_domain), name="_remember",
                                       group="triage-config", exit_on_error=False)
            self._leave_queue(ticket)
            self._run_triage(lambda: triage.backlog(ticket, choice.customer, choice.title), ticket, True, "backlog")

        self.screen.app.push_screen(dialog, chosen)

    async def _warm_up(self, customer: Any) -> None:
        """Fetch the board's list ids while the user reads the dialog (best effort, errors ignored)."""
        try:
            await self.triage.warm_up(customer)
        except Exception as exc:  # the backlog itself will report a real problem
            log.info("warm-up for %s skipped: %s", customer.name, describe_error(exc))

    async def _remember(self, customer: str, domain: str) -> None:
        message = await self.triage.remember_domain(customer, domain)
        self.notify(message, title="Config", timeout=10)

    def fix_now(self) -> None:
        ticket = self._selected()
        if ticket is not None:
            self._run_triage(lambda: self.triage.fix_now(ticket), ticket, False, "fix_now")

    def urgent(self) -> None:
        from supportdesk_tui.screens.inbox.triage_dialogs import UrgentDialog

        ticket = self._selected()
        if ticket is None:
            return

        def chosen(reason: object) -> None:
            if isinstance(reason, str):
                self._run_triage(lambda: self.triage.urgent(ticket, reason), ticket, False, "urgent")

        self.screen.app.push_screen(UrgentDialog(ticket), chosen)

    def close_fixed(self) -> None:
        from supportdesk_tui.screens.inbox.triage_dialogs import CloseChoice, CloseDialog

        ticket = self._selected()
        if ticket is None:
            return

        def chosen(choice: object) -> None:
            if isinstance(choice, CloseChoice):
                self._leave_queue(ticket)
                self._run_triage(lambda: self.triage.close(ticket, choice.reply), ticket, True, "close")

        self.screen.app.push_screen(CloseDialog(ticket, self.triage.reply_draft(ticket)), chosen)

    def note(self) -> None:
        from supportdesk_tui.screens.inbox.triage_dialogs import NoteDialog

        ticket = self._selected()
        if ticket is None:
            return

        def chosen(text: object) -> None:
            if isinstance(text, str):
                self._run_triage(lambda: self.triage.note(ticket, text), ticket, False, "note")

        self.screen.app.push_screen(NoteDialog(ticket), chosen)

    def undo(self) -> None:
        self._run_triage(self.triage.undo, None, False, "undo")

    def palette_commands(self) -> Iterable[SystemCommand]:
        """The triage keys in the command palette (each runs the same action as its key)."""
        yield SystemCommand("Backlog ticket", "Card on the customer's board, ticket closed (b)", self.backlog)
        yield SystemCommand("Fix now", "Assign to me with a timebox (a)", self.fix_now)
        yield SystemCommand("Urgent", "Business impact: priority high, reason noted (u)", self.urgent)
        yield SystemCommand("Close as fixed", "Optional reply, then closed (c)", self.close_fixed)
        yield SystemCommand("Private note", "Add a note agents see (n)", self.note)
        yield SystemCommand("Undo last action", "While nothing newer happened to the ticket (z)", self.undo)


def _severity(result: TriageResult) -> SeverityLevel:
    if result.status is JournalStatus.FAILED:
        return "error"
    return "information" if result.status is JournalStatus.DONE else "warning"


def _title(result: TriageResult) -> str:
    return {JournalStatus.DONE: "Done", JournalStatus.PENDING: "Queued (offline)", JournalStatus.FAILED: "Not done",
            REFUSED: "Not done"}.get(result.status, str(result.status))
