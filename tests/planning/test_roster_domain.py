"""Pairs in the arithmetic, knowledge from a plan history, the single-person rule and the size warning."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem, plan_totals
from supportdesk_tui.domain.roster import (
    alone_on_paired_customer,
    cell_pair_words,
    elapsed_half_days,
    knowledge_from,
    pair_suggestion,
    pairings,
    too_big_words,
)

W49 = IsoWeek(2026, 49)
MON, TUE, WED, THU, FRI = W49.days()
ONE_DAY = WorkItem("c1", "Acme Ltd", "VAT number", 2)
ESOTERIC = WorkItem("c2", "Zephyr Labs", "Fortran bridge", 6)


def plan_with(*cells: tuple[str, object, WorkItem], devs: tuple[str, ...] = ("ana", "ben", "chloe")) -> Plan:
    plan = Plan.new(W49, devs)
    for dev, day, item in cells:
        plan = plan.assign(dev, day, item).plan  # type: ignore[arg-type]
    return plan


def test_a_whole_day_of_pairing_on_a_one_day_card_is_one_day_planned() -> None:
    plan = plan_with(("ana", MON, ONE_DAY), ("ana", MON, ONE_DAY), ("ben", MON, ONE_DAY), ("ben", MON, ONE_DAY))
    assert elapsed_half_days(plan, "c1") == 2
    totals = plan_totals(plan)
    assert [d.allocated for d in totals.developers] == [2, 2, 0]  # capacity counts each person's half days
    assert cell_pair_words(plan, "ana", MON, "c1") == "pair with ben"
    assert pairings(plan)["c1"].words() == "paired: ana + ben, Mon"


def test_pair_days_read_as_ranges() -> None:
    plan = plan_with(*[(dev, day, ESOTERIC) for day in (MON, TUE, THU) for dev in ("ana", "ben")])
    assert pairings(plan)["c2"].words() == "paired: ana + ben, Mon-Tue, Thu"
    assert elapsed_half_days(plan, "c2") == 3


CELLS = st.lists(st.tuples(st.sampled_from(["ana", "ben", "chloe"]), st.sampled_from(W49.days()),
                           st.sampled_from([ONE_DAY, ESOTERIC])), max_size=20)


@settings(max_examples=100, deadline=None)
@given(CELLS)
def test_totals_still_agree_both_ways_with_pairs(cells: list) -> None:
    plan = plan_with(*cells)
    totals = plan_totals(plan)
    assert totals.allocated == totals.planned  # people's side and customers' side count the same half days
    for card in ("c1", "c2"):
        assert elapsed_half_days(plan, card) <= plan.planned(card)
        assert (elapsed_half_days(plan, card) == 0) == (plan.planned(card) == 0)


def history() -> list[Plan]:
    w46, w47, w48 = IsoWeek(2026, 46), IsoWeek(2026, 47), IsoWeek(2026, 48)
    old = IsoWeek(2026, 30)
    return [
        Plan.new(old, ["dev"]).assign("dev", old.monday, ESOTERIC).plan,
        Plan.new(w46, ["ana", "chloe"]).assign("ana", w46.monday, ESOTERIC).plan
        .assign("chloe", w46.monday, ONE_DAY).plan,
        Plan.new(w47, ["ana", "ben"]).assign("ben", w47.monday, ONE_DAY).plan,
        Plan.new(w48, ["chloe"]).assign("chloe", w48.monday, ONE_DAY).plan,
    ]


def test_knowledge_from_a_twelve_week_history() -> None:
    known = knowledge_from(history())
    assert known.words("Acme Ltd", W49) == "known by chloe (1 wk ago), ben (2 wk ago)"
    assert known.words("Zephyr Labs", W49) == "known by ana (3 wk ago)"  # dev's week 30 is past 12 weeks
    assert known.only_one("Zephyr Labs", W49) == "ana"
    assert known.only_one("Acme Ltd", W49) is None
    assert known.words("Nobody Inc", W49) == "nobody has worked on it in 12 weeks"


def test_card_members_count_as_knowledge_too() -> None:
    known = knowledge_from(history(), {"Zephyr Labs": [("ben", IsoWeek(2026, 48))]})
    assert known.only_one("Zephyr Labs", W49) is None


def test_pairing_is_suggested_for_the_one_knower_and_never_required() -> None:
    known = knowledge_from(history())
    assert pair_suggestion(known, "Zephyr Labs", W49, ["ana", "ben", "chloe", "eve"]) == \
        "pair ana with ben to spread what ana knows"
    assert pair_suggestion(known, "Acme Ltd", W49, ["ana", "ben"]) == ""
    alone = plan_with(("ana", TUE, ESOTERIC))
    assert alone_on_paired_customer(alone, "Zephyr Labs") == [
        "ana is alone on Zephyr Labs: Fortran bridge on Tue; Zephyr Labs prefers pairs"]
    paired = plan_with(("ana", TUE, ESOTERIC), ("ben", TUE, ESOTERIC))
    assert alone_on_paired_customer(paired, "Zephyr Labs") == []


@pytest.mark.parametrize(("estimate", "limit", "words"), [
    (50, 20, "bigger than support work (25 d): consider a project team"),
    (40, 20, ""),
    (None, 20, ""),
    (12, 5, "bigger than support work (6 d): consider a project team"),
])
def test_too_big_for_support(estimate: int | None, limit: float, words: str) -> None:
    assert too_big_words(estimate, limit) == words
