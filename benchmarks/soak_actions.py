"""What the simulated triage person does during the soak: the real triage service, on a random open
ticket from what the Inbox shows (faults may hit any of these half-way; the journal must cope)."""

from __future__ import annotations

import random
from typing import Any

from benchmarks.soak import Action
from supportdesk_tui.domain.tickets import Ticket


def _ticket(app: Any, rng: random.Random) -> Ticket | None:
    data = getattr(app.screen, "_data", None)
    if data is None or not data.tickets:
        return None
    return rng.choice(sorted(data.tickets, key=lambda t: t.number))


async def backlog(app: Any, rng: random.Random) -> str | None:
    ticket = _ticket(app, rng)
    if ticket is None:
        return None
    customer = app.services.triage.suggest_customer(ticket)
    if customer is None:
        return None
    result = await app.services.triage.backlog(ticket, customer.name, ticket.title or "Support request")
    return f"backlog:{result.status}"


async def close(app: Any, rng: random.Random) -> str | None:
    ticket = _ticket(app, rng)
    if ticket is None:
        return None
    reply = "Fixed now, thank you for reporting it." if rng.random() < 0.5 else None
    return f"close:{(await app.services.triage.close(ticket, reply)).status}"


async def note(app: Any, rng: random.Random) -> str | None:
    ticket = _ticket(app, rng)
    if ticket is None:
        return None
    return f"note:{(await app.services.triage.note(ticket, 'Looked at this; see the logs.')).status}"


async def fix_now(app: Any, rng: random.Random) -> str | None:
    ticket = _ticket(app, rng)
    if ticket is None:
        return None
    return f"fix_now:{(await app.services.triage.fix_now(ticket)).status}"


async def urgent(app: Any, rng: random.Random) -> str | None:
    ticket = _ticket(app, rng)
    if ticket is None:
        return None
    return f"urgent:{(await app.services.triage.urgent(ticket, 'Orders are blocked')).status}"


async def undo(app: Any, rng: random.Random) -> str | None:
    return f"undo:{(await app.services.triage.undo()).status}"


ACTIONS: list[Action] = [backlog, backlog, backlog, close, close, note, fix_now, urgent, undo]
