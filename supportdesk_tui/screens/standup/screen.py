"""Standup: the day's stand-up, per developer, per customer and for triage; flag impediments with `!`.

Loading never blocks the screen (one exclusive worker; the service reads each board in one request,
or tops up its minute-old cache with one small request). `[` / `]` walk working days; a day in
another week reads that week's plan. Impediment writes run in their own group, journaled by the
service, and the stand-up is read again when they come back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from supportdesk_tui.domain.planning import IsoWeek, day_label
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.boards.dialogs import CardDetailScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error
from supportdesk_tui.screens.standup.dialogs import ImpedimentDialog
from supportdesk_tui.screens.standup.view import Row, RowKind, rows
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.services.standup.impediments import ImpedimentTarget
from supportdesk_tui.services.standup.service import StandupService, StandupView
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_footer import DeskFooter
from supportdesk_tui.widgets.desk_header import DeskHeader

LOAD_GROUP = "standup-load"
WRITE_GROUP = "standup-write"


class StandupLoaded(Message):
    def __init__(self, day: date, view: StandupView) -> None:
        super().__init__()
        self.day, self.view = day, view


class StandupFailed(Message):
    def __init__(self, day: date, error: BaseException) -> None:
        super().__init__()
        self.day, self.error = day, error


class ImpedimentWritten(Message):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class StandupScreen(DeskScreen):
    CSS_PATH = "standup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "day(-1)", "Prev day", id="standup.prev_day",
                tooltip="The previous working day's stand-up"),
        Binding("right_square_bracket", "day(1)", "Next day", id="standup.next_day",
                tooltip="The next working day's stand-up"),
        Binding("exclamation_mark", "impediment", "Impediment", id="standup.impediment",
                tooltip="Flag the card as blocked (asks why), or clear its impediment"),
    ]
    HELP = """
## Standup
The day's stand-up: each developer's cards today and on the previous working day (and what happened
to them since), their impediments; each customer's commitment in words; triage since the last stand-up.

