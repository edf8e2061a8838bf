"""Planning's `C`: the week's close-out (asks first), run through the call service like
``supportdesk week close``: last week's finished cards to the week's Done list, their Support Epics copies
after them, and the triage handover as one comment on next week's plan card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.plan_record import card_name
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.errors import describe_error

if TYPE_CHECKING:
    from supportdesk_tui.screens.base import DeskScreen
    from supportdesk_tui.services.call import CloseReport

    _Base = DeskScreen
else:
    _Base = object

GROUP = "planning-close-week"


class WeekClosed(Message):
    def __init__(self, report: CloseReport) -> None:
        super().__init__()
        self.report = report


class CloseWeekMixin(_Base):
    """The close-out's question, its worker and its report, for the Planning screen."""

    def close_week_target(self) -> IsoWeek:
        plan = getattr(self, "_plan", None)
        return plan.week if plan is not None else IsoWeek.of(self.desk.services.call.agendas.today())

    def action_close_week(self) -> None:
        week = self.close_week_target()
        lists = self.desk.settings.trello.lists
        done = self.desk.services.boards.done_name(week)

        def answer(yes: bool | None) -> None:
            if yes:
                self.close_week(week)

        self.app.push_screen(ConfirmScreen(
            f"Close {week}? Cards that have sat in “{lists.completed}” since before {week.monday:%a %d %b} move to "
            f"“{done}” on every customer board (their Support Epics copies too), and the triage handover is written "
            f"on “{card_name(week.next())}”. Running it again changes nothing."), answer)

    @work(group=GROUP, exit_on_error=False)
    async def close_week(self, week: IsoWeek) -> None:
        self.post_message(WeekClosed(await self.desk.services.call.close_week(week)))

    def on_week_closed(self, message: WeekClosed) -> None:
        report = message.report
        ok = report.outcome is not None and report.outcome.ok
        self.notify(report.summary(), title=f"Close-out {report.week}", severity="information" if ok else "warning",
                    markup=False, timeout=15)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Textual calls this beside the screen's own handler (handlers run along the class's MRO)."""
        if event.worker.group == GROUP and event.state is WorkerState.ERROR:
            self.notify(f"The close-out did not run: {describe_error(event.worker.error or RuntimeError('unknown'))}",
                        severity="error", markup=False)
