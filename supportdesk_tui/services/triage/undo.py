"""Undo (`z`): reverse the last triage action while nothing newer has happened to its ticket.

The plan is made from the journal entry itself (what its steps recorded: the card it created, the
state, assignee and priority it found before changing them), so an undo after a restart is as
precise as one straight away. Undo is journaled like any action: it checks first that the ticket
still looks the way the action left it (no new message, no other change), then archives the card,
restores state, assignee and priority, and finally marks the original entry undone.

What cannot be undone is said, never hidden: a reply that was sent stays sent, and Groove v1 has no
way to delete a private note.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import ATTEMPT, DONE, FAILED, StepFailed
from supportdesk_tui.services.triage.actions import URGENT_PRIORITY
from supportdesk_tui.services.triage.backlog import NEW, REVIVED
from supportdesk_tui.services.triage.marks import TriageMarks
from supportdesk_tui.services.triage.steps import both
from supportdesk_tui.store import JournalEntry

UNDOABLE = ("backlog", "fix_now", "urgent", "close")
OPEN_AGAIN = ("unread", "opened", "pending")
SIDE_EFFECT_FREE = ("check",)


def written_nothing(entry: JournalEntry) -> bool:
    """True while no step that writes has even been tried (a queued action can simply be dropped)."""
    for key in entry.done_steps:
        step = key.removesuffix(ATTEMPT)
        if step not in SIDE_EFFECT_FREE:
            return False
    return True


def plan_undo(entry: JournalEntry, me: str) -> tuple[dict[str, Any] | None, str]:
    """The undo entry's payload for ``entry``, or ``None`` and the reason it cannot be undone."""
    number = entry.ticket if entry.ticket is not None else int(entry.payload["number"])
    done = entry.done_steps
    if entry.kind == "note":
        return None, (f"The private note on #{number} can't be taken back: Groove's API has no way to delete a "
                      "message. Nothing was undone.")
    if entry.kind not in UNDOABLE or entry.status not in (DONE, FAILED):
        return None, f"The last action ({entry.kind} #{number}) cannot be undone."
    check = done.get("check") or {}
    before: Mapping[str, Any] = check.get("ticket", check) if entry.kind == "backlog" else check
    payload: dict[str, Any] = {"number": number, "target": entry.id, "target_kind": entry.kind, "me": me,
                               "since": entry.updated_at.isoformat(), "started": entry.created_at.isoformat(),
                               "ours": [], "undo": [], "cannot": []}
    prior_state = before.get("state") if before.get("state") in OPEN_AGAIN else "opened"
    if entry.kind == "backlog":
        card = done.get("card")
        if card and card.get("origin") in (NEW, REVIVED):
            payload["card"] = card["id"]
            payload["undo"].append("card archived")
        elif card:
            payload["cannot"].append(f"the card {card['url']} was already on the board before, so it stays")
        if "note" in done:
            payload["ours"].append(done["note"]["id"])
            payload["cannot"].append("the private note with the card link stays on the ticket "
                                     "(Groove's API cannot delete messages)")
    if entry.kind in ("backlog", "close") and "state" in done:
        payload["expect_state"] = done["state"]["state"]
        payload["state"] = prior_state
        payload["undo"].append(f"ticket reopened ({prior_state})")
    if entry.kind == "close" and "reply" in done:
        payload["ours"].append(done["reply"]["id"])
        payload["cannot"].append("the reply already sent to the customer cannot be taken back")
    if entry.kind == "fix_now" and "assign" in done and not done["assign"].get("already"):
        payload["expect_assignee"] = me
        payload["assignee"] = before.get("assignee") or ""
        payload["undo"].append(f"unassigned (back to {before.get('assignee') or 'nobody'})")
    if entry.kind == "fix_now" and "timebox" in done:
        payload["undo"].append("timebox stopped")
    if entry.kind == "urgent":
        if "priority" in done:
            payload["expect_priority"] = URGENT_PRIORITY
            payload["priority"] = before.get("priority")
            payload["undo"].append(f"priority back to {before.get('priority') or 'none'}")
        if "note" in done:
            payload["ours"].append(done["note"]["id"])
            payload["cannot"].append("the private note with the reason stays on the ticket "
                                     "(Groove's API cannot delete messages)")
        if "mark" in done:
            payload["undo"].append("urgent mark removed")
    if not payload["undo"]:
        return None, f"Nothing to undo for {entry.kind} #{number}: it stopped before changing anything."
    return payload, ""


