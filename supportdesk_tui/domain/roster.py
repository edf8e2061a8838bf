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

from supportdesk_tui.domain.boards import Board, Member
from supportdesk_tui.domain.cadence import lists_named_by
from supportdesk_tui.domain.planning_grid import Plan
from supportdesk_tui.domain.planning_totals import ItemTotal
from supportdesk_tui.domain.planning_week import DAY_NAMES, IsoWeek, format_half_days

KNOWLEDGE_WEEKS = 12
DEFAULT_MAX_CARD_DAYS = 20


# ------------------------------------------------------------------------------------------------- pairs
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


def alone_on_paired_customer(plan: Plan, customer: str, *, card_id: str | None = None,
                             day: date | None = None) -> list[str]:
    """Warnings in words where the plan puts one person alone on a customer that prefers pairs
    (only about one card and/or one day when given: what the last change touched)."""
    warnings = []
    for cid, item in plan.items.items():
        if item.customer != customer or card_id not in (None, cid):
            continue
        for when in plan.days if day is None else (day,):
            people = [d for d in plan.developers if cid in plan.cell(d, when)]
            if len(people) == 1:
                warnings.append(f"{people[0]} is alone on {customer}: {item.title} on {DAY_NAMES[when.weekday()]}; "
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


# --------------------------------------------------------------------------------------- the week's roster
def next_roster(previous: Plan | None, config: Sequence[str]) -> tuple[str, ...]:
    """Who a new week starts with: the config's developers, then whoever last week added who still gave
    some time (availability carries over, so someone added for one week only is set to 0 to leave)."""
    extra = [] if previous is None else [d for d in previous.developers
                                         if d not in config and previous.available.get(d, 0) > 0]
    return (*config, *extra)


def fit_roster(saved: Sequence[str], config: Sequence[str], config_when_saved: Sequence[str] | None) -> tuple[str, ...]:
    """A saved week's roster after the config's developers changed: a three-way merge.

    People the config gained since the save join the week; people it lost leave it; everyone the week
    itself added or removed stays that way. Without the config at save time (a plan from elsewhere)
    the saved roster is the week's roster as it stands.
    """
    before = set(config if config_when_saved is None else config_when_saved)
    gone = before - set(config)
    joined = [d for d in config if d not in before and d not in saved]
    return tuple([d for d in saved if d not in gone] + joined)


def match_member(name: str, members: Iterable[Member]) -> Member | None:
    """The Trello member a typed name means: by username (as publishing matches), else by full name."""
    wanted = " ".join(name.split()).casefold()
    people = list(members)
    return (next((m for m in people if m.username.casefold() == wanted), None)
            or next((m for m in people if " ".join(m.full_name.split()).casefold() == wanted), None))


@dataclass(frozen=True, slots=True)
class RosterChange:
    """A roster edit: the plan after it (unchanged when refused) and what to tell the room."""

    plan: Plan
    words: str
    refused: bool = False


def add_person(plan: Plan, name: str, member: Member | None = None) -> RosterChange:
    """Add someone to this week only, giving the whole working week until ``-`` says otherwise."""
    person = member.username if member is not None else " ".join(name.split())
    if not person:
        return RosterChange(plan, "Give the person's name (their Trello username where they have one).", True)
    if any(d.casefold() == person.casefold() for d in plan.developers):
        return RosterChange(plan, f"{person} is already on the {plan.week} roster.", True)
    added = plan.with_developers([*plan.developers, person])
    matched = (f"the Trello member {member.username}" + (f" ({member.full_name})" if member.full_name else "")
               if member is not None else "no Trello member of that name, so publishing will not add them to cards")
    return RosterChange(added, f"{person} joins {plan.week} only ({matched}).")


def remove_person(plan: Plan, person: str) -> RosterChange:
    """Take someone off this week's roster; refused in words while they have anything planned."""
    if person not in plan.developers:
        return RosterChange(plan, f"{person} is not on the {plan.week} roster.", True)
    planned = plan.allocated(person)
    if planned:
        return RosterChange(plan, f"{person} has {format_half_days(planned)} planned in {plan.week}; clear those "
                                  "cells first (x), then remove them.", True)
    if plan.triage_pair and person in plan.triage_pair:
        return RosterChange(plan, f"{person} is in this week's triage pair; choose another pair first (R).", True)
    return RosterChange(plan.with_developers([d for d in plan.developers if d != person]),
                        f"{person} is off the {plan.week} roster.")


# ----------------------------------------------------------------------------------- knowledge from boards
def member_sightings(boards: Mapping[str, Board], people: Iterable[str], finished: Iterable[str]
                     ) -> dict[str, list[tuple[str, IsoWeek]]]:
    """Per customer (``boards`` by customer name): who of ``people`` is a member of a finished card, and
    the week of its last activity. Only lists in ``finished`` count: a member of an Up next card has not
    worked on it yet. A name in ``finished`` may be a week pattern (``Done {week}``): every week's list counts.
    Only the team's own people count: customers' staff are members of their boards too."""
    names = {p.casefold(): p for p in people}
    finished = tuple(finished)
    out: dict[str, list[tuple[str, IsoWeek]]] = {}
    for customer, board in boards.items():
        lists = lists_named_by(board, finished)
        for card in board.cards:
            if card.list_id not in lists or card.last_activity is None:
                continue
            for member in card.members:
                person = names.get(member.username.casefold())
                if person is not None:
                    out.setdefault(customer, []).append((person, IsoWeek.of(card.last_activity.date())))
    return out


def suggested_partner(knowledge: Knowledge, customer: str, week: IsoWeek, roster: Sequence[str],
                      developer: str) -> str | None:
    """Whom ``developer`` could pair with on a customer only one person knows: the knower with a newcomer."""
    knower = knowledge.only_one(customer, week)
    if knower is None or knower not in roster:
        return None
    if developer != knower:
        return knower
    known = {p for p, _ in knowledge.known_by(customer, week)}
    return next((p for p in roster if p not in known and p != developer), None)


ONE_PERSON = "one person knows this"


def one_person_words(knowledge: Knowledge | None, customer: str, week: IsoWeek) -> str:
    """``one person knows this (ana)`` for a customer only one person worked on in 12 weeks, else empty."""
    knower = knowledge.only_one(customer, week) if knowledge is not None else None
    return f"{ONE_PERSON} ({knower})" if knower else ""


def pool_notes(plan: Plan, totals: Iterable[ItemTotal], knowledge: Knowledge | None,
               max_card_days: float = DEFAULT_MAX_CARD_DAYS) -> dict[str, tuple[str, ...]]:
    """Words beside each pool card: who pairs on it, the single-person mark, and the size warning."""
    pairs = pairings(plan)
    out: dict[str, tuple[str, ...]] = {}
    for total in totals:
        item = total.item
        notes = [pairs[item.card_id].words() if item.card_id in pairs else "",
                 one_person_words(knowledge, item.customer, plan.week),
                 too_big_words(total.estimate, max_card_days)]
        if any(notes):
            out[item.card_id] = tuple(n for n in notes if n)
    return out
