"""Undo (`z`): reverse the last triage action while nothing newer has happened to its ticket.

The plan is made from the journal entry itself (what its steps recorded: the card it created, the
state, assignee and priority it found before changing them), so an undo after a restart is as
precise as one straight away. Undo is journaled like any action: it checks first that the ticket
still looks the way the action left it (no new message, no other change), then archives the card,
restores state, assignee and priority, and finally marks the original entry undone.

What cannot be undone is said, never hidden: a reply that was sent stays sent, and Groove v1 has no
way to delete a private note. Two of the writes are guesses (unassigning with an empty assignee,
clearing the priority with ``null``): when Groove refuses one, the rest of the undo still happens and
the confirmation says what to set back by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from supportdesk_tui.clients.errors import ConflictError, ValidationError
from supportdesk_tui.domain.actions import (
    Archived,
    Assigned,
    AssigneeSet,
    BacklogCard,
    BacklogCheck,
    CardOrigin,
    PrioritySet,
    Snapshot,
    TicketNow,
    Undo,
)
from supportdesk_tui.domain.journal import ActionKind, At, Posted, StateSet
from supportdesk_tui.services.journal import DONE, FAILED, StepFailed, StepFn, StepResults
from supportdesk_tui.services.triage.actions import URGENT_PRIORITY, TriageAction
from supportdesk_tui.services.triage.steps import both
from supportdesk_tui.store import JournalEntry

UNDOABLE = (ActionKind.BACKLOG, ActionKind.FIX_NOW, ActionKind.URGENT, ActionKind.CLOSE)
OPEN_AGAIN = ("unread", "opened", "pending")
SIDE_EFFECT_FREE = ("check",)
REFUSED = (ValidationError, ConflictError)  # Groove answered 4xx: it will not take this write


def written_nothing(entry: JournalEntry) -> bool:
    """True while no step that writes has even been tried (a queued action can simply be dropped)."""
    return all(step in SIDE_EFFECT_FREE for step in (*entry.done_steps, *entry.attempts))


def _unassigned(assignee: str | None) -> str:
    return f"unassigned (back to {assignee or 'nobody'})"


def _priority_back(priority: str | None) -> str:
    return f"priority back to {priority or 'none'}"


def _before(kind: str, done: StepResults) -> Snapshot | None:
    """The ticket as the action's check found it (none if it stopped before)."""
    if kind == ActionKind.BACKLOG:
        check = done.maybe("check", BacklogCheck)
        return check.ticket if check else None
    return done.maybe("check", Snapshot)


def plan_undo(entry: JournalEntry, me: str) -> tuple[Undo | None, str]:
    """The undo entry's payload for ``entry``, or ``None`` and the reason it cannot be undone."""
    number = entry.ticket if entry.ticket is not None else int(entry.payload["number"])
    kind = entry.kind
    if kind == ActionKind.NOTE:
        return None, (f"The private note on #{number} can't be taken back: Groove's API has no way to delete a "
                      "message. Nothing was undone.")
    if kind not in UNDOABLE or entry.status not in (DONE, FAILED):
        return None, f"The last action ({kind} #{number}) cannot be undone."
    done = StepResults(entry.done_steps, entry.attempts)
    before = _before(kind, done)
    was_state, was_assignee, was_priority = (before.state, before.assignee, before.priority) if before else \
        (None, None, None)
    ours: list[str] = []
    undo: list[str] = []
    cannot: list[str] = []
    writes: dict[str, Any] = {}
    prior_state = was_state if was_state in OPEN_AGAIN else "opened"
    if kind == ActionKind.BACKLOG:
        card = done.maybe("card", BacklogCard)
        if card and card.origin in (CardOrigin.NEW, CardOrigin.REVIVED):
            writes["card"] = card.id
            undo.append("card archived")
        elif card:
            cannot.append(f"the card {card.url} was already on the board before, so it stays")
        if "note" in done:
            ours.append(done.get("note", Posted).id)
            cannot.append("the private note with the card link stays on the ticket "
                          "(Groove's API cannot delete messages)")
    if kind in (ActionKind.BACKLOG, ActionKind.CLOSE) and "state" in done:
        writes.update(expect_state=done.get("state", StateSet).state, state=prior_state)
        undo.append(f"ticket reopened ({prior_state})")
    if kind == ActionKind.CLOSE and "reply" in done:
        ours.append(done.get("reply", Posted).id)
        cannot.append("the reply already sent to the customer cannot be taken back")
    if kind == ActionKind.FIX_NOW:
        if "assign" in done and not done.get("assign", Assigned).already:
            writes.update(expect_assignee=me, assignee=was_assignee or "")
            undo.append(_unassigned(was_assignee))
        if "timebox" in done:
            undo.append("timebox stopped")
    if kind == ActionKind.URGENT:
        if "priority" in done:
            writes.update(expect_priority=URGENT_PRIORITY, priority=was_priority)
            undo.append(_priority_back(was_priority))
        if "note" in done:
            ours.append(done.get("note", Posted).id)
            cannot.append("the private note with the reason stays on the ticket "
                          "(Groove's API cannot delete messages)")
        if "mark" in done:
            undo.append("urgent mark removed")
    if not undo:
        return None, f"Nothing to undo for {kind} #{number}: it stopped before changing anything."
    return Undo(number=number, target=entry.id, target_kind=ActionKind(kind), me=me, since=entry.updated_at,
                started=entry.created_at, ours=tuple(ours), undo=tuple(undo), cannot=tuple(cannot), **writes), ""


