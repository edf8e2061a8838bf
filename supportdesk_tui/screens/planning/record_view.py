"""What the Planning screen shows of the plan of record, as a component the screen owns (it forwards its
mount, unmount, coming back to the front, the two messages and the keys here): checking the card, showing
what it says, the keys that answer a conflict or a card problem."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker

from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.services.planning.record_model import RecordEvent, RecordStatus
from supportdesk_tui.services.planning.service import PlanningService
from supportdesk_tui.widgets.banner import Banner

if TYPE_CHECKING:
    from supportdesk_tui.screens.base import DeskScreen


class RecordNotice(Message):
    """The plan of record changed or has something to say (posted from the service's listener)."""

    def __init__(self, event: RecordEvent) -> None:
        super().__init__()
        self.event = event


class RecordShown(Message):
    """A week's record status, its line for the header, and the local copy as the store now holds it."""

    def __init__(self, status: RecordStatus, line: str, plan: Plan | None) -> None:
        super().__init__()
        self.status = status
        self.line = line
        self.plan = plan


def banner_text(status: RecordStatus) -> str:
    """The card problem or the conflicts, with the keys that answer them; empty when there is nothing."""
    if status.problem:
        choices = "F rewrites the card from this machine's copy"
        if status.theirs_readable:
            choices += " · T takes the card's plan instead"
        return f"⚠ {status.problem}. This machine's copy stays and nothing is written until you choose: {choices}."
    if status.conflicts:
        more = f" (+{len(status.conflicts) - 1} more)" if len(status.conflicts) > 1 else ""
        return f"⚠ {status.conflicts[-1]}{more}. m applies yours over theirs · M keeps theirs."
    return ""


PLAN_RECORD_BINDINGS: list[BindingType] = [
    Binding("m", "record('apply_mine')", "Apply mine", show=False, id="planning.apply_mine",
            tooltip="Put your change over theirs where you both changed the same cell"),
    Binding("M", "record('keep_theirs')", "Keep theirs", show=False, id="planning.keep_theirs",
            tooltip="Keep their change and hide the conflict"),
    Binding("F", "record('repair_card')", "Repair card", show=False, id="planning.repair_card",
            tooltip="Rewrite the week's Trello card from this machine's copy"),
    Binding("T", "record('take_theirs')", "Take theirs", show=False, id="planning.take_theirs",
            tooltip="Replace this machine's copy with the Trello card's plan"),
]
"""The Planning screen's keys for the plan of record (in its BINDINGS: Textual reads them from screens only);
each runs the screen's ``record`` action, which calls :meth:`PlanRecordView.choose` with the name."""


class PlanRecordView:
    """The plan of record on the Planning screen. The screen hands over itself (banner, toasts, workers),
    and what only it knows: the week shown, the plan shown, how to show someone else's plan instead
    (``adopt``) and how to draw the grid again (``render``)."""

    def __init__(self, screen: DeskScreen, *, week: Callable[[], IsoWeek | None], plan: Callable[[], Plan | None],
                 adopt: Callable[[Plan], None], render: Callable[[], None]) -> None:
        self.screen = screen
        self._week, self._plan, self._adopt, self._render = week, plan, adopt, render
        self.line = ""
        """The header's words for the week's record (``plan r3 by ben 10:02``, ``as of … (Trello not reachable)``)."""

    @property
    def service(self) -> PlanningService:
        return self.screen.desk.services.planning

    def watch(self) -> None:
        """From mount: hear the service, poll while in front, and check once now (after the first paint)."""
        self.service.record.listeners.append(self._record_event)
        self.screen.set_interval(self.service.settings.trello.poll_seconds, self._poll, name="planning-record-poll")
        self.check()

    def unwatch(self) -> None:
        with contextlib.suppress(ValueError):
            self.service.record.listeners.remove(self._record_event)

    def _record_event(self, event: RecordEvent) -> None:
        self.screen.post_message(RecordNotice(event))

    def _poll(self) -> None:
        if self.screen.app.screen is self.screen:
            self.service.record.check_soon()  # shares the headers' throttle: one check per poll period in all

    def check(self) -> Worker[None]:
        """Ask Trello now (`r`, back to the front), then show what the record says."""
        async def check_then_show() -> None:
            await self.service.record.check()
            self.show()  # the same exclusive worker the check's own notice starts: one read, not two

        return self.screen.run_worker(check_then_show, name="check_record", group="planning-record",
                                      exclusive=True, exit_on_error=False)

    def show(self) -> Worker[None]:
        return self.screen.run_worker(self._show, name="show_record", group="planning-record-show",
                                      exclusive=True, exit_on_error=False)

    async def _show(self) -> None:
        week = self._week()
        if week is not None:
            record = self.service.record
            status = await record.status(week)
            plan = await self.service.load_plan(week)
            self.screen.post_message(RecordShown(status, record.status_line(status), plan))

    def notice(self, message: RecordNotice) -> None:
        event = message.event
        if event.notice:
            self.screen.notify(event.notice, severity="error" if event.severity == "error" else "information",
                               markup=False, timeout=10)
        self.show()

    def shown(self, message: RecordShown) -> None:
        if message.status.week != self._week():
            return
        text = banner_text(message.status)
        banner = self.screen.query_one(Banner)
        if text:
            banner.show(text)
        elif banner.has_class("-record"):
            banner.hide()
        banner.set_class(bool(text), "-record")
        saving = any(w.group == "planning-save" and not w.is_finished for w in self.screen.workers)
        changed = message.line != self.line
        self.line = message.line
        if message.plan is not None and message.plan != self._plan() and not saving:
            self._adopt(message.plan)  # someone else's change, read from the card
            changed = True
        if changed:
            self._render()

    def _choice(self, what: Callable[[IsoWeek], Awaitable[object]]) -> Worker[None] | None:
        plan = self._plan()
        if plan is None:
            return None
        week = plan.week

        async def run() -> None:
            await what(week)
            await self._show()

        return self.screen.run_worker(run, group="planning-record-choice", exclusive=True, exit_on_error=False)

    def choose(self, choice: str) -> None:
        """`m` `M` `F` `T` (see PLAN_RECORD_BINDINGS); a name it does not know does nothing."""
        answer = {"apply_mine": self.apply_mine, "keep_theirs": self.keep_theirs, "repair_card": self.repair_card,
                  "take_theirs": self.take_theirs}.get(choice)
        if answer is not None:
            answer()

    def apply_mine(self) -> None:
        self._choice(self.service.record.apply_mine)

    def keep_theirs(self) -> None:
        self._choice(self.service.record.dismiss_conflicts)

    def repair_card(self) -> None:
        self._choice(self.service.record.repair)

    def take_theirs(self) -> None:
        async def take(week: IsoWeek) -> None:
            if not await self.service.record.take_theirs(week):
                self.screen.notify("The card's plan cannot be read, so there is nothing to take; F rewrites it "
                                   "from this machine's copy.", severity="warning", markup=False)

        self._choice(take)
