"""The week's roster, pairs and who knows which customer: pure rules over plans.

Pairs: the same card on the same day for two people is a pair. Each person's half days count against
their own capacity, but a card's planned time against its estimate counts the pair's elapsed time once:
per day, the most half days anyone spent on the card (a whole day of pairing on a 1 d card is 1 d planned,
not 2). The team pairs "especially for our more esoteric projects, to spread domain knowledge", so the
knowledge of who has worked for which customer comes from the history of plans of record (and the cards'
members), and a customer only one person has worked on in the last 12 weeks is flagged. Nothing is ever
refused: these are words beside the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from supportdesk_tui.domain.planning import DAY_NAMES, IsoWeek, Plan, format_half_days

KNOWLEDGE_WEEKS = 12
DEFAULT_MAX_CARD_DAYS = 20


# ------------------------------------------------------------------------------------------------- pairs
def elapsed_half_days(plan: Plan, card_id: str) -> int:
    """A card's planned time counted once per day however many people share it (pairs count once)."""
    return sum(max((plan.cell(dev, day).count(card_id) for dev in plan.developers), default=0) for day in plan.days)


def partners(plan: Plan, developer: str, day: date, card_id: str) -> tuple[str, ...]:
    """Who else works on the card that day."""
    return tuple(d for d in plan.developers if d != developer and card_id in plan.cell(d, day))


@dataclass(frozen=True, slots=True)
class Pairing:
    card_id: str
    people: tuple[str, ...]
    days: tuple[date, ...]

    def words(self) -> str:
        """``paired: ana + ben, Mon-Tue`` (consecutive days as a range)."""
        return f"paired: {' + '.join(self.people)}, {_day_ranges(self.days)}"


def pairings(plan: Plan) -> dict[str, Pairing]:
    """Every card that two or more people share on some day, with who and which days."""
    found: dict[str, tuple[dict[str, None], list[date]]] = {}
    for card_id in plan.items:
        for day in plan.days:
            people = [d for d in plan.developers if card_id in plan.cell(d, day)]
            if len(people) >= 2:
                names, days = found.setdefault(card_id, ({}, []))
                names.update(dict.fromkeys(people))
                days.append(day)
    return {cid: Pairing(cid, tuple(names), tuple(days)) for cid, (names, days) in found.items()}


def cell_pair_words(plan: Plan, developer: str, day: date, card_id: str) -> str:
    """``pair with ben`` for a grid cell, or empty."""
    others = partners(plan, developer, day, card_id)
    return f"pair with {' + '.join(others)}" if others else ""


# --------------------------------------------------------------------------------------------- knowledge
@dataclass(frozen=True, slots=True)
class Knowledge:
    """Per customer: each person who worked on it, and the last week they did."""

    by_customer: Mapping[str, Mapping[str, IsoWeek]]

    def known_by(self, customer: str, week: IsoWeek, *, within: int = KNOWLEDGE_WEEKS) -> list[tuple[str, int]]:
        """(person, weeks ago) most recent first, within the last ``within`` weeks before ``week``."""
        out = []
        for person, last in self.by_customer.get(customer, {}).items():
            ago = (week.monday - last.monday).days // 7
            if 0 < ago <= within:
                out.append((person, ago))
        return sorted(out, key=lambda pa: (pa[1], pa[0]))

    def words(self, customer: str, week: IsoWeek) -> str:
        """``known by ana (3 wk ago), chloe (1 wk ago)``, or ``nobody has worked on it in 12 weeks``."""
        known = self.known_by(customer, week)
        if not known:
            return f"nobody has worked on it in {KNOWLEDGE_WEEKS} weeks"
        return "known by " + ", ".join(f"{p} ({ago} wk ago)" for p, ago in known)

    def only_one(self, customer: str, week: IsoWeek) -> str | None:
        """The one person who knows this customer, when exactly one does (the single-person rule)."""
        known = self.known_by(customer, week)
        return known[0][0] if len(known) == 1 else None


def knowledge_from(plans: Iterable[Plan], members: Mapping[str, Iterable[tuple[str, IsoWeek]]] | None = None
                   ) -> Knowledge:
    """Who worked for which customer, from past plans (people with a card of theirs in a cell) and, optionally,
    card members per customer (person, week seen)."""
    seen: dict[str, dict[str, IsoWeek]] = {}

    def note(customer: str, person: str, week: IsoWeek) -> None:
        people = seen.setdefault(customer, {})
        if person not in people or people[person] < week:
            people[person] = week

    for plan in plans:
        for (dev, _), slots in plan.cells.items():
            for slot in slots:
                if isinstance(slot, str) and slot in plan.items:
                    note(plan.items[slot].customer, dev, plan.week)
    for customer, entries in (members or {}).items():
        for person, week in entries:
            note(customer, person, week)
    return Knowledge(seen)


def pair_suggestion(knowledge: Knowledge, customer: str, week: IsoWeek, roster: Sequence[str]) -> str:
    """For a customer that prefers pairs: pair its one knower with someone who has not worked there."""
    knower = knowledge.only_one(customer, week)
    known = {p for p, _ in knowledge.known_by(customer, week)}
    newcomers = [p for p in roster if p not in known]
    if knower and newcomers:
        return f"pair {knower} with {newcomers[0]} to spread what {knower} knows"
    return ""


def alone_on_paired_customer(plan: Plan, customer: str) -> list[str]:
    """Warnings in words where the plan puts one person alone on a customer that prefers pairs."""
    warnings = []
    for card_id, item in plan.items.items():
        if item.customer != customer:
            continue
        for day in plan.days:
            people = [d for d in plan.developers if card_id in plan.cell(d, day)]
            if len(people) == 1:
                warnings.append(f"{people[0]} is alone on {customer}: {item.title} on {DAY_NAMES[day.weekday()]}; "
                                f"{customer} prefers pairs")
    return warnings


# ---------------------------------------------------------------------------------------------- card size
def too_big_words(estimate_half_days: int | None, max_card_days: float = DEFAULT_MAX_CARD_DAYS) -> str:
    """``bigger than support work (25 d): consider a project team`` above the limit, else empty."""
    if estimate_half_days is None or estimate_half_days <= 2 * max_card_days:
        return ""
    return f"bigger than support work ({format_half_days(estimate_half_days)}): consider a project team"


def _day_ranges(days: Sequence[date]) -> str:
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(DAY_NAMES[r[0].weekday()] if len(r) == 1 else
                     f"{DAY_NAMES[r[0].weekday()]}-{DAY_NAMES[r[-1].weekday()]}" for r in runs)