class UndoHandler(TriageAction[Undo]):
    payload_type = Undo

    def steps(self, p: Undo) -> Sequence[StepFn[Undo]]:
        wanted = ((self.card, p.card is not None), (self.state, p.state is not None),
                  (self.assignee, p.assignee is not None), (self.priority, p.expect_priority is not None))
        return (self.check, *(step for step, needed in wanted if needed), self.local)

    def describe(self, p: Undo) -> str:
        return f"undo {p.target_kind.words} #{p.number}"

    def confirm(self, p: Undo, done: StepResults) -> str:
        undone = list(p.undo)
        by_hand: list[str] = []
        unassign = done.maybe("assignee", AssigneeSet)
        if unassign is not None and unassign.refused:
            undone = [x for x in undone if x != _unassigned(p.assignee)]
            by_hand.append(f"Groove did not accept unassigning #{p.number}; nobody had it before, so unassign "
                           "it there by hand.")
        clear = done.maybe("priority", PrioritySet)
        if clear is not None and clear.refused:
            undone = [x for x in undone if x != _priority_back(p.priority)]
            by_hand.append(f"Groove did not accept clearing the priority of #{p.number}; it had none before, so "
                           "clear it there by hand.")
        text = f"Undid the {p.target_kind.words} of #{p.number}: {', '.join(undone) or 'nothing else'}."
        if p.cannot:
            text += f" Cannot be undone: {'; '.join(p.cannot)}."
        return " ".join((text, *by_hand))

    async def check(self, p: Undo, done: StepResults) -> TicketNow:
        """Refuse when the ticket no longer looks the way the action left it."""
        groove = await self.ctx.groove()
        ticket, thread = await both(groove.get_ticket(p.number), groove.list_messages(p.number))
        changes: list[str] = []
        if p.expect_state is not None and ticket.state != p.expect_state:
            changes.append(f"it is {ticket.state} now")
        if p.expect_assignee is not None and (ticket.assignee or "").casefold() != p.me.casefold():
            changes.append(f"it is assigned to {ticket.assignee or 'nobody'} now")
        if p.expect_priority is not None and ticket.priority != p.expect_priority:
            changes.append(f"its priority is {ticket.priority or 'none'} now")
        newer = [m for m in thread if m.created_at > p.since and m.id not in p.ours]
        if newer:
            who = newer[-1].author or "someone"
            changes.append(f"a new {'note' if newer[-1].note else 'message'} from {who} arrived")
        if changes:
            raise StepFailed(f"#{p.number} changed since the {p.target_kind.words}: "
                             f"{'; '.join(changes)}. Nothing was undone.")
        return TicketNow(ticket.state, ticket.assignee, ticket.priority)

    async def card(self, p: Undo, done: StepResults) -> Archived:
        assert p.card is not None
        await (await self.ctx.trello()).archive_card(p.card)
        return Archived(p.card)

    async def state(self, p: Undo, done: StepResults) -> StateSet:
        assert p.state is not None
        await (await self.ctx.groove()).set_state(p.number, p.state)
        return StateSet(p.state)

    async def assignee(self, p: Undo, done: StepResults) -> AssigneeSet:
        assert p.assignee is not None
        try:
            await (await self.ctx.groove()).set_assignee(p.number, p.assignee)
        except REFUSED as exc:
            # UNCONFIRMED: that Groove unassigns on an empty assignee (the fake does). Fallback: if Groove
            # refuses it, the rest of the undo goes on and the confirmation says to unassign by hand.
            if p.assignee:
                raise  # putting back a named agent is not the guess: a refusal stops the undo as before
            return AssigneeSet(p.assignee, refused=str(exc))
        return AssigneeSet(p.assignee)

    async def priority(self, p: Undo, done: StepResults) -> PrioritySet:
        try:
            await (await self.ctx.groove()).set_priority(p.number, p.priority)
        except REFUSED as exc:
            # UNCONFIRMED: that Groove clears the priority on null. Fallback: if Groove refuses it, the rest
            # of the undo goes on and the confirmation says to clear it by hand.
            if p.priority is not None:
                raise
            return PrioritySet(None, refused=str(exc))
        return PrioritySet(p.priority)

    async def local(self, p: Undo, done: StepResults) -> At:
        await asyncio.to_thread(self._local, p)
        await self.ctx.journal.mark_undone(p.target, "undone")
        return At(self.ctx.clock.now())

    def _local(self, p: Undo) -> None:
        now = self.ctx.clock.now()
        if p.target_kind in (ActionKind.BACKLOG, ActionKind.CLOSE):
            # As if it never happened: the close this app recorded goes, rather than a reopen being added
            # after it (which would give the ticket a fresh clock and count it fixed and reopened).
            self.ctx.store.clear_outcome(p.number)
            self.ctx.store.retract_states(p.number, p.started)
            if p.state is not None:
                self.ctx.store.observe_state(p.number, p.state, now)
        if p.target_kind is ActionKind.FIX_NOW:
            self.marks.clear_timebox(p.number)
        if p.target_kind is ActionKind.URGENT:
            self.marks.clear_urgent(p.number)
