"""Records, ids, dates and positions for the fake Trello (the parts with no behaviour of their own).

Kept separate from :mod:`trello_fake_state` so each module stays small. The rules reproduced here are
the ones docs/apis.md describes: 24-hex ObjectIds whose first 8 hex digits are the creation
second, 8-character shortLinks, dates out as ``...sssZ`` (looser in), and float positions in steps of
16384 (cards) and 65536 (lists), ``top`` = min/2, ``bottom`` = max + step.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from supportdesk_tui.domain.clock import Clock

CARD_STEP = 16384.0
LIST_STEP = 65536.0
MIN_GAP = 0.01  # below this a "top" re-spreads the list, as Trello does when gaps get tiny
NOT_FOUND = "The requested resource was not found."
KEEP_OPTIONS = frozenset({"attachments", "checklists", "customFields", "comments", "due", "start", "labels",
                          "members", "stickers"})
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
_SHORT_LINK = re.compile(r"^[A-Za-z0-9]{8}$")


class FakeError(Exception):
    """An error answer: plain text by default, as Trello sends most of them."""

    def __init__(self, status: int, message: str, *, payload: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.payload = payload  # a JSON body instead of text (429, 449, some 400s)


def is_object_id(value: str) -> bool:
    return bool(_OBJECT_ID.match(value))


def is_ref(value: str) -> bool:
    """An id or a shortLink, the two forms Trello accepts in card and board routes."""
    return bool(_OBJECT_ID.match(value) or _SHORT_LINK.match(value))


def format_date(value: datetime) -> str:
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_date(value: Any, name: str) -> datetime | None:
    """Trello's inputs are loose: ``Z`` or an offset (py-trello sends ``isoformat()``), or null."""
    if value is None or value in ("", "null"):
        return None
    if not isinstance(value, str):
        raise FakeError(400, f"invalid value for {name}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FakeError(400, f"invalid value for {name}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def parse_bool(value: Any, name: str) -> bool:
    """``closed`` and friends arrive as JSON booleans or as the strings ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise FakeError(400, f"invalid value for {name}")


def parse_id_list(value: Any, name: str) -> list[str]:
    """Id lists are comma-separated strings (py-trello) or JSON arrays."""
    if value is None or value in ("", "null"):
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and is_object_id(i.strip()) for i in items):
        raise FakeError(400, f"invalid value for {name}")
    return list(dict.fromkeys(i.strip() for i in items))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "card"


def place(others: list[float], value: Any, step: float, first: float) -> float | None:
    """Where ``value`` lands among ``others``; ``None`` when ``top`` needs a re-spread first."""
    if value is None or value in ("", "bottom"):
        return max(others) + step if others else first
    if value == "top":
        if not others:
            return first
        top = min(others) / 2
        return top if top >= MIN_GAP else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FakeError(400, "invalid value for pos") from None
    if isinstance(value, bool) or not number > 0 or number != number or number == float("inf"):
        raise FakeError(400, "invalid value for pos")
    return number


class ObjectIds:
    """ObjectId-shaped ids: 4-byte creation second, 5-byte per-instance value, 3-byte counter.

    Ids made later sort later, which the actions ``since``/``before`` filters rely on.
    """

    def __init__(self, clock: Clock, seed: str | int = 0) -> None:
        self._clock = clock
        self._rng = random.Random(f"trello-fake:{seed}")
        self._machine = self._rng.getrandbits(40)
        self._counter = self._rng.getrandbits(12)
        self._short_links: set[str] = set()

    def new(self, at: datetime | None = None) -> str:
        self._counter = (self._counter + 1) % (1 << 24)
        second = int((at or self._clock.now()).timestamp())
        return f"{second:08x}{self._machine:010x}{self._counter:06x}"

    def short_link(self) -> str:
        alphabet = string.ascii_letters + string.digits
        while True:
            link = "".join(self._rng.choice(alphabet) for _ in range(8))
            if link not in self._short_links:
                self._short_links.add(link)
                return link


@dataclass
class MemberRec:
    id: str
    username: str
    full_name: str
    initials: str


@dataclass
class LabelRec:
    id: str
    board_id: str
    name: str
    color: str | None


@dataclass
class ListRec:
    id: str
    board_id: str
    name: str
    pos: float
    closed: bool = False


@dataclass
class BoardRec:
    id: str
    name: str
    short_link: str
    last_activity: datetime
    desc: str = ""
    closed: bool = False
    member_ids: list[str] = field(default_factory=list)
    id_short_seq: int = 0


@dataclass
class CardRec:
    id: str
    board_id: str
    list_id: str
    name: str
    pos: float
    short_link: str
    id_short: int
    last_activity: datetime
    desc: str = ""
    closed: bool = False
    due: datetime | None = None
    due_complete: bool = False
    id_members: list[str] = field(default_factory=list)
    id_labels: list[str] = field(default_factory=list)


@dataclass
class ActionRec:
    id: str
    type: str
    date: datetime
    member_id: str
    board_id: str
    card_id: str | None
    data: dict[str, Any]


def board_ref(board: BoardRec) -> dict[str, Any]:
    return {"id": board.id, "name": board.name, "shortLink": board.short_link}


def list_ref(lst: ListRec) -> dict[str, Any]:
    return {"id": lst.id, "name": lst.name}


def card_ref(card: CardRec) -> dict[str, Any]:
    return {"id": card.id, "name": card.name, "idShort": card.id_short, "shortLink": card.short_link}


def action_type_matches(action: ActionRec, wanted: list[str]) -> bool:
    if not wanted or "all" in wanted:
        return True
    for item in wanted:
        kind, _, field = item.partition(":")
        if action.type == kind and (not field or field in action.data.get("old", {})):
            return True
    return False


def action_after(action: ActionRec, bound: str | None, *, inclusive: bool = False) -> bool:
    """``since``/``before`` take an action id (compared as ObjectIds), a date, or ``lastView``."""
    if not bound or bound == "lastView":
        return True
    if is_object_id(bound):
        # UNCONFIRMED: that Trello compares action ids (ObjectIds sort by creation) rather than dates.
        return action.id >= bound if inclusive else action.id > bound
    when = parse_date(bound, "since")
    if when is None:
        return True
    return action.date >= when if inclusive else action.date > when


def keep_options(keep: Any) -> frozenset[str]:
    if keep is None or keep in ("", "all"):
        return KEEP_OPTIONS
    items = frozenset(k.strip() for k in str(keep).split(",") if k.strip())
    if not items <= KEEP_OPTIONS:
        raise FakeError(400, "invalid value for keepFromSource")
    return items


def text_value(value: Any, name: str, *, allow_empty: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > 16384 or (not allow_empty and not value.strip()):
        raise FakeError(400, f"invalid value for {name}")
    return value
