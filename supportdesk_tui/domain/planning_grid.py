"""The week's grid as an immutable value: work items from the pool, half-day slots, and the operations.

A :class:`Plan` is immutable and every operation returns a new one (see
:mod:`supportdesk_tui.domain.planning`, which re-exports every name here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from fractions import Fraction
from math import ceil
from types import MappingProxyType
from typing import NamedTuple

from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.planning_week import SLOTS_PER_DAY, WEEK_HALF_DAYS, IsoWeek, day_label, format_half_days

HOURS_PER_HALF_DAY = 4
"""``est:Nh`` labels count a half day as 4 hours (a nominal 8-hour day), rounded up."""

_ESTIMATE_RE = re.compile(r"^\s*est(?:imate)?\s*[:=]?\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*(d|days?|h|hours?)\s*$",
                          re.IGNORECASE)


# ------------------------------------------------------------------------------------------ the pool
@dataclass(frozen=True, slots=True)
class WorkItem:
    """One Up next card offered for planning (from the Support Epics board or a customer's board)."""

    card_id: str
    customer: str
    title: str
    estimate_half_days: int | None = None
    source_card_id: str | None = None  # the customer's own card when this is a Support Epics copy
    url: str = ""
    blocked: bool = field(default=False, compare=False)  # labelled Blocked on Trello (shown, never stored)


def estimate_from_labels(label_names: Iterable[str]) -> int | None:
    """The estimate in half days from labels like ``est:1d`` (2), ``est:0.5d`` (1), ``est:3d`` (6).

    Also ``est: 1.5 d``, ``estimate=2days`` and hours (``est:6h`` is 2: 4 h a half day, rounded up,
    because a half day is the smallest plannable unit). Zero and unparseable labels are ignored. Two
    disagreeing estimate labels give the larger, so capacity is never planned on the hopeful one.
    """
    found: list[int] = []
    for name in label_names:
        match = _ESTIMATE_RE.match(name)
        if not match:
            continue
        amount = Fraction(match[1].replace(",", "."))
        half_days = ceil(amount / HOURS_PER_HALF_DAY) if match[2][0].lower() == "h" else ceil(amount * 2)
        if half_days > 0:
            found.append(half_days)
    return max(found, default=None)


def work_item_from_card(card: Card, customer: str, *, source_card_id: str | None = None) -> WorkItem:
    """A pool item from a board card, its estimate read from the card's labels."""
    return WorkItem(card_id=card.id, customer=customer, title=card.name,
                    estimate_half_days=estimate_from_labels(label.name for label in card.labels),
                    source_card_id=source_card_id, url=card.short_url or card.url)


# ------------------------------------------------------------------------------------------ the plan
class Triage(Enum):
    """The marker for a half day of triage in a cell (a sentinel that can't collide with a card id)."""

    TRIAGE = "triage"


TRIAGE = Triage.TRIAGE
Slot = str | Triage
"""One half day in a cell: the card id of a work item, or :data:`TRIAGE`."""
CellKey = tuple[str, date]


class Outcome(NamedTuple):
    """A plan after an operation, and what the team should know about it, in words."""

    plan: Plan
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """One week's grid: developers x Monday..Friday, each cell up to two half-day slots.

    ``available`` is what each developer gives this week, in half days, within 0..working_half_days
    (holidays already taken off). ``items`` holds a snapshot of every assigned work item so a stored
    plan can be shown, totalled and exported after its cards have left Up next. ``estimates`` are
    estimates set in the grid, overriding the card labels. Build one with :meth:`Plan.new`.
    """

    week: IsoWeek
    developers: tuple[str, ...]
    holidays: frozenset[date] = frozenset()
    available: Mapping[str, int] = field(default_factory=dict)
    cells: Mapping[CellKey, tuple[Slot, ...]] = field(default_factory=dict)
    items: Mapping[str, WorkItem] = field(default_factory=dict)
    estimates: Mapping[str, int] = field(default_factory=dict)
    triage_pair: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        # Normalise so that equal plans compare equal and iterate in grid order, whatever built them.
        developers = tuple(self.developers)
        if len(set(developers)) != len(developers) or not all(d.strip() for d in developers):
            raise ValueError(f"developers must be distinct, non-empty names: {developers!r}")
        days = self.week.days()
        holidays = frozenset(d for d in self.holidays if d in days)
        working = WEEK_HALF_DAYS - SLOTS_PER_DAY * len(holidays)
        unknown = set(self.available) - set(developers)
        if unknown:
            raise ValueError(f"availability for people not in the plan: {sorted(unknown)}")
        available = {d: min(max(int(self.available.get(d, working)), 0), working) for d in developers}
        rank = {d: i for i, d in enumerate(developers)}
        cells: dict[CellKey, tuple[Slot, ...]] = {}
        order = sorted(self.cells.items(), key=lambda kv: (rank.get(kv[0][0], -1), kv[0][1]))
        for (dev, day), slots in order:
            if dev not in rank or day not in days:
                raise ValueError(f"cell ({dev!r}, {day}) is outside the plan for {self.week}")
            if len(slots) > SLOTS_PER_DAY:
                raise ValueError(f"cell ({dev!r}, {day}) has {len(slots)} slots; a day has {SLOTS_PER_DAY}")
            for slot in slots:
                if slot is not TRIAGE and (not isinstance(slot, str) or slot not in self.items):
                    raise ValueError(f"cell ({dev!r}, {day}) holds {slot!r}, which is not a known work item")
            if slots:
                cells[(dev, day)] = tuple(slots)
        if any(key != item.card_id for key, item in self.items.items()):
            raise ValueError("items must be keyed by their card_id")
        used = {s for slots in cells.values() for s in slots if isinstance(s, str)}
        items = {k: v for k, v in self.items.items() if k in used}
        if any(v < 1 for v in self.estimates.values()):
            raise ValueError("estimates must be at least one half day")
        pair = self.triage_pair
        if pair is not None and (len(pair) != 2 or pair[0] == pair[1]):
            raise ValueError(f"a triage pair is two different people, got {self.triage_pair!r}")
        set_ = object.__setattr__
        set_(self, "developers", developers)
        set_(self, "holidays", holidays)
        set_(self, "available", MappingProxyType(available))
        set_(self, "cells", MappingProxyType(cells))
        set_(self, "items", MappingProxyType(dict(sorted(items.items()))))
        set_(self, "estimates", MappingProxyType(dict(sorted(self.estimates.items()))))
        set_(self, "triage_pair", tuple(self.triage_pair) if self.triage_pair else None)

    def __hash__(self) -> int:
        return hash((self.week, self.developers, self.holidays, tuple(self.available.items()),
                     tuple(self.cells.items()), tuple(self.items.items()), tuple(self.estimates.items()),
                     self.triage_pair))

    @classmethod
    def new(cls, week: IsoWeek, developers: Sequence[str], *, holidays: Iterable[date] = ()) -> Plan:
        """An empty plan where everyone gives the whole working week (the meeting then uses ``-``)."""
        return cls(week=week, developers=tuple(developers), holidays=frozenset(holidays))

    # -------------------------------------------------------------------------------- reading
    @property
    def days(self) -> tuple[date, ...]:
        return self.week.days()

    @property
    def working_half_days(self) -> int:
        """Half days in the week that are not public holidays: the most anyone can give."""
        return WEEK_HALF_DAYS - SLOTS_PER_DAY * len(self.holidays)

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays

    def cell(self, developer: str, day: date) -> tuple[Slot, ...]:
        return self.cells.get((developer, day), ())

    def allocated(self, developer: str) -> int:
        """Half days planned for a developer, triage included."""
        return sum(len(slots) for (dev, _), slots in self.cells.items() if dev == developer)

    def planned(self, card_id: str) -> int:
        """Half days planned for one work item across everyone."""
        return sum(slots.count(card_id) for slots in self.cells.values())

    def elapsed(self, card_id: str) -> int:
        """Half days of a card's elapsed time: per day, the most anyone spent on it, so a pair counts once.

        People's capacity counts each person (:meth:`allocated`); a card's planned time against its
        estimate counts this (a whole day of pairing on a 1 d card is 1 d planned, not 2).
        """
        return sum(max((self.cell(dev, day).count(card_id) for dev in self.developers), default=0)
                   for day in self.days)

    def estimate_for(self, item: WorkItem) -> int | None:
        """The grid's estimate if one was set, else the card label's."""
        return self.estimates.get(item.card_id, item.estimate_half_days)

    # ------------------------------------------------------------------------------ changing
    def set_available(self, developer: str, half_days: int) -> Plan:
        """Set what a developer gives, clamped to 0..working half days (never an error mid-meeting)."""
        self._check(developer)
        return replace(self, available={**self.available, developer: half_days})

    def increase_available(self, developer: str) -> Plan:
        """``+``: half a day more."""
        self._check(developer)
        return self.set_available(developer, self.available[developer] + 1)

    def decrease_available(self, developer: str) -> Plan:
        """``-``: half a day less."""
        self._check(developer)
        return self.set_available(developer, self.available[developer] - 1)

    def assign(self, developer: str, day: date, item: WorkItem) -> Outcome:
        """Put a work item in the cell's next free half day; warns, never refuses, over-allocation."""
        return self._fill(developer, day, item.card_id, item)

    def mark_triage(self, developer: str, day: date) -> Outcome:
        """Put triage in the cell's next free half day (twice for a whole triage day)."""
        return self._fill(developer, day, TRIAGE, None)

    def clear(self, developer: str, day: date, slot: int | None = None) -> Plan:
        """Empty a cell, or only one of its slots (0 or 1)."""
        self._check(developer, day)
        slots = list(self.cell(developer, day))
        if slot is None:
            slots = []
        elif 0 <= slot < len(slots):
            del slots[slot]
        return replace(self, cells={**self.cells, (developer, day): tuple(slots)})

    def set_estimate(self, card_id: str, half_days: int | None) -> Plan:
        """Set an item's estimate in the grid (``None`` goes back to the card label's)."""
        estimates = {k: v for k, v in self.estimates.items() if k != card_id}
        if half_days is not None:
            estimates[card_id] = half_days
        return replace(self, estimates=estimates)

    def with_triage_pair(self, pair: tuple[str, str] | None) -> Plan:
        """Record the week's triage pair (lead first), as suggested by the rota or edited."""
        return replace(self, triage_pair=pair)

    def with_developers(self, developers: Sequence[str]) -> Plan:
        """Follow a change of ``[team].developers``: keep what is known of those who stay."""
        kept = set(developers)
        return replace(self, developers=tuple(developers),
                       available={d: n for d, n in self.available.items() if d in kept},
                       cells={k: v for k, v in self.cells.items() if k[0] in kept})

    def with_holidays(self, holidays: Iterable[date]) -> Plan:
        """Follow a change of ``[sla].holidays``; availability is clamped to the new working week."""
        return replace(self, holidays=frozenset(holidays))

    def refresh_items(self, pool: Iterable[WorkItem]) -> Plan:
        """Update the snapshots of assigned items from a fresher pool (renamed cards, new urls)."""
        fresh = {i.card_id: i for i in pool if i.card_id in self.items}
        return replace(self, items={**self.items, **fresh})

    def _check(self, developer: str, day: date | None = None) -> None:
        if developer not in self.available:
            raise KeyError(f"{developer!r} is not in the plan for {self.week}")
        if day is not None and day not in self.days:
            raise KeyError(f"{day} is not a planning day of {self.week}")

    def _fill(self, developer: str, day: date, slot: Slot, item: WorkItem | None) -> Outcome:
        self._check(developer, day)
        cell = self.cell(developer, day)
        if len(cell) >= SLOTS_PER_DAY:
            return Outcome(self, (f"{developer}'s {day_label(day)} is full (two half days); "
                                  "clear it first.",))
        items = {**self.items, item.card_id: item} if item is not None else self.items
        plan = replace(self, cells={**self.cells, (developer, day): (*cell, slot)}, items=items)
        warnings: list[str] = []
        if day in self.holidays:
            warnings.append(f"{day_label(day)} is a public holiday, yet {developer} is planned "
                            "to work on it.")
        over = plan.allocated(developer) - plan.available[developer]
        if over > 0:
            warnings.append(f"{developer} is over-allocated by {format_half_days(over)} "
                            f"({format_half_days(plan.allocated(developer))} planned, "
                            f"{format_half_days(plan.available[developer])} available).")
        estimate = plan.estimate_for(item) if item is not None else None
        if item is not None and estimate is not None and plan.elapsed(item.card_id) > estimate:
            warnings.append(f"{item.customer}: {item.title} is planned for "
                            f"{format_half_days(plan.elapsed(item.card_id))}, over its "
                            f"{format_half_days(estimate)} estimate.")
        return Outcome(plan, tuple(warnings))


def start_from(previous: Plan, week: IsoWeek, pool: Iterable[WorkItem], *, holidays: Iterable[date] = (),
               developers: Sequence[str] | None = None, triage_pair: tuple[str, str] | None = None) -> Plan:
    """A new week that starts as a copy of last week's plan, day for day (Monday to Monday).

    Availability carries over (someone who gave the whole week still does, whatever the holidays);
    assignments carry over only for items still in ``pool``; nothing lands on a new holiday. With
    ``triage_pair`` (this week's, from the rota) the triage pattern moves with the role: last
    week's lead's triage days become the new lead's, and likewise for the other person.
    """
    pool_by_id = {item.card_id: item for item in pool}
    people = tuple(developers) if developers is not None else previous.developers
    fresh = Plan.new(week, people, holidays=holidays)
    available = {d: fresh.working_half_days if n == previous.working_half_days else n
                 for d, n in previous.available.items() if d in people}
    moves = dict(zip(previous.triage_pair, triage_pair, strict=True)) \
        if triage_pair and previous.triage_pair else {}
    cells: dict[CellKey, list[Slot]] = {}

    def put(dev: str, old_day: date, slot: Slot) -> None:
        day = week.days()[old_day.weekday()]
        cell = cells.setdefault((dev, day), [])
        if dev in people and day not in fresh.holidays and len(cell) < SLOTS_PER_DAY:
            cell.append(slot)

    for (dev, day), slots in previous.cells.items():  # triage first: the rota decides who triages
        for _ in range(slots.count(TRIAGE)):
            put(moves.get(dev, dev), day, TRIAGE)
    for (dev, day), slots in previous.cells.items():
        for slot in slots:
            if isinstance(slot, str) and slot in pool_by_id:
                put(dev, day, slot)
    return Plan(week=week, developers=people, holidays=fresh.holidays, available=available,
                cells={k: tuple(v) for k, v in cells.items() if k[0] in people},
                items=pool_by_id, triage_pair=triage_pair,
                estimates={k: v for k, v in previous.estimates.items() if k in pool_by_id})
