"""The week's work pool: Up next cards across customers, from the Support Epics board and the customers' boards.

Pure functions over loaded boards (the service does the loading), so the pairing rules can be tested
without a network: a Support Epics copy names its source card with the link-back line
``Source: https://trello.com/c/<shortLink>`` in its description (read by ``domain.epics.marker_of``, as
the epics sync reads it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from supportdesk_tui.config import ListNames
from supportdesk_tui.domain.boards import Board, Card
from supportdesk_tui.domain.cadence import lists_named_by
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.epics import marker_of, short_link
from supportdesk_tui.domain.impediments import is_blocked
from supportdesk_tui.domain.planning import WorkItem, estimate_from_labels


@dataclass(frozen=True, slots=True)
class Pool:
    """The week's Up next work across customers, and what could not be read (in words)."""

    items: tuple[WorkItem, ...] = ()
    loaded_at: datetime | None = None
    problems: tuple[str, ...] = ()


def build_pool(customers: Sequence[Customer], boards: Mapping[str, Board], epics: Board | None,
               lists: ListNames) -> list[WorkItem]:
    """The pool from loaded boards (``boards`` by customer name; a missing one failed to load).

    Every customer card in Up next is offered once. Where the Support Epics board has a copy of it
    (not finished: in Recently Completed or a Done list, any week's when ``lists.done`` is a week
    pattern), the copy is offered instead, with the customer's card as its source, because
    publishing then updates both. Epic copies in the epics board's Up next whose source card is on
    no loaded board (its board failed to load) are offered too, by the "Customer: " name prefix.
    """
    copies: dict[str, Card] = {}
    epic_up_next: list[Card] = []
    if epics is not None:
        finished = lists_named_by(epics, (lists.completed, lists.done))
        up = epics.list_named(lists.up_next)
        for card in epics.cards:
            link = marker_of(card)
            if card.closed or link is None or card.list_id in finished:
                continue
            copies.setdefault(link, card)
            if up is not None and card.list_id == up.id:
                epic_up_next.append(card)
    items: list[WorkItem] = []
    seen: set[str] = set()
    for customer in customers:
        board = boards.get(customer.name)
        up_next = board.list_named(lists.up_next) if board is not None else None
        if board is None or up_next is None:
            continue
        for card in board.cards_in(up_next.id):
            link = short_link(card) or ""
            seen.update((card.id, link))
            copy = copies.get(link) or copies.get(card.id)
            labels = [lb.name for lb in card.labels]
            if copy is None:
                items.append(WorkItem(card.id, customer.name, card.name, estimate_from_labels(labels), None,
                                      card.short_url or card.url, is_blocked(card)))
                continue
            estimate = estimate_from_labels(lb.name for lb in copy.labels) or estimate_from_labels(labels)
            items.append(WorkItem(copy.id, customer.name, card.name, estimate, card.id, card.short_url or card.url,
                                  is_blocked(card) or is_blocked(copy)))
    known_cards = {c.id for b in boards.values() for c in b.cards} | {short_link(c) or "" for b in boards.values()
                                                                       for c in b.cards}
    for copy in epic_up_next:
        link = marker_of(copy) or ""
        if link in seen or link in known_cards:
            continue  # already offered, or its source has left Up next (the customer's board decides)
        owner = next((c for c in customers if copy.name.startswith(f"{c.name}: ")), None)
        if owner is None or owner.name in boards:
            continue
        items.append(WorkItem(copy.id, owner.name, copy.name[len(owner.name) + 2:],
                              estimate_from_labels(lb.name for lb in copy.labels), link, copy.short_url or copy.url,
                              is_blocked(copy)))
    return items
