"""The grid's totals: developers against availability, customers against commitment, items against
estimates, each with its standing in words (re-exported by :mod:`supportdesk_tui.domain.planning`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from fractions import Fraction

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.planning_grid import TRIAGE, Plan, WorkItem
from supportdesk_tui.domain.planning_week import format_days, format_half_days


# ---------------------------------------------------------------------------------------- totals
class Level(Enum):
    """Where a total stands against its target; the screen colours by it, the words say it too."""

    OVER = "over"
    ON_TARGET = "on target"
    UNDER = "under"
    NONE = "none"  # nothing to compare with: no commitment, no estimate, nobody available


@dataclass(frozen=True, slots=True)
class Standing:
    level: Level
    text: str  # "over-allocated by 1.5 d", "on target", "under by 1 d", ...


def _standing(delta: Fraction, over: str, under: str) -> Standing:
    if delta > 0:
        return Standing(Level.OVER, f"{over} by {format_days(delta)}")
    if delta < 0:
        return Standing(Level.UNDER, f"{under} by {format_days(-delta)}")
    return Standing(Level.ON_TARGET, "on target")


@dataclass(frozen=True, slots=True)
class DeveloperTotal:
    """A developer's week: half days allocated (triage included) against half days available."""

    developer: str
    allocated: int
    available: int
    triage: int

    @property
    def utilisation(self) -> Fraction | None:
        """allocated ÷ available, where available already excludes holidays (Runn's rule)."""
        return Fraction(self.allocated, self.available) if self.available else None

    @property
    def utilisation_text(self) -> str:
        """``75 %`` (rounded half up), or ``—`` when nothing is available."""
        if not self.available:
            return "—"
        return f"{(200 * self.allocated + self.available) // (2 * self.available)} %"

    @property
    def standing(self) -> Standing:
        if self.available == 0 and self.allocated == 0:
            return Standing(Level.NONE, "not available")
        return _standing(Fraction(self.allocated - self.available, 2), "over-allocated", "under")


@dataclass(frozen=True, slots=True)
class CustomerTotal:
    """Half days planned for a customer against the days a week agreed on the customer call."""

    customer: str
    planned: int
    commitment_days: float | None

    @property
    def standing(self) -> Standing:
        if self.commitment_days is None:
            return Standing(Level.NONE, "no commitment")
        commitment = Fraction(str(self.commitment_days))  # str() so 1.1 means 11/10, not a binary float
        return _standing(Fraction(self.planned, 2) - commitment, "over commitment", "under commitment")


@dataclass(frozen=True, slots=True)
class ItemTotal:
    """One work item: half days planned against its estimate (for the pool beside the grid).

    ``planned`` is everyone's half days on it (it adds up with the people's and customers' totals);
    ``elapsed`` is the card's own time (:meth:`Plan.elapsed`), what the estimate is compared with: two
    people pairing on it for a whole day plan 1 d of it, not 2, while each still gives a day of capacity.
    """

    item: WorkItem
    planned: int
    estimate: int | None
    elapsed: int | None = None  # None: nobody pairs on it, so the same as ``planned``

    @property
    def counted(self) -> int:
        """The half days set against the estimate: elapsed time, a pair's counted once."""
        return self.planned if self.elapsed is None else self.elapsed

    @property
    def standing(self) -> Standing:
        counted = self.counted
        if self.estimate is None:
            planned = "not planned" if counted == 0 else f"{format_half_days(counted)} planned"
            return Standing(Level.NONE, f"{planned}, no estimate")
        if counted < self.estimate:
            text = "not planned" if counted == 0 else \
                f"{format_half_days(counted)} of {format_half_days(self.estimate)} planned"
            return Standing(Level.UNDER, text)
        return _standing(Fraction(counted - self.estimate, 2), "over estimate", "")


@dataclass(frozen=True, slots=True)
class PlanTotals:
    """The grid's totals, counted once from the developers' side and once from the customers'."""

    developers: tuple[DeveloperTotal, ...]
    customers: tuple[CustomerTotal, ...]
    items: tuple[ItemTotal, ...]
    triage: int

    @property
    def allocated(self) -> int:
        return sum(d.allocated for d in self.developers)

    @property
    def available(self) -> int:
        return sum(d.available for d in self.developers)

    @property
    def planned(self) -> int:
        """Customer work plus triage: equals :attr:`allocated` (the two sides add up)."""
        return sum(c.planned for c in self.customers) + self.triage


def plan_totals(plan: Plan, customers: Iterable[Customer] = (), pool: Iterable[WorkItem] = ()) -> PlanTotals:
    """Totals for the grid's edges.

    ``customers`` (from ``[[customers]]``, for ``commitment_days``) come in the order given;
    customers with planned work but no config entry follow, by name, so no half day goes uncounted.
    ``pool`` adds unplanned items to :attr:`PlanTotals.items`.
    """
    developers = tuple(
        DeveloperTotal(d, plan.allocated(d), plan.available[d],
                       sum(s.count(TRIAGE) for (dev, _), s in plan.cells.items() if dev == d))
        for d in plan.developers)
    by_customer: dict[str, int] = {}
    triage = 0
    for slots in plan.cells.values():
        for slot in slots:
            if isinstance(slot, str):
                name = plan.items[slot].customer
                by_customer[name] = by_customer.get(name, 0) + 1
            else:
                triage += 1
    configured = {c.name: c.commitment_days for c in customers}
    names = [*configured, *sorted(set(by_customer) - set(configured))]
    customer_totals = tuple(CustomerTotal(n, by_customer.get(n, 0), configured.get(n)) for n in names)
    items = {**{i.card_id: i for i in pool}, **plan.items}
    blocked = {i.card_id for i in pool if i.blocked}  # the pool is Trello's word now; the plan's copy is older
    items = {cid: replace(i, blocked=True) if cid in blocked else i for cid, i in items.items()}
    item_totals = tuple(ItemTotal(i, plan.planned(i.card_id), plan.estimate_for(i), plan.elapsed(i.card_id))
                        for i in sorted(items.values(), key=lambda i: (i.customer, i.title, i.card_id)))
    return PlanTotals(developers, customer_totals, item_totals, triage)
