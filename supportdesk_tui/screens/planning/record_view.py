"""What the Planning screen shows of the plan of record: messages from its workers and the banner's words."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.services.planning.record_model import RecordEvent, RecordStatus
from supportdesk_tui.services.planning.service import PlanningService
from supportdesk_tui.widgets.banner import Banner


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
    Binding("m", "apply_mine", "Apply mine", show=False, id="planning.apply_mine",
            tooltip="Put your change over theirs where you both changed the same cell"),
    Binding("M", "keep_theirs", "Keep theirs", show=False, id="planning.keep_theirs",
            tooltip="Keep their change and hide the conflict"),
    Binding("F", "repair_card", "Repair card", show=False, id="planning.repair_card",
            tooltip="Rewrite the week's Trello card from this machine's copy"),
    Binding("T", "take_theirs", "Take theirs", show=False, id="planning.take_theirs",
            tooltip="Replace this machine's copy with the Trello card's plan"),
]
"""The Planning screen's keys for the plan of record (in its BINDINGS: Textual reads them from screens only)."""

if TYPE_CHECKING:
    from supportdesk_tui.screens.base import DeskScreen

    _Base = DeskScreen
else:
    _Base = object


class PlanRecordMixin(_Base):
    """The plan-of-record half of the Planning screen: checking the card, showing what it says, the keys
    that answer a conflict or a card problem. The Planning screen supplies the plan and the grid."""

    if TYPE_CHECKING:  # what the Planning screen provides
        _plan: Plan | None
        _week: IsoWeek | None
        _source: str
        _record_line: str

        @property
        def service(self) -> PlanningService: ...

        def _render_plan(self) -> None: ...

    def watch_record(self) -> None:
        """From mount: hear the service, poll while in front, and check once now (after the first paint)."""
        self.service.record.listeners.append(self._record_event)
        self.set_interval(self.service.settings.trello.poll_seconds, self._record_poll, name="planning-record-poll")
        self.check_record()

    def on_unmount(self) -> None:
        with contextlib.suppress(ValueError):
            self.service.record.listeners.remove(self._record_event)

    def back_in_front(self) -> None:
        self.check_record()  # back from another mode or screen: what others saved meanwhile

    def _record_event(self, event: RecordEvent) -> None:
        self.post_message(RecordNotice(event))

    def _record_poll(self) -> None:
        if self.app.screen is self:
            self.service.record.check_soon()  # shares the headers' throttle: one check per poll period in all

    @work(group="planning-record", exclusive=True, exit_on_error=False)
    async def check_record(self) -> None:
        await self.service.record.check()
        self.show_record()  # the same exclusive worker the check's own notice starts: one read, not two

    @work(group="planning-record-show", exclusive=True, exit_on_error=False)
    async def show_record(self) -> None:
        await self._show_record()

    async def _show_record(self) -> None:
        week = self._plan.week if self._plan is not None else self._week
        if week is not None:
            record = self.service.record
            status = await record.status(week)
            self.post_message(RecordShown(status, record.status_line(status), await self.service.load_plan(week)))

    def on_record_notice(self, message: RecordNotice) -> None:
        event = message.event
        if event.notice:
            self.notify(event.notice, severity="error" if event.severity == "error" else "information", markup=False,
                        timeout=10)
        self.show_record()

    def on_record_shown(self, message: RecordShown) -> None:
        week = self._plan.week if self._plan is not None else self._week
        if message.status.week != week:
            return
        text = banner_text(message.status)
        banner = self.query_one(Banner)
        if text:
            banner.show(text)
        elif banner.has_class("-record"):
            banner.hide()
        banner.set_class(bool(text), "-record")
        saving = any(w.group == "planning-save" and not w.is_finished for w in self.workers)
        changed = message.line != self._record_line
        self._record_line = message.line
        if message.plan is not None and message.plan != self._plan and not saving:
            self._plan, self._source = message.plan, "saved"  # someone else's change, read from the card
            changed = True
        if changed:
            self._render_plan()

    def _record_choice(self, what: Callable[[IsoWeek], Awaitable[object]]) -> None:
        week = self._plan.week if self._plan is not None else None
        if week is None:
            return

        async def run() -> None:
            await what(week)
            await self._show_record()

        self.run_worker(run(), group="planning-record-choice", exclusive=True, exit_on_error=False)

    def action_apply_mine(self) -> None:
        self._record_choice(self.service.record.apply_mine)

    def action_keep_theirs(self) -> None:
        self._record_choice(self.service.record.dismiss_conflicts)

    def action_repair_card(self) -> None:
        self._record_choice(self.service.record.repair)

    def action_take_theirs(self) -> None:
        async def take(week: IsoWeek) -> None:
            if not await self.service.record.take_theirs(week):
                self.notify("The card's plan cannot be read, so there is nothing to take; F rewrites it from "
                            "this machine's copy.", severity="warning", markup=False)

        self._record_choice(take)
