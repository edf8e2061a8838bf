"""The weekly triage rota: one of ``[team].triage_leads`` plus one other person.

The suggestion is a least-recently-served rotation, which bounds how long anyone waits for a turn
(a "fewest turns first" rule alone would let a newcomer with no turns take every other week until
they caught up). Ties go to whoever has had fewer turns, then to the order in the config, so the
same history always gives the same pair. Nobody is suggested two weeks running unless there is no
one else who could take the place. The result is only a suggestion: the team may edit the pair,
and :func:`triage_pair_problems` says in words what is unusual about an edited one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from supportdesk_tui.domain.planning import IsoWeek

TriagePair = tuple[str, str]
"""(lead, other): the lead is one of the triage leads."""


def eligible_people(leads: Sequence[str], developers: Sequence[str]) -> tuple[str, ...]:
    """Everyone who can take triage: the developers, then any lead not listed among them."""
    return tuple(dict.fromkeys([*developers, *leads]))


def suggest_triage_pair(week: IsoWeek, leads: Sequence[str], developers: Sequence[str],
                        history: Mapping[IsoWeek, TriagePair]) -> TriagePair:
    """The fair pair for ``week``, given the pairs of other weeks (only earlier weeks count).

    The lead is the triage lead who served least recently, then with fewest turns, then first in
    ``triage_leads``. The other is whoever else served least recently, then with fewest turns,
    preferring non-leads on a tie (leads already take their turns as lead), then first in
    ``developers``. With no ``triage_leads`` configured anyone may lead. Raises ValueError when
    fewer than two people are eligible, since a pair can't be formed.
    """
    people = eligible_people(leads, developers)
    if len(people) < 2:
        raise ValueError("a triage pair needs at least two people in [team].developers")
    lead_pool = tuple(dict.fromkeys(leads)) or people
    last_served: dict[str, int] = {}
    turns: dict[str, int] = {}
    for past, pair in history.items():
        if past < week:
            for person in set(pair):
                turns[person] = turns.get(person, 0) + 1
                last_served[person] = max(last_served.get(person, -1), past.monday.toordinal())
    last_week = set(history.get(week.prev(), ()))

    def fresh(candidates: Sequence[str]) -> Sequence[str]:
        return [p for p in candidates if p not in last_week] or candidates

    lead_rank = {p: i for i, p in enumerate(lead_pool)}
    lead = min(fresh(lead_pool), key=lambda p: (last_served.get(p, -1), turns.get(p, 0), lead_rank[p]))
    order = {p: i for i, p in enumerate(people)}
    is_lead = set(lead_pool) if leads else set()
    other = min(fresh([p for p in people if p != lead]),
                key=lambda p: (last_served.get(p, -1), turns.get(p, 0), p in is_lead, order[p]))
    return lead, other


def suggest_rota(start: IsoWeek, weeks: int, leads: Sequence[str], developers: Sequence[str],
                 history: Mapping[IsoWeek, TriagePair]) -> dict[IsoWeek, TriagePair]:
    """Suggestions for ``weeks`` weeks from ``start``, each counting the ones before it."""
    known = dict(history)
    rota: dict[IsoWeek, TriagePair] = {}
    week = start
    for _ in range(weeks):
        pair = suggest_triage_pair(week, leads, developers, known)
        known[week] = rota[week] = pair
        week = week.next()
    return rota


def triage_pair_problems(pair: TriagePair, leads: Sequence[str], developers: Sequence[str], *,
                         week: IsoWeek | None = None,
                         history: Mapping[IsoWeek, TriagePair] | None = None) -> tuple[str, ...]:
    """What is unusual about a (possibly hand-edited) pair, in words; empty when nothing is.

    These are warnings for the screen, not refusals: the team may know better this week.
    """
    lead, other = pair
    problems: list[str] = []
    if lead == other:
        return (f"{lead} is in the pair twice; triage needs two people.",)
    people = eligible_people(leads, developers)
    problems += [f"{p} is not in [team].developers." for p in pair if p not in people]
    if leads and lead not in leads:
        problems.append(f"{other} is a triage lead; put them first." if other in leads
                        else f"Neither {lead} nor {other} is a triage lead.")
    if week is not None and history is not None:
        previous = history.get(week.prev(), ())
        problems += [f"{p} was on triage last week too." for p in pair if p in previous]
    return tuple(problems)


def history_from_store(rows: Mapping[str, tuple[str, str]]) -> dict[IsoWeek, TriagePair]:
    """The store keeps weeks as ``2026-W48`` strings; rows with an unreadable week are skipped."""
    history: dict[IsoWeek, TriagePair] = {}
    for text, (lead, other) in rows.items():
        try:
            history[IsoWeek.parse(text)] = (lead, other)
        except ValueError:
            continue
    return history
