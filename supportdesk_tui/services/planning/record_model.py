"""The plan of record's small values: the write choices, what the screen is told, plan comparison.

Kept apart from :mod:`supportdesk_tui.services.planning.record` so that module stays about the I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from supportdesk_tui.domain.journal import ActionKind
from supportdesk_tui.domain.plan_cards import Trouble
from supportdesk_tui.domain.plan_export import plan_from_dict
from supportdesk_tui.domain.plan_merge import Conflict, Merge, Unit
from supportdesk_tui.domain.plan_record import PlanRecord, encode
from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.store import PlanRecordRow

RECORD_KIND = ActionKind.PLAN_RECORD
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Choice(Enum):
    """How a write treats the card: merge as usual, or the person's answer to a card problem."""

    MERGE = "merge"
    REPAIR = "repair"


@dataclass(frozen=True, slots=True)
class RecordStatus:
    """What the Planning screen says about a week's plan of record."""

    week: IsoWeek
    reachable: bool | None  # None: not checked yet in this run
    as_of: datetime | None  # when this machine last read or wrote the card
    revision: int = 0
    saved_by: str = ""
    saved_at: datetime | None = None
    card_url: str = ""
    conflicts: tuple[str, ...] = ()
    problem: str = ""
    trouble: Trouble | None = None
    theirs_readable: bool = False
    pending: bool = False


@dataclass(frozen=True, slots=True)
class RecordEvent:
    """Posted to listeners when a week's plan or status changed, or with a notice to show."""

    week: IsoWeek | None
    notice: str = ""
    severity: str = "information"


def new_tag() -> str:
    """A name for one saved version (8 hex digits: two machines never pick the same one in practice)."""
    return uuid.uuid4().hex[:8]


def same_plan(a: Plan, b: Plan) -> bool:
    """Equal as the card would hold them (titles are kept shorter there, so compare the encoded form)."""
    return encode(PlanRecord(a, 0, "", EPOCH)) == encode(PlanRecord(b, 0, "", EPOCH))


def conflicts_to_json(conflicts: tuple[Conflict, ...], texts: list[str]) -> list[dict[str, Any]]:
    out = []
    for conflict, text in zip(conflicts, texts, strict=True):
        key: Any = conflict.key
        if conflict.unit is Unit.CELL and isinstance(key, tuple):
            key = [key[0], key[1].isoformat()]
        out.append({"unit": conflict.unit.value, "key": key, "text": text})
    return out


def conflicts_from_json(items: list[dict[str, Any]]) -> list[Conflict]:
    out = []
    for item in items:
        unit = Unit(item["unit"])
        key: Any = item["key"]
        if unit is Unit.CELL:
            key = (str(key[0]), date.fromisoformat(str(key[1])))
        out.append(Conflict(unit, key, None, None))
    return out



def base_for(row: PlanRecordRow, card_id: str, theirs: PlanRecord) -> tuple[Plan | None, bool]:
    """The plan to merge from, and whether the card still holds exactly what this machine last read or
    wrote (then there is nothing of theirs to merge). None: no common version is known (never read, or
    the card's history no longer reaches one), so every difference must be treated as a conflict.

    Each version on the card carries a tag and the tags of the versions it was written over. The card
    descends from what this machine last read or wrote when that tag is among them; when it is not, that
    write was replaced by another machine's at the same moment, and the version both started from (kept
    as ``parent``) is the base, so neither write is lost.
    """
    if row.base is None or row.card_id != card_id:
        return None, False
    base = plan_from_dict(row.base)
    parent = plan_from_dict(row.parent) if row.parent is not None else None
    if row.tag and theirs.tag:
        if theirs.tag == row.tag:
            return base, True
        if row.tag in theirs.lineage:
            return base, False
        if parent is not None and row.parent_tag and (row.parent_tag == theirs.tag or row.parent_tag in theirs.lineage):
            return parent, False
        return None, False
    # A version without tags (written by hand, or by an older copy of this app): by revision and content.
    if theirs.revision != row.revision:
        return base, False
    if same_plan(base, theirs.plan):
        return base, True
    return (parent if parent is not None else base), False


def unread_merge(mine: Plan, theirs: Plan) -> Merge:
    """Merging into a card this machine never read: with no common base there is no telling whether they
    cleared a cell or never touched it, so every unit that differs is a conflict, theirs kept and the person
    told (``m`` then applies theirs over it). A newer plan is never overwritten silently."""
    conflicts: list[Conflict] = []
    for key in dict.fromkeys([*theirs.cells, *mine.cells]):
        if key[0] in theirs.developers and key[1] in theirs.days and mine.cell(*key) != theirs.cell(*key):
            conflicts.append(Conflict(Unit.CELL, key, mine.cell(*key), theirs.cell(*key)))
    for dev in theirs.developers:
        if dev in mine.available and mine.available[dev] != theirs.available.get(dev):
            conflicts.append(Conflict(Unit.AVAILABLE, dev, mine.available[dev], theirs.available.get(dev)))
    for card in dict.fromkeys([*theirs.estimates, *mine.estimates]):
        if mine.estimates.get(card) != theirs.estimates.get(card):
            conflicts.append(Conflict(Unit.ESTIMATE, card, mine.estimates.get(card), theirs.estimates.get(card)))
    if mine.triage_pair is not None and mine.triage_pair != theirs.triage_pair:
        conflicts.append(Conflict(Unit.PAIR, None, mine.triage_pair, theirs.triage_pair))
    return Merge(theirs, tuple(conflicts))
