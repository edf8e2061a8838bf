"""Pairs in the arithmetic, knowledge from a plan history, the single-person rule and the size warning."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.boards import Board, BoardList, Card, Member
from supportdesk_tui.domain.plan_export import confirmation_text, describe_when, planned_cards
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem, plan_totals
from supportdesk_tui.domain.roster import (
    add_person,
    alone_on_paired_customer,
    cell_pair_words,
    fit_roster,
    knowledge_from,
    match_member,
    member_sightings,
    next_roster,
    one_person_words,
    pairings,
    pool_notes,
    remove_person,
    suggested_partner,
    too_big_words,
)
from supportdesk_tui.widgets.plan_grid import cell_lines

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
    assert plan.elapsed("c1") == 2
    totals = plan_totals(plan)
    assert [d.allocated for d in totals.developers] == [2, 2, 0]  # capacity counts each person's half days
    assert cell_pair_words(plan, "ana", MON, "c1") == "pair with ben"
    assert pairings(plan)["c1"].words() == "paired: ana + ben, Mon"


def test_pair_days_read_as_ranges() -> None:
    plan = plan_with(*[(dev, day, ESOTERIC) for day in (MON, TUE, THU) for dev in ("ana", "ben")])
    assert pairings(plan)["c2"].words() == "paired: ana + ben, Mon-Tue, Thu"
    assert plan.elapsed("c2") == 3


CELLS = st.lists(st.tuples(st.sampled_from(["ana", "ben", "chloe"]), st.sampled_from(W49.days()),
                           st.sampled_from([ONE_DAY, ESOTERIC])), max_size=20)


@settings(max_examples=100, deadline=None)
@given(CELLS)
def test_totals_still_agree_both_ways_with_pairs(cells: list) -> None:
    plan = plan_with(*cells)
    totals = plan_totals(plan)
    assert totals.allocated == totals.planned  # people's side and customers' side count the same half days
    for card in ("c1", "c2"):
        assert plan.elapsed(card) <= plan.planned(card)
        assert (plan.elapsed(card) == 0) == (plan.planned(card) == 0)


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
    assert suggested_partner(known, "Zephyr Labs", W49, ["ana", "ben", "chloe", "eve"], "ana") == "ben"
    assert suggested_partner(known, "Acme Ltd", W49, ["ana", "ben"], "ana") is None
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


# ------------------------------------------------------------------------------------- pairs elsewhere
def test_the_pool_counts_a_pair_once_and_the_estimate_warning_agrees() -> None:
    plan = plan_with(("ana", MON, ONE_DAY), ("ana", MON, ONE_DAY))
    outcome = plan.assign("ben", MON, ONE_DAY)
    outcome = outcome.plan.assign("ben", MON, ONE_DAY)
    assert outcome.warnings == ()  # 1 d of pairing on a 1 d card is on its estimate, not over it
    item = next(i for i in plan_totals(outcome.plan).items if i.item.card_id == "c1")
    assert (item.planned, item.counted, item.standing.text) == (4, 2, "on target")  # people's time, the card's
    third = outcome.plan.assign("chloe", TUE, ONE_DAY)
    assert third.warnings == ("Acme Ltd: VAT number is planned for 1.5 d, over its 1 d estimate.",)


def test_comments_and_confirmations_name_a_pair_together() -> None:
    plan = plan_with(*[(dev, day, ESOTERIC) for day in (MON, TUE) for dev in ("ana", "ben") for _ in range(2)],
                     ("chloe", WED, ESOTERIC))
    (card,) = planned_cards(plan)
    assert describe_when(card) == "ana + ben (pair), Mon–Tue; chloe, Wed (half day)"
    assert "- Fortran bridge — ana + ben (pair), Mon–Tue; chloe, Wed (half day)" in \
        confirmation_text(plan, (), "Zephyr Labs")


def test_both_grid_cells_say_who_they_pair_with() -> None:
    plan = plan_with(("ana", MON, ONE_DAY), ("ana", MON, ONE_DAY), ("ben", MON, ONE_DAY), ("ben", MON, ONE_DAY),
                     ("ana", TUE, ONE_DAY), ("chloe", TUE, ESOTERIC))
    assert cell_lines(plan, "ana", MON, 16) == ["Acme Ltd", "VAT number", "pair with ben"]
    assert cell_lines(plan, "ben", MON, 40)[2] == "whole day · pair with ana"
    assert cell_lines(plan, "ana", TUE, 16) == ["½ Acme Ltd: VAT…", "½ free", ""]  # alone: nothing to say
    assert cell_lines(plan, "chloe", WED, 16) == ["free", "", ""]


# ------------------------------------------------------------------------------------------ the roster
def test_a_new_week_starts_from_the_config_plus_last_weeks_visitors_who_still_give_time() -> None:
    last = Plan.new(W49, ("ana", "ben", "eve", "zed")).set_available("zed", 0)
    assert next_roster(last, ("ana", "ben", "chloe")) == ("ana", "ben", "chloe", "eve")
    assert next_roster(None, ("ana", "ben")) == ("ana", "ben")


@pytest.mark.parametrize(("saved", "config", "when_saved", "roster"), [
    (("ana", "ben", "eve"), ("ana", "ben"), ("ana", "ben"), ("ana", "ben", "eve")),  # a visitor stays
    (("ana", "eve"), ("ana", "ben"), ("ana", "ben"), ("ana", "eve")),  # ben was taken off this week: stays off
    (("ana", "ben", "dev"), ("ana", "ben", "chloe"), ("ana", "ben", "dev"), ("ana", "ben", "chloe")),  # config
    (("ana", "ben", "eve"), ("ana", "chloe"), None, ("ana", "ben", "eve")),  # from elsewhere: as saved
])
def test_a_saved_roster_follows_config_changes_and_keeps_its_own(saved: tuple[str, ...], config: tuple[str, ...],
                                                                  when_saved: tuple[str, ...] | None,
                                                                  roster: tuple[str, ...]) -> None:
    assert fit_roster(saved, config, when_saved) == roster


def test_adding_and_removing_people_says_why_in_words() -> None:
    plan = plan_with(("ana", MON, ONE_DAY), devs=("ana", "ben")).with_triage_pair(("ana", "ben"))
    eve = Member("m5", "eve", "Eve Martin")
    added = add_person(plan, "Eve Martin", match_member("Eve Martin", [eve]))
    assert added.plan.developers == ("ana", "ben", "eve") and added.plan.available["eve"] == 10
    assert added.words == "eve joins 2026-W49 only (the Trello member eve (Eve Martin))."
    alone = add_person(plan, "  zed ")
    assert alone.plan.developers[-1] == "zed" and "no Trello member of that name" in alone.words
    assert add_person(plan, "ANA").refused and add_person(plan, " ").refused
    refused = remove_person(added.plan, "ana")
    assert refused.refused and refused.plan is added.plan
    assert refused.words == "ana has 0.5 d planned in 2026-W49; clear those cells first (x), then remove them."
    assert remove_person(added.plan, "ben").words == \
        "ben is in this week's triage pair; choose another pair first (R)."
    gone = remove_person(added.plan, "eve")
    assert not gone.refused and gone.plan.developers == ("ana", "ben")


def test_members_match_by_username_first_then_full_name() -> None:
    people = [Member("1", "ana", "Ana Silva"), Member("2", "anna", "ana")]
    assert match_member("ANA", people) == people[0]
    assert match_member("ana  silva", people) == people[0]
    assert match_member("nobody", people) is None


# -------------------------------------------------------------------------------------- knowledge marks
def board(customer: str, cards: list[tuple[str, str, datetime]]) -> Board:
    lists = (BoardList("l1", "Up next", 1), BoardList("l2", "Done", 2))
    return Board(f"b-{customer}", customer, "", lists, tuple(
        Card(f"{customer}{n}", "x", "l2" if where == "done" else "l1", "b", n,
             members=(Member(who, who),), last_activity=when)
        for n, (who, where, when) in enumerate(cards)))


def test_members_of_finished_cards_count_as_knowledge_and_customers_staff_do_not() -> None:
    when = datetime(2026, 11, 18, 9, tzinfo=UTC)  # 2026-W47
    boards = {"Zephyr Labs": board("Zephyr Labs", [("ben", "done", when), ("chloe", "up", when),
                                                   ("wile", "done", when)])}
    seen = member_sightings(boards, ["ana", "Ben", "chloe"], ["Done"])
    assert seen == {"Zephyr Labs": [("Ben", IsoWeek(2026, 47))]}
    assert knowledge_from(history(), seen).words("Zephyr Labs", W49) == "known by Ben (2 wk ago), ana (3 wk ago)"


def test_the_partner_suggested_is_the_one_knower_or_a_newcomer() -> None:
    known = knowledge_from(history())
    roster = ("ana", "ben", "chloe")
    assert suggested_partner(known, "Zephyr Labs", W49, roster, "ana") == "ben"
    assert suggested_partner(known, "Zephyr Labs", W49, roster, "chloe") == "ana"
    assert suggested_partner(known, "Zephyr Labs", W49, ("ben", "chloe"), "chloe") is None  # ana is not here
    assert suggested_partner(known, "Acme Ltd", W49, roster, "ana") is None  # two people know Acme


def test_pool_notes_say_pairs_the_single_person_rule_and_the_size() -> None:
    huge = WorkItem("c3", "Zephyr Labs", "Rewrite in Rust", 50)
    plan = plan_with(("ana", MON, ESOTERIC), ("ben", MON, ESOTERIC), ("ben", TUE, ONE_DAY))
    totals = plan_totals(plan, (), [huge]).items
    notes = pool_notes(plan, totals, knowledge_from(history()), 20)
    assert notes["c2"] == ("paired: ana + ben, Mon", "one person knows this (ana)")
    assert notes["c3"] == ("one person knows this (ana)",
                           "bigger than support work (25 d): consider a project team")
    assert "c1" not in notes  # ben alone on Acme, known by two: nothing to say
    assert pool_notes(plan, totals, None, 30)["c2"] == ("paired: ana + ben, Mon",)
    assert one_person_words(knowledge_from(history()), "Acme Ltd", W49) == ""


def test_the_alone_warning_can_be_about_one_card_on_one_day() -> None:
    plan = plan_with(("ana", TUE, ESOTERIC), ("ana", WED, ESOTERIC), ("ben", WED, ESOTERIC))
    assert alone_on_paired_customer(plan, "Zephyr Labs", card_id="c2", day=WED) == []
    assert alone_on_paired_customer(plan, "Zephyr Labs", card_id="c2", day=TUE) == [
        "ana is alone on Zephyr Labs: Fortran bridge on Tue; Zephyr Labs prefers pairs"]
    assert alone_on_paired_customer(plan, "Zephyr Labs", card_id="c1") == []