class UndoHandler:
    kind = "undo"

    def __init__(self, ctx: ServiceContext, marks: TriageMarks) -> None:
        self.ctx = ctx
        self.marks = marks

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        wanted = [("card", "card"), ("state", "state"), ("assignee", "assignee"), ("priority", "expect_priority")]
        return ["check", *(step for step, key in wanted if key in payload), "local"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        return f"undo {payload['target_kind'].replace('_', ' ')} #{payload['number']}"

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        number = int(payload["number"])
        if step == "check":
            return await self._check(payload)
        if step == "card":
            await (await self.ctx.trello()).archive_card(str(payload["card"]))
            return {"archived": payload["card"]}
        if step == "state":
            await (await self.ctx.groove()).set_state(number, str(payload["state"]))
            return {"state": payload["state"]}
        if step == "assignee":
            # UNCONFIRMED: that Groove unassigns on an empty assignee (the fake does).
            await (await self.ctx.groove()).set_assignee(number, str(payload["assignee"]))
            return {"assignee": payload["assignee"]}
        if step == "priority":
            await (await self.ctx.groove()).set_priority(number, payload.get("priority"))
            return {"priority": payload.get("priority")}
        if step == "local":
            await asyncio.to_thread(self._local, payload)
            await self.ctx.journal.mark_undone(int(payload["target"]), "undone")
            return {"at": self.ctx.clock.now().isoformat()}
        raise LookupError(f"undo has no step {step!r}")

    async def _check(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Refuse when the ticket no longer looks the way the action left it."""
        groove = await self.ctx.groove()
        number = int(payload["number"])
        ticket, thread = await both(groove.get_ticket(number), groove.list_messages(number))
        changes: list[str] = []
        if "expect_state" in payload and ticket.state != payload["expect_state"]:
            changes.append(f"it is {ticket.state} now")
        if "expect_assignee" in payload and (ticket.assignee or "").casefold() != str(payload["me"]).casefold():
            changes.append(f"it is assigned to {ticket.assignee or 'nobody'} now")
        if "expect_priority" in payload and ticket.priority != payload["expect_priority"]:
            changes.append(f"its priority is {ticket.priority or 'none'} now")
        since = datetime.fromisoformat(str(payload["since"]))
        ours = set(payload.get("ours", []))
        newer = [m for m in thread if m.created_at > since and m.id not in ours]
        if newer:
            who = newer[-1].author or "someone"
            changes.append(f"a new {'note' if newer[-1].note else 'message'} from {who} arrived")
        if changes:
            raise StepFailed(f"#{number} changed since the {payload['target_kind'].replace('_', ' ')}: "
                             f"{'; '.join(changes)}. Nothing was undone.")
        return {"state": ticket.state, "assignee": ticket.assignee, "priority": ticket.priority}

    def _local(self, payload: Mapping[str, Any]) -> None:
        number = int(payload["number"])
        kind = payload["target_kind"]
        now = self.ctx.clock.now()
        if kind in ("backlog", "close"):
            # As if it never happened: the close this app recorded goes, rather than a reopen being added
            # after it (which would give the ticket a fresh clock and count it fixed and reopened).
            self.ctx.store.clear_outcome(number)
            if "started" in payload:
                self.ctx.store.retract_states(number, datetime.fromisoformat(str(payload["started"])))
            if "state" in payload:
                self.ctx.store.observe_state(number, str(payload["state"]), now)
        if kind == "fix_now":
            self.marks.clear_timebox(number)
        if kind == "urgent":
            self.marks.clear_urgent(number)
