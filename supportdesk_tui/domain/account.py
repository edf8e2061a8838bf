"""What `supportdesk init` reads from an account, and the pure rules it guesses the config by.

The rules live here, apart from the requests, so they can be tested on plain values: how a list
name is compared (as the app finds lists: case and surrounding spaces forgiven), which board is a
customer's and what its customer is called, which board looks like the Support Epics board, and how
a card names a Groove ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from supportdesk_tui.domain.boards import list_key


@dataclass(frozen=True, slots=True)
class BoardOutline:
    """An open Trello board with the names of its open lists (from one listing of the member's boards)."""

    id: str
    name: str
    lists: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Agent:
    """A Groove agent, as ``GET /agents`` lists them."""

    email: str
    first_name: str = ""
    last_name: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True, slots=True)
class TicketLink:
    """A Groove ticket named by a card: ``https://<subdomain>.groovehq.com/t/<number>``."""

    subdomain: str
    number: int


_LINK = re.compile(r"https?://([a-z0-9][a-z0-9-]*)\.groovehq\.com/t/(\d{1,12})\b", re.IGNORECASE)
# A trailing "- Support", "– Support board", "(Support)", ": support" is not part of the customer's name.
_SUPPORT_SUFFIX = re.compile(r"\s*(?:[-–—:|/]\s*|\(\s*)?support(?:\s+board)?\s*\)?\s*$", re.IGNORECASE)


def matching_lists(board: BoardOutline, wanted: Iterable[str]) -> dict[str, str]:
    """For each wanted name, the board's own spelling of it (only the ones it has), compared as the app
    finds lists (:func:`~supportdesk_tui.domain.boards.list_key`)."""
    own = {list_key(name): name for name in reversed(board.lists)}  # the first of two look-alikes wins
    return {name: own[list_key(name)] for name in wanted if list_key(name) in own}


def customer_name(board_name: str) -> str:
    """The board's name less a trailing "- Support" or similar (the whole name if nothing is left)."""
    stripped = _SUPPORT_SUFFIX.sub("", board_name).strip(" -–—:|")
    return stripped or board_name.strip()


def looks_like_epics(board_name: str) -> bool:
    """Named like "Support Epics" ("support epics", "Epics – Support", "Support: Epic"), the two words
    side by side once punctuation is gone (so "Epic Games - Support" is a customer, not the epics board)."""
    letters = re.sub(r"[^a-z]+", "", board_name.casefold())
    return any(word in letters for word in ("supportepic", "epicsupport", "epicssupport"))


def ticket_links(text: str) -> list[TicketLink]:
    """Every Groove ticket link in a card's description, in order, each once."""
    seen: dict[tuple[str, int], TicketLink] = {}
    for match in _LINK.finditer(text or ""):
        link = TicketLink(match.group(1).lower(), int(match.group(2)))
        seen.setdefault((link.subdomain, link.number), link)
    return list(seen.values())
