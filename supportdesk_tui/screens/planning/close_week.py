"""Planning's `C`: the week's close-out (asks first), run through the call service like
``supportdesk week close``: last week's finished cards to the week's Done list, their Support Epics copies
after them, and the triage handover as one comment on next week's plan card."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from supportdesk_tui.domain.plan_record import card_name
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.errors import describe_error

if TYPE_CHECKING:
    from supportdesk_tui.screens.base import DeskScreen
    from supportdesk_tui.services.call import CloseReport


class WeekClosed(Message):
    def __init__(self, report: CloseReport) -> None:
        super().__init__()
        self.report = report


class CloseWeek:
    """The close-out's question, its worker and its report, as a component of the Planning screen (which
    forwards `C`, :class:`WeekClosed` and the failure of its worker group here). ``week`` is the week shown."""

    GROUP = "planning-close-week"

    def __init__(self, screen: DeskScreen, week: Callable[[], IsoWeek | None]) -> None:
        self.screen = screen
        self._week = week

    def target(self) -> IsoWeek:
        """The week shown, or this week before a plan has been opened."""
        return self._week() or IsoWeek.of(self.screen.desk.services.call.agendas.today())

    def ask(self) -> None:
        week = self.target()
        desk = self.screen.desk
        lists = desk.settings.trello.lists
        done = desk.services.boards.done_name(week)

        def answer(yes: bool | None) -> None:
            if yes:
                self.run(week)

        self.screen.app.push_screen(ConfirmScreen(
            f"Close {week}? Cards that have sat in “{lists.completed}” since before {week.monday:%a %d %b} move to "
            f"“{done}” on every customer board (their Support Epics copies too), and the triage handover is written "
            f"on “{card_name(week.next())}”. Running it again changes nothing."), answer)

    def run(self, week: IsoWeek) -> Worker[None]:
        async def close() -> None:
            self.screen.post_message(WeekClosed(await self.screen.desk.services.call.close_week(week)))

        return self.screen.run_worker(close, name="close_week", group=self.GROUP, exit_on_error=False)

    def finished(self, message: WeekClosed) -> None:
        report = message.report
        ok = report.outcome is not None and report.outcome.ok
        self.screen.notify(report.summary(), title=f"Close-out {report.week}",
                           severity="information" if ok else "warning", markup=False, timeout=15)

    def failed(self, error: BaseException | None) -> None:
        self.screen.notify(f"The close-out did not run: {describe_error(error or RuntimeError('unknown'))}",
                           severity="error", markup=False)
