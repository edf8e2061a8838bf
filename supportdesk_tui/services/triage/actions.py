"""Fix now, urgent, close as fixed and private note: the smaller triage actions, one handler each.

Each starts (except the note) with the same ``check`` as backlog, so a ticket closed or taken by
someone else meanwhile is refused before anything is written; each write is idempotent or posted
once (see :mod:`triage_steps`); local bookkeeping is a last, separate step so a crash cannot leave
it half-done either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from supportdesk_tui.domain.actions import Assigned, Close, FixNow, Note, PrioritySet, Snapshot, TimeboxStarted, Urgent
from supportdesk_tui.domain.journal import ActionPayload, At, Posted, StateSet
from supportdesk_tui.domain.triage_text import urgent_note
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.groove_writes import post_once
from supportdesk_tui.services.journal import Action, StepFn, StepResults
from supportdesk_tui.services.triage.marks import TriageMarks
from supportdesk_tui.services.triage.steps import check_ticket, set_state_once

URGENT_PRIORITY = "high"  # UNCONFIRMED: v1 documents only low/high; "urgent" is inferred from v2
P = TypeVar("P", bound=ActionPayload)


class TriageAction(Action[P]):
    """A triage handler: the context (clients, store, clock) and the local marks."""

    def __init__(self, ctx: ServiceContext, marks: TriageMarks) -> None:
        self.ctx = ctx
        self.marks = marks

    def _now(self) -> datetime:
        return self.ctx.clock.now()


class FixNowHandler(TriageAction[FixNow]):
    """Assign the ticket to me and start the timebox (shown on the row; a nudge when it runs out)."""

    payload_type = FixNow

    def steps(self, p: FixNow) -> Sequence[StepFn[FixNow]]:
        return (self.check, self.assign, self.timebox)

    def describe(self, p: FixNow) -> str:
        return f"fix now #{p.number}"

    def confirm(self, p: FixNow, done: StepResults) -> str:
        already = " (it was already yours)" if done.get("assign", Assigned).already else ""
        return f"#{p.number} is yours{already}: {float(p.hours):g}-hour timebox started."

    async def check(self, p: FixNow, done: StepResults) -> Snapshot:
        return await check_ticket(await self.ctx.groove(), p)

    async def assign(self, p: FixNow, done: StepResults) -> Assigned:
        if (done.get("check", Snapshot).assignee or "").casefold() == p.me.casefold():
            return Assigned(already=True)
        await (await self.ctx.groove()).set_assignee(p.number, p.me)
        return Assigned(already=False)

    async def timebox(self, p: FixNow, done: StepResults) -> TimeboxStarted:
        start = self._now()
        await asyncio.to_thread(self.marks.start_timebox, p.number, start, float(p.hours))
        return TimeboxStarted(start)


class UrgentHandler(TriageAction[Urgent]):
    """Priority high, the reason as a private note, the row marked as business impact."""

    payload_type = Urgent

    def steps(self, p: Urgent) -> Sequence[StepFn[Urgent]]:
        return (self.check, self.priority, self.note, self.mark)

    def describe(self, p: Urgent) -> str:
        return f"urgent #{p.number}"

    def confirm(self, p: Urgent, done: StepResults) -> str:
        return f"#{p.number} marked urgent (priority high); the reason is noted on the ticket."

    async def check(self, p: Urgent, done: StepResults) -> Snapshot:
        return await check_ticket(await self.ctx.groove(), p)

    async def priority(self, p: Urgent, done: StepResults) -> PrioritySet:
        await (await self.ctx.groove()).set_priority(p.number, URGENT_PRIORITY)
        return PrioritySet(URGENT_PRIORITY)

    async def note(self, p: Urgent, done: StepResults) -> Posted:
        return await post_once(await self.ctx.groove(), p.number, urgent_note(p.reason), note=True, author=p.me,
                               look=done.tried_before("note"))

    async def mark(self, p: Urgent, done: StepResults) -> At:
        await asyncio.to_thread(self.marks.mark_urgent, p.number, p.reason)
        return At(self._now())


class CloseHandler(TriageAction[Close]):
    """An optional public reply (sent once), then closed; recorded as fixed."""

    payload_type = Close

    def steps(self, p: Close) -> Sequence[StepFn[Close]]:
        return (self.check, *((self.reply,) if p.reply else ()), self.state, self.record)

    def describe(self, p: Close) -> str:
        return f"close #{p.number}" + (" with a reply" if p.reply else "")

    def confirm(self, p: Close, done: StepResults) -> str:
        replied = f"; reply sent to {p.email or 'the customer'}" if "reply" in done else ""
        return f"#{p.number} closed as fixed{replied}."

    async def check(self, p: Close, done: StepResults) -> Snapshot:
        return await check_ticket(await self.ctx.groove(), p)

    async def reply(self, p: Close, done: StepResults) -> Posted:
        return await post_once(await self.ctx.groove(), p.number, p.reply, note=False, author=p.me,
                               look=done.tried_before("reply"))

    async def state(self, p: Close, done: StepResults) -> StateSet:
        return await set_state_once(await self.ctx.groove(), p.number, "closed", look=done.tried_before("state"))

    async def record(self, p: Close, done: StepResults) -> At:
        return await asyncio.to_thread(self._record, p.number)

    def _record(self, number: int) -> At:
        now = self._now()
        self.ctx.store.record_outcome(number, "fixed", now)
        self.ctx.store.observe_state(number, "closed", now)
        self.marks.forget_ticket(number)
        return At(now)


class NoteHandler(TriageAction[Note]):
    """A private note (posted once: a retry looks for the same text in the thread first)."""

    payload_type = Note

    def steps(self, p: Note) -> Sequence[StepFn[Note]]:
        return (self.note,)

    def describe(self, p: Note) -> str:
        return f"note on #{p.number}"

    def confirm(self, p: Note, done: StepResults) -> str:
        return f"Private note added to #{p.number}."

    async def note(self, p: Note, done: StepResults) -> Posted:
        return await post_once(await self.ctx.groove(), p.number, p.text, note=True, author=p.me,
                               look=done.tried_before("note"))