- `[` / `]`: the previous / next working day (a day in another week reads that week's plan)
- up/down or `j` `k`: move between cards; `enter`: the card's detail
- `!`: flag an impediment on the card (asks a one-line reason; labels it Blocked and comments on both
  the customer's card and its Support Epics copy); `!` on a blocked card clears it
- `r`: read the boards again
"""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self._day: date | None = None
        self._view: StandupView | None = None
        self._rows: dict[str, Row] = {}
        self._read_at: datetime | None = None

    @property
    def service(self) -> StandupService:
        return self.desk.services.standup

    @property
    def day(self) -> date:
        if self._day is None:
            self._day = self.service.today()
        return self._day

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield Banner(id="banner")
        yield OptionList(id="standup-rows")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._update_header()
        self.query_one("#standup-rows", OptionList).focus()
        self.reload()

    def back_in_front(self) -> None:
        if self._view is not None:
            self.reload()  # back from another mode or screen: catch up (one small request per board)

    # --- data flow --------------------------------------------------------------------------------
    @work(group=LOAD_GROUP, exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        day = self.day
        try:
            await self.renew_if_refused()  # `r` after a refused key or token: read them again
            view = await self.service.load(day)
        except Exception as exc:  # shown as a banner; the last stand-up stays on screen
            self.post_message(StandupFailed(day, exc))
            return
        self.post_message(StandupLoaded(day, view))

    def action_refresh(self) -> None:
        """`r`: read the stand-up again."""
        self.reload()

    def on_standup_loaded(self, message: StandupLoaded) -> None:
        if message.day != self.day:
            return  # the user walked on to another day meanwhile
        self._view, self.failure, self._read_at = message.view, None, self.desk.clock.now()
        self.note_error(None)
        banner = self.query_one(Banner)
        if not message.view.planned:
            banner.show(f"No plan for {message.view.plan.week} yet: plan it on the Planning screen (3).", info=True)
        else:
            banner.hide()
        self.service_answered()
        self._show(rows(message.view.standup))
        self._update_header()

    def on_standup_failed(self, message: StandupFailed) -> None:
        if message.day != self.day:
            return
        self.failure = message.error
        self.note_error(message.error, "reading the stand-up")
        self.query_one(Banner).show(f"⚠ The stand-up could not be read: {describe_error(message.error)} "
                                    "(press r to retry).")
        self._update_header()

    # --- rendering --------------------------------------------------------------------------------
    def _show(self, shown: list[Row]) -> None:
        widget = self.query_one("#standup-rows", OptionList)
        keep = widget.highlighted_option.id if widget.highlighted_option is not None else None
        keys = _unique([row.key for row in shown])
        self._rows = dict(zip(keys, shown, strict=True))
        widget.set_options([Option(_prompt(row), id=key, disabled=row.kind is not RowKind.CARD)
                            for key, row in zip(keys, shown, strict=True)])
        if keep in keys:
            widget.highlighted = keys.index(keep)
        else:
            first = next((i for i, row in enumerate(shown) if row.kind is RowKind.CARD), None)
            widget.highlighted = first

    def _update_header(self) -> None:
        header = self.query_one(DeskHeader)
        day = self.day
        week = self._view.plan.week if self._view is not None else None
        header.left = f"Standup · {day_label(day)} {day.year}" + (f" ({week})" if week else "")
        view = self._view
        triage = self.triage_words(view.standup.pair if view is not None else None, unset="not chosen",
                                   this_week=view is None or view.plan.week == IsoWeek.of(self.service.today()))
        pending = self.desk.pending_actions()
        extra = f" · {pending} pending action(s)" if pending else ""
        if self.failure is not None:
            state = "offline"
        elif self._read_at is not None:
            state = f"read {self._read_at.astimezone(ZoneInfo(self.desk.settings.sla.timezone)):%H:%M:%S}"
        else:
            state = "loading…"
        header.right = f"· {triage}{extra} · {state}"
        header.right_short = f"· {triage} · {state}"

    # --- keys ---------------------------------------------------------------------------------------
    def action_day(self, delta: int) -> None:
        self._day = self.service.step(self.day, delta)
        self._view, self._read_at = None, None
        self._show([])
        self._update_header()
        self.reload()

    def current_row(self) -> Row | None:
        option = self.query_one("#standup-rows", OptionList).highlighted_option
        return self._rows.get(option.id) if option is not None and option.id is not None else None

    def _target(self, row: Row | None) -> ImpedimentTarget | None:
        if row is None or row.kind is not RowKind.CARD or self._view is None or row.item_id is None:
            self.notify("Put the cursor on a planned card first.", severity="warning")
            return None
        target = self._view.targets.get(row.item_id)
        if target is None:
            self.notify("That card's board could not be read just now (see the end of the stand-up).",
                        severity="warning", markup=False)
        return target

    def action_impediment(self) -> None:
        row = self.current_row()
        target = self._target(row)
        if target is None or row is None:
            return
        if row.blocked:
            self._clear(target)
            return

        def flag(reason: str | None) -> None:
            if reason:
                self._flag(target, reason, row.developer)

        self.app.push_screen(ImpedimentDialog(target.name, row.developer), flag)

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def _flag(self, target: ImpedimentTarget, reason: str, developer: str) -> None:
        self.post_message(ImpedimentWritten(await self.service.flag(target, reason, developer)))

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def _clear(self, target: ImpedimentTarget) -> None:
        self.post_message(ImpedimentWritten(await self.service.clear(target)))

    def on_impediment_written(self, message: ImpedimentWritten) -> None:
        outcome = message.outcome
        self.notify_outcome(outcome, done=outcome.confirmation or outcome.message)
        self.reload()

    @on(OptionList.OptionSelected, "#standup-rows")
    def _open(self, event: OptionList.OptionSelected) -> None:
        row = self._rows.get(event.option.id or "")
        target = self._target(row)
        if target is not None:
            self._open_card(target)

    @work(group="standup-card", exclusive=True, exit_on_error=False)
    async def _open_card(self, target: ImpedimentTarget) -> None:
        try:
            found = await self.service.card(target)
        except Exception as exc:  # one clear sentence, the stand-up stays
            self.notify(f"The card could not be opened: {describe_error(exc)}", severity="error", markup=False)
            return
        if found is None:
            self.notify("The card is no longer on its board.", severity="warning")
            return
        card, customer, list_name = found
        self.app.push_screen(CardDetailScreen(self.desk, card, customer, list_name))

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Previous day", "The previous working day's stand-up ([)",
                            lambda: self.run_action("day(-1)"))
        yield SystemCommand("Next day", "The next working day's stand-up (])", lambda: self.run_action("day(1)"))
        yield SystemCommand("Impediment", "Flag or clear an impediment on the card (!)", self.action_impediment)


def _unique(keys: list[str]) -> list[str]:
    """Option ids must differ: a repeated line (two identical notes) gets a counter."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


def _prompt(row: Row) -> Text:
    if row.kind is RowKind.HEADING:
        return Text(row.text, style="bold")
    style = "bold red" if row.blocked else ("yellow" if row.warn else "")
    return Text(row.text, style=style)
