"""Building blocks shared by the triage handlers: the conflict check, the snapshot, "set the state once".

Every write a triage step makes is either idempotent by nature (PUT state, assignee, priority;
archive a card) or goes through ``services.groove_writes.post_once``, which looks in the thread
before posting again whenever an earlier attempt may have posted already.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from supportdesk_tui.domain.actions import Snapshot, TicketAction
from supportdesk_tui.domain.journal import StateSet
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.services.journal import StepFailed

if TYPE_CHECKING:
    from supportdesk_tui.clients.groove import GrooveClient

A = TypeVar("A")
B = TypeVar("B")


async def both(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Two independent calls at once (one round trip of wall time); if one fails the other is cancelled."""
    task_a, task_b = asyncio.ensure_future(first), asyncio.ensure_future(second)
    try:
        return await asyncio.gather(task_a, task_b)
    except BaseException:
        for task in (task_a, task_b):
            task.cancel()
        await asyncio.gather(task_a, task_b, return_exceptions=True)
        raise


def snapshot(ticket: Ticket) -> Snapshot:
    """What undo needs to put back, and what it checks has not changed since."""
    return Snapshot(ticket.state, ticket.assignee, ticket.priority, ticket.updated_at.isoformat())


def check_open(ticket: Ticket, payload: TicketAction) -> Snapshot:
    """Refuse to act on a ticket someone else closed or took since the user saw it."""
    n = ticket.number
    if not ticket.is_open:
        raise StepFailed(f"#{n} is already {ticket.state} (someone got there first); nothing was done")
    me = (payload.me or "").casefold()
    seen = (payload.seen_assignee or "").casefold()
    now = (ticket.assignee or "").casefold()
    if now and now not in (me, seen):
        raise StepFailed(f"#{n} was assigned to {ticket.assignee} meanwhile; nothing was done "
                         "(refresh, and try again if it still applies)")
    return snapshot(ticket)


async def check_ticket(groove: GrooveClient, payload: TicketAction) -> Snapshot:
    return check_open(await groove.get_ticket(payload.number), payload)


async def set_state_once(groove: GrooveClient, number: int, state: str, *, look: bool) -> StateSet:
    """PUT the state; on a retry read it first, so a PUT that landed before a crash is not sent again.

    The PUT is idempotent anyway; reading first keeps "the state was set once" literally true.
    """
    if look and await groove.get_state(number) == state:
        return StateSet(state, found=True)
    await groove.set_state(number, state)
    return StateSet(state)
