"""Posting to a Groove thread at most once, for every workflow that writes a note or a reply.

``POST /tickets/:number/messages`` is not idempotent and Groove takes no idempotency key, so the only
way to make a journaled step safe to re-run is to look in the thread for what an earlier attempt may
have posted before posting again. Triage (notes, replies), Boards (the reply when a card is done) and
Planning (an older version's confirmation reply) share this one rule, so they cannot drift apart on
what counts as "already posted".
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from supportdesk_tui.domain.journal import Posted
from supportdesk_tui.domain.triage_text import find_message
from supportdesk_tui.services.journal import ambiguous_write

if TYPE_CHECKING:
    from supportdesk_tui.clients.groove import GrooveClient


async def post_once(groove: GrooveClient, number: int, text: str, *, note: bool, author: str | None,
                    look: bool, contains: str | None = None, since: datetime | None = None) -> Posted:
    """Post a note or reply unless ``look`` finds one an earlier attempt already posted.

    Only our side of the thread counts (a customer's message is never ours) and only the same kind
    (a private note never stands in for a reply the customer must get). ``contains`` matches by a
    unique piece (a card URL, a plan's text); otherwise the whole text must match; either way
    whitespace is forgiven, since Groove turns a body into HTML and back. ``since`` ignores older
    messages, for a text that may well have been sent before for an earlier reason (a stock reply).
    A lost or unreadable answer becomes ``AmbiguousWriteError``, which the journal re-runs at once:
    safe, because the re-run looks first.
    """
    if look:
        thread = await groove.list_messages(number)
        if since is not None:
            thread = [m for m in thread if m.created_at >= since]
        hit = find_message(thread, note=note, contains=contains, equals=None if contains else text)
        if hit is not None:
            return Posted(hit.id, found=True)
    what = "posting the note" if note else "sending the reply"
    message = await ambiguous_write(what, groove.post_message(number, text, note=note, author=author or None))
    return Posted(message.id, found=False)
