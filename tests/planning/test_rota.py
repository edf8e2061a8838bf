"""The triage rota: fair, deterministic, nobody twice running unless there is no one else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.domain.rota import (
    TriagePair,
    eligible_people,
    history_from_store,
    suggest_rota,
    suggest_triage_pair,
    triage_pair_problems,
)

W = IsoWeek(2026, 48)
DEVS = ("ana", "ben", "chloe", "dev")
LEADS = ("ana", "ben")


def weeks_before(week: IsoWeek, pairs: list[TriagePair]) -> dict[IsoWeek, TriagePair]:
    """History whose last pair is the week just before ``week``."""
    history: dict[IsoWeek, TriagePair] = {}
    for pair in reversed(pairs):
        week = week.prev()
        history[week] = pair
    return history


@pytest.mark.parametrize(("leads", "devs", "past", "expected"), [
    # a first week: the first lead, and a non-lead (leads take their turns as lead)
    (LEADS, DEVS, [], ("ana", "chloe")),
    (LEADS, DEVS, [("ana", "chloe")], ("ben", "dev")),
    (LEADS, DEVS, [("ana", "chloe"), ("ben", "dev")], ("ana", "chloe")),
    # least recent first, even over someone with fewer turns
    (LEADS, ("ana", "ben", "chloe", "dev", "eve"),
     [("ana", "eve"), ("ben", "chloe"), ("ana", "dev"), ("ben", "chloe"), ("ana", "dev")], ("ben", "eve")),
    # a single lead has to lead every week: that is the "no one else" case
    (("ana",), ("ana", "ben", "chloe"), [("ana", "ben")], ("ana", "chloe")),
    # two people: the same pair every week
    (("ana",), ("ana", "ben"), [("ana", "ben")], ("ana", "ben")),
    # no triage leads configured: anyone may lead
    ((), ("ana", "ben", "chloe"), [], ("ana", "ben")),
    ((), ("ana", "ben", "chloe"), [("ana", "ben")], ("chloe", "ana")),
    # a lead missing from developers is still on the rota
    (("zoe",), ("ana", "ben"), [], ("zoe", "ana")),
    # people who left the team don't block anyone
    (LEADS, DEVS, [("old", "gone")], ("ana", "chloe")),
])
def test_suggestions(leads: tuple[str, ...], devs: tuple[str, ...], past: list[TriagePair],
                     expected: TriagePair) -> None:
    assert suggest_triage_pair(W, leads, devs, weeks_before(W, past)) == expected


def test_ties_go_to_fewer_turns_then_to_non_leads_then_config_order() -> None:
    devs = ("ana", "ben", "chloe", "dev", "eve")
    # ana and eve both last served three weeks ago; ana has had more turns, so eve goes.
    history = {W.prev().prev().prev(): ("ana", "eve"), IsoWeek(2026, 40): ("ana", "chloe"),
               IsoWeek(2026, 44): ("ben", "chloe"), W.prev().prev(): ("chloe", "dev"), W.prev(): ("ben", "dev")}
    assert suggest_triage_pair(W, LEADS, devs, history) == ("ana", "eve")
    # without that history ana and chloe tie on everything: chloe (not a lead) goes with the lead ben
    assert suggest_triage_pair(W, LEADS, devs, {W.prev(): ("ana", "dev")}) == ("ben", "chloe")


def test_only_earlier_weeks_count() -> None:
    history = {W.next(): ("ana", "chloe"), W: ("ben", "dev"), W.prev(): ("ben", "dev")}
    assert suggest_triage_pair(W, LEADS, DEVS, history) == ("ana", "chloe")


def test_a_pair_needs_two_people() -> None:
    with pytest.raises(ValueError, match="at least two"):
        suggest_triage_pair(W, ("ana",), ("ana",), {})
    with pytest.raises(ValueError):
        suggest_triage_pair(W, (), (), {})


def test_suggest_rota_chains_weeks_across_the_year_end() -> None:
    rota = suggest_rota(IsoWeek(2026, 52), 4, LEADS, DEVS, {})
    assert [str(w) for w in rota] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert list(rota.values()) == [("ana", "chloe"), ("ben", "dev"), ("ana", "chloe"), ("ben", "dev")]


def test_eligible_people_and_store_rows() -> None:
    assert eligible_people(("ben", "zoe"), ("ana", "ben")) == ("ana", "ben", "zoe")
    assert history_from_store({"2026-W48": ("ana", "ben"), "junk": ("x", "y")}) == {W: ("ana", "ben")}


@pytest.mark.parametrize(("pair", "problems"), [
    (("ana", "chloe"), ()),
    (("ben", "ana"), ("ben was on triage last week too.",)),
    (("ana", "ana"), ("ana is in the pair twice; triage needs two people.",)),
    (("chloe", "dev"), ("Neither chloe nor dev is a triage lead.", "dev was on triage last week too.")),
    (("chloe", "ana"), ("ana is a triage lead; put them first.",)),
    (("ana", "zed"), ("zed is not in [team].developers.",)),
    (("ben", "dev"), ("ben was on triage last week too.", "dev was on triage last week too.")),
])
def test_triage_pair_problems(pair: TriagePair, problems: tuple[str, ...]) -> None:
    history = {W.prev(): ("ben", "dev"), W.prev().prev(): ("ana", "chloe")}
    assert triage_pair_problems(pair, LEADS, DEVS, week=W, history=history) == problems


NAMES = ("ana", "ben", "chloe", "dev", "eve", "finn", "gus", "hana", "ida")


@st.composite
def teams(draw: st.DrawFn) -> tuple[tuple[str, ...], tuple[str, ...], dict[IsoWeek, TriagePair]]:
    devs = tuple(draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=len(NAMES), unique=True)))
    leads = tuple(draw(st.lists(st.sampled_from(devs), max_size=len(devs), unique=True)))
    # any earlier history, hand-edited pairs and former colleagues included, with gaps
    past = draw(st.lists(st.tuples(st.integers(1, 12), st.lists(st.sampled_from((*devs, "old")), min_size=2,
                                                                  max_size=2, unique=True)), max_size=8))
    history = {IsoWeek(2026, 20 - back): (pair[0], pair[1]) for back, pair in past}
    return devs, leads, history


@settings(max_examples=300, deadline=None)
@given(teams())
def test_rota_is_fair_and_nobody_serves_twice_running_unless_no_one_else_can(
        team: tuple[tuple[str, ...], tuple[str, ...], dict[IsoWeek, TriagePair]]) -> None:
    devs, leads, history = team
    people = eligible_people(leads, devs)
    lead_pool = leads or people
    n = len(people)
    start = IsoWeek(2026, 20)
    rota = list(suggest_rota(start, 4 * n, leads, devs, history).values())
    previous = history.get(start.prev())
    for pair in rota:
        lead, other = pair
        assert lead != other and lead in lead_pool and other in people
        if previous is not None and lead in previous:
            assert set(lead_pool) <= set(previous), f"{lead} led twice running while another lead was free"
        if previous is not None and other in previous:
            assert set(people) - {lead} <= set(previous), f"{other} served twice running needlessly"
        previous = pair
    # bounded wait: everyone takes triage in every run of n consecutive weeks, from the first week on
    for first in range(len(rota) - n + 1):
        served = {p for pair in rota[first:first + n] for p in pair}
        assert served == set(people), f"weeks {first}..{first + n - 1} missed {set(people) - served}"
