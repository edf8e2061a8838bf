"""Fix now, urgent, close as fixed and private note: the smaller triage actions, one handler each.

Each starts (except the note) with the same ``check`` as backlog, so a ticket closed or taken by
someone else meanwhile is refused before anything is written; each write is idempotent or posted
once (see :mod:`triage_steps`); local bookkeeping is a last, separate step so a crash cannot leave
it half-done either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from supportdesk_tui.domain.triage_text import urgent_note
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import tried_before
from supportdesk_tui.services.triage.marks import TriageMarks
from supportdesk_tui.services.triage.steps import check_ticket, post_once, set_state_once

URGENT_PRIORITY = "high"  # UNCONFIRMED: v1 documents only low/high; "urgent" is inferred from v2


class _Handler:
    kind = ""

    def __init__(self, ctx: ServiceContext, marks: TriageMarks) -> None:
        self.ctx = ctx
        self.marks = marks

    def _now(self) -> datetime:
        return self.ctx.clock.now()


class FixNowHandler(_Handler):
    """Assign the ticket to me and start the timebox (shown on the row; a nudge when it runs out)."""

    kind = "fix_now"

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        return ["check", "assign", "timebox"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        return f"fix now #{payload['number']}"

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        number = int(payload["number"])
        if step == "check":
            return await check_ticket(await self.ctx.groove(), payload)
        if step == "assign":
            me = str(payload["me"])
            if (done["check"].get("assignee") or "").casefold() == me.casefold():
                return {"already": True}
            await (await self.ctx.groove()).set_assignee(number, me)
            return {"already": False}
        if step == "timebox":
            start = self._now()
            await asyncio.to_thread(self.marks.start_timebox, number, start, float(payload["hours"]))
            return {"start": start.isoformat()}
        raise LookupError(f"fix_now has no step {step!r}")


class UrgentHandler(_Handler):
    """Priority high, the reason as a private note, the row marked as business impact."""

    kind = "urgent"

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        return ["check", "priority", "note", "mark"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        return f"urgent #{payload['number']}"

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        number = int(payload["number"])
        if step == "check":
            return await check_ticket(await self.ctx.groove(), payload)
        if step == "priority":
            await (await self.ctx.groove()).set_priority(number, URGENT_PRIORITY)
            return {"priority": URGENT_PRIORITY}
        if step == "note":
            return await post_once(await self.ctx.groove(), number, urgent_note(payload["reason"]), note=True,
                                   author=payload.get("me"), look=tried_before(done, "note"))
        if step == "mark":
            await asyncio.to_thread(self.marks.mark_urgent, number, str(payload["reason"]))
            return {"at": self._now().isoformat()}
        raise LookupError(f"urgent has no step {step!r}")


class CloseHandler(_Handler):
    """An optional public reply (sent once), then closed; recorded as fixed."""

    kind = "close"

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        return ["check", *(["reply"] if payload.get("reply") else []), "state", "record"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        return f"close #{payload['number']}" + (" with a reply" if payload.get("reply") else "")

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        number = int(payload["number"])
        if step == "check":
            return await check_ticket(await self.ctx.groove(), payload)
        if step == "reply":
            return await post_once(await self.ctx.groove(), number, str(payload["reply"]), note=False,
                                   author=payload.get("me"), look=tried_before(done, "reply"))
        if step == "state":
            return await set_state_once(await self.ctx.groove(), number, "closed", look=tried_before(done, "state"))
        if step == "record":
            return await asyncio.to_thread(self._record, number)
        raise LookupError(f"close has no step {step!r}")

    def _record(self, number: int) -> dict[str, Any]:
        now = self._now()
        self.ctx.store.record_outcome(number, "fixed", now)
        self.ctx.store.observe_state(number, "closed", now)
        self.marks.forget_ticket(number)
        return {"at": now.isoformat()}


class NoteHandler(_Handler):
    """A private note (posted once: a retry looks for the same text in the thread first)."""

    kind = "note"

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        return ["note"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        return f"note on #{payload['number']}"

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        if step == "note":
            return await post_once(await self.ctx.groove(), int(payload["number"]), str(payload["text"]),
                                   note=True, author=payload.get("me"), look=tried_before(done, "note"))
        raise LookupError(f"note has no step {step!r}")
