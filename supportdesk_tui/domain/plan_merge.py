"""Two people editing one week's plan at once: a three-way merge, cell by cell.

Each machine remembers the plan of record it last read (the *base*). When it saves, it compares its plan
(*mine*) and the card's current plan (*theirs*) with that base, one unit at a time: a grid cell, a person's
availability, a card's estimate, the triage pair, the roster. A unit only one side changed takes that
side's value, so two people planning different cells both keep their work. A unit both changed to
different values is a :class:`Conflict`: theirs is kept, because it is already on the card and others may
have seen it, and the person is told in words with the choice to put theirs over it
(:func:`apply_mine`). A newer plan is never overwritten silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import TypeVar

from supportdesk_tui.domain.planning import TRIAGE, Plan, Slot, day_label, format_half_days

T = TypeVar("T")


class Unit(Enum):
    """What a conflict is about."""

    CELL = "cell"
    AVAILABLE = "available"
    ESTIMATE = "estimate"
    PAIR = "pair"


@dataclass(frozen=True, slots=True)
class Conflict:
    """One unit both sides changed differently; ``theirs`` was kept."""

    unit: Unit
    key: object  # (developer, day) for a cell, a developer, a card id, or None for the pair
    mine: object
    theirs: object


@dataclass(frozen=True, slots=True)
class Merge:
    plan: Plan
    conflicts: tuple[Conflict, ...] = ()


def merge_plans(base: Plan | None, mine: Plan, theirs: Plan) -> Merge:
    """Merge two edits of the same week against the plan both started from (None: nothing read yet)."""
    if base is None:
        base = Plan.new(theirs.week, theirs.developers, holidays=theirs.holidays)
    conflicts: list[Conflict] = []

    developers = _merge_roster(base.developers, mine.developers, theirs.developers)
    kept = set(developers)
    cells: dict[tuple[str, date], tuple[Slot, ...]] = {}
    for key in dict.fromkeys([*theirs.cells, *mine.cells, *base.cells]):
        if key[0] not in kept:
            continue
        slots = _pick(conflicts, Unit.CELL, key, base.cell(*key), mine.cell(*key), theirs.cell(*key))
        if slots:
            cells[key] = slots
    available: dict[str, int] = {}
    for dev in developers:
        given = _pick(conflicts, Unit.AVAILABLE, dev, base.available.get(dev), mine.available.get(dev),
                      theirs.available.get(dev))
        if given is not None:
            available[dev] = given
    estimates: dict[str, int] = {}
    for card in dict.fromkeys([*theirs.estimates, *mine.estimates, *base.estimates]):
        estimate = _pick(conflicts, Unit.ESTIMATE, card, base.estimates.get(card), mine.estimates.get(card),
                         theirs.estimates.get(card))
        if estimate is not None:
            estimates[card] = estimate
    pair = _pick(conflicts, Unit.PAIR, None, base.triage_pair, mine.triage_pair, theirs.triage_pair)
    if pair is not None and not set(pair) <= kept:
        pair = theirs.triage_pair if theirs.triage_pair and set(theirs.triage_pair) <= kept else None
    plan = Plan(week=theirs.week, developers=developers, holidays=mine.holidays | theirs.holidays,
                available=available, cells=cells, items={**theirs.items, **mine.items}, estimates=estimates,
                triage_pair=pair)
    return Merge(plan, tuple(conflicts))


def _pick(conflicts: list[Conflict], unit: Unit, key: object, b: T, m: T, t: T) -> T:
    """The merged value of one unit: whichever side changed it; both changed differently is a conflict (theirs)."""
    if m in (t, b):
        return t
    if t == b:
        return m
    conflicts.append(Conflict(unit, key, m, t))
    return t


def apply_mine(plan: Plan, conflicts: Iterable[Conflict], mine: Plan) -> Plan:
    """Put this machine's values (from ``mine``) over theirs for the given conflicts (the person chose so)."""
    cells = dict(plan.cells)
    available = dict(plan.available)
    estimates = dict(plan.estimates)
    pair = plan.triage_pair
    for c in conflicts:
        if c.unit is Unit.CELL and isinstance(c.key, tuple) and c.key[0] in plan.developers:
            cells[c.key] = mine.cell(*c.key)
        elif c.unit is Unit.AVAILABLE and isinstance(c.key, str) and c.key in available and c.key in mine.available:
            available[c.key] = mine.available[c.key]
        elif c.unit is Unit.ESTIMATE and isinstance(c.key, str):
            estimates.pop(c.key, None)
            if c.key in mine.estimates:
                estimates[c.key] = mine.estimates[c.key]
        elif c.unit is Unit.PAIR:
            pair = mine.triage_pair
    return replace(plan, cells={k: v for k, v in cells.items() if v}, available=available, estimates=estimates,
                   triage_pair=pair, items={**plan.items, **mine.items})


def describe(conflict: Conflict, plan: Plan, *, who: str, when: str) -> str:
    """``ben changed Mon ana to Acme: VAT number at 10:02; your change to that cell was not applied``."""
    if conflict.unit is Unit.CELL:
        key: tuple[str, date] = conflict.key  # type: ignore[assignment]
        what = f"{day_label(key[1]).split()[0]} {key[0]}"
        theirs = _slots_words(plan, conflict.theirs)  # type: ignore[arg-type]
        return f"{who} changed {what} to {theirs} at {when}; your change to that cell was not applied"
    if conflict.unit is Unit.AVAILABLE:
        return (f"{who} set {conflict.key}'s availability to {format_half_days(conflict.theirs)} at {when}; "  # type: ignore[arg-type]
                "your change to it was not applied")
    if conflict.unit is Unit.ESTIMATE:
        item = plan.items.get(str(conflict.key))
        name = f"{item.customer}: {item.title}" if item else str(conflict.key)
        value = "the card's label" if conflict.theirs is None else format_half_days(conflict.theirs)  # type: ignore[arg-type]
        return f"{who} set the estimate of {name} to {value} at {when}; your change to it was not applied"
    pair = conflict.theirs
    chosen = " + ".join(pair) if pair else "no pair"  # type: ignore[arg-type]
    return f"{who} chose the triage pair {chosen} at {when}; your choice was not applied"


def _slots_words(plan: Plan, slots: tuple[Slot, ...]) -> str:
    if not slots:
        return "nothing"
    names = []
    for slot in slots:
        if slot is TRIAGE:
            names.append("triage")
        else:
            item = plan.items.get(slot)
            names.append(f"{item.customer}: {item.title}" if item else slot)
    if len(names) == 2 and names[0] == names[1]:
        return names[0]
    return " + ".join(names)


def _merge_roster(base: tuple[str, ...], mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """Theirs in their order, less whom I removed, then whom I added: additions and removals both survive."""
    removed_by_me = set(base) - set(mine)
    added_by_me = [d for d in mine if d not in base and d not in theirs]
    return tuple([d for d in theirs if d not in removed_by_me] + added_by_me)
