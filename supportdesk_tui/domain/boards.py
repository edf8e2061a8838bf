"""Trello boards as plain values (never py-trello objects, whose lazy properties do network I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def list_key(name: str) -> str:
    """How a list is found by its configured name: case and spacing (around and between words) do not
    matter, the rest does ("Up  next " is "up next"; "Up-next" and "UpNext" are other names).

    Every lookup of a list by name goes through this, and ``init`` proposes boards by the same rule,
    so a board it takes for a customer's is one on which the app then finds every list.
    """
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    name: str
    color: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    username: str
    full_name: str = ""
    initials: str = ""


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    name: str
    list_id: str
    board_id: str
    pos: float
    url: str = ""
    short_url: str = ""
    desc: str = ""
    due: datetime | None = None
    closed: bool = False
    labels: tuple[Label, ...] = ()
    members: tuple[Member, ...] = ()
    last_activity: datetime | None = None


@dataclass(frozen=True, slots=True)
class BoardList:
    id: str
    name: str
    pos: float
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Board:
    """One board with its open lists and visible cards, as loaded in a single request."""

    id: str
    name: str
    url: str
    lists: tuple[BoardList, ...]
    cards: tuple[Card, ...]
    labels: tuple[Label, ...] = ()
    members: tuple[Member, ...] = ()
    last_activity: datetime | None = None

    def list_named(self, name: str) -> BoardList | None:
        wanted = list_key(name)
        return next((lst for lst in self.lists if list_key(lst.name) == wanted), None)

    def cards_in(self, list_id: str) -> tuple[Card, ...]:
        return tuple(sorted((c for c in self.cards if c.list_id == list_id), key=lambda c: c.pos))
