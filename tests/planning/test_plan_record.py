"""The plan of record on its Trello card: round trip, what people read, the size limit, broken cards, merging."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.plan_merge import Unit, apply_mine, describe, merge_plans
from supportdesk_tui.domain.plan_record import (
    DESCRIPTION_LIMIT,
    PlanRecord,
    PlanRecordError,
    PlanTooLarge,
    card_name,
    parse_description,
    render_description,
    week_of_card,
)
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from tests.planning.test_plan_export import CUSTOMERS, EXPORT, LOGIN, MON, POOL, REFUND, TUE, W52, christmas_plan

SAVED = datetime(2026, 12, 21, 10, 2, tzinfo=UTC)


def record(plan: Plan, revision: int = 3) -> PlanRecord:
    return PlanRecord(plan=plan, revision=revision, saved_by="ana", saved_at=SAVED)


def test_round_trip_keeps_everything_the_planning_screen_needs() -> None:
    plan = christmas_plan().set_estimate(LOGIN.card_id, 6)
    text = render_description(record(plan), CUSTOMERS)
    back = parse_description(text)
    assert back.plan == plan
    assert (back.revision, back.saved_by, back.saved_at) == (3, "ana", SAVED)


def test_summary_reads_as_a_plan_a_person_can_use() -> None:
    text = render_description(record(christmas_plan()), CUSTOMERS)
    assert text.startswith("**Support plan 2026-W52** (21–25 Dec 2026)")
    assert "Triage pair: ben (lead) + dev" in text
    assert "**ana**: 4 d available, 3 d planned\n- Acme Ltd: Single sign-on | login loop: Mon, Tue\n" \
        "- Acme Ltd: =SUM(A1) shows in *order* export: Wed ½\n- Bluebird Travel: Refund emails bounce: Wed ½\n" in text
    assert "**ben**: 4 d available, 2 d planned\n- Triage: Mon\n" in text
    assert "- Acme Ltd: 4 d planned of 3 d agreed" in text
    assert "- Copperleaf Foods: 0 d planned of 2 d agreed" in text
    assert "Saved by ana on 2026-12-21 10:02 UTC (revision 3)" in text
    assert text.rstrip().endswith("```")


@pytest.mark.parametrize(("name", "week"), [
    ("Support plan 2026-W49", IsoWeek(2026, 49)),
    ("  support PLAN 2026w01 ", IsoWeek(2026, 1)),
    ("Support plan 2026-W54", None),
    ("Support plans", None),
    ("Acme: VAT number", None),
])
def test_week_of_card(name: str, week: IsoWeek | None) -> None:
    assert week_of_card(name) == week


def test_card_name() -> None:
    assert card_name(IsoWeek(2026, 49)) == "Support plan 2026-W49"


@pytest.mark.parametrize(("description", "says"), [
    ("Just a note someone wrote", "has no ```supportdesk-plan block"),
    ("x\n```supportdesk-plan\n{not json\n```", "not valid JSON"),
    ("```supportdesk-plan\n[1, 2]\n```", "not a JSON object"),
    ("```supportdesk-plan\n{\"v\": 9}\n```", "format 9, newer than this app reads"),
    ("```supportdesk-plan\n{\"v\": 1, \"week\": \"2026-W52\"}\n```", "lacks the field"),
    ("```supportdesk-plan\n{\"v\": 1}\n```", "lacks the field 'week'"),
])
def test_broken_cards_say_what_is_wrong(description: str, says: str) -> None:
    with pytest.raises(PlanRecordError, match=None) as caught:
        parse_description(description)
    assert says in str(caught.value)


def test_a_hand_edited_item_index_is_refused() -> None:
    text = render_description(record(christmas_plan()), CUSTOMERS)
    broken = text.replace('"cells":{"ana":[[0,0]', '"cells":{"ana":[[7,7]')
    assert broken != text
    with pytest.raises(PlanRecordError, match="names item 7"):
        parse_description(broken)


def test_the_last_block_wins() -> None:
    older = render_description(record(christmas_plan(), 1))
    newer = render_description(record(christmas_plan(), 2))
    assert parse_description(older + "\n" + newer).revision == 2


def busy_week(developers: int, cards_each: int, title: str = "A reasonably long card name about an issue") -> Plan:
    devs = [f"developer{n:02d}" for n in range(developers)]
    plan = Plan.new(W52, devs).with_triage_pair((devs[0], devs[1]))
    for n, dev in enumerate(devs):
        for k, day in enumerate(W52.days()):
            c = k % cards_each
            item = WorkItem(f"{n:012d}{c:012d}", f"Customer {n % 6}", f"{title} {n}-{c}", 4,
                            f"{n:012d}{c:012d}"[::-1], f"https://trello.com/c/{n:04d}{c:04d}")
            plan = plan.assign(dev, day, item).plan
            plan = plan.assign(dev, day, item).plan
    return plan


def test_twenty_developers_with_a_busy_week_fit_well_inside_the_limit() -> None:
    """Twenty people, each on two different cards in the week (40 cards), every half day planned."""
    text = render_description(record(busy_week(20, 2)))
    assert len(text) < DESCRIPTION_LIMIT * 0.7
    assert "- Customer 0: A reasonably long card name about an issue 0-0: Mon, Wed, Fri\n" in text  # full summary
    assert parse_description(text).plan == busy_week(20, 2)


def test_twenty_developers_on_sixty_cards_still_fit() -> None:
    text = render_description(record(busy_week(20, 3)))
    assert len(text) <= DESCRIPTION_LIMIT
    assert parse_description(text).plan == busy_week(20, 3)


def test_past_the_limit_it_says_so_rather_than_cut() -> None:
    with pytest.raises(PlanTooLarge, match=r"more than the 16,384 a Trello card description holds"):
        render_description(record(busy_week(40, 5, "x" * 100)))


# ------------------------------------------------------------------------------------------------ merging
BASE = christmas_plan()


def test_edits_to_different_cells_are_both_kept() -> None:
    mine = BASE.clear("ana", MON)
    theirs = BASE.assign("chloe", TUE, EXPORT).plan
    merged = merge_plans(BASE, mine, theirs)
    assert merged.conflicts == ()
    assert merged.plan.cell("ana", MON) == ()
    assert merged.plan.cell("chloe", TUE) == (EXPORT.card_id,)


def test_the_same_cell_keeps_theirs_and_says_so() -> None:
    mine = BASE.clear("ben", TUE).assign("ben", TUE, LOGIN).plan
    theirs = BASE.clear("ben", TUE).assign("ben", TUE, EXPORT).plan
    merged = merge_plans(BASE, mine, theirs)
    assert merged.plan.cell("ben", TUE) == (EXPORT.card_id,)
    [conflict] = merged.conflicts
    assert conflict.unit is Unit.CELL
    assert describe(conflict, merged.plan, who="chloe", when="10:02") == (
        "chloe changed Tue ben to Acme Ltd: =SUM(A1) shows in *order* export at 10:02; "
        "your change to that cell was not applied")
    assert apply_mine(merged.plan, merged.conflicts, mine).cell("ben", TUE) == (LOGIN.card_id,)


@pytest.mark.parametrize("edit", [
    lambda p: p.set_available("ana", 3),
    lambda p: p.set_estimate(REFUND.card_id, 5),
    lambda p: p.with_triage_pair(("ana", "chloe")),
])
def test_one_sided_changes_to_availability_estimates_and_pair_survive(edit: object) -> None:
    changed = edit(BASE)  # type: ignore[operator]
    assert merge_plans(BASE, changed, BASE).plan == changed
    assert merge_plans(BASE, BASE, changed).plan == changed


def test_conflicting_availability_estimate_and_pair_keep_theirs() -> None:
    mine = BASE.set_available("ana", 3).set_estimate(REFUND.card_id, 5).with_triage_pair(("ana", "chloe"))
    theirs = BASE.set_available("ana", 2).set_estimate(REFUND.card_id, 7).with_triage_pair(("chloe", "ana"))
    merged = merge_plans(BASE, mine, theirs)
    assert {c.unit for c in merged.conflicts} == {Unit.AVAILABLE, Unit.ESTIMATE, Unit.PAIR}
    assert merged.plan == theirs
    assert apply_mine(merged.plan, merged.conflicts, mine) == mine


def test_roster_additions_from_both_sides_survive() -> None:
    mine = BASE.with_developers([*BASE.developers, "eve"])
    theirs = BASE.with_developers([*BASE.developers, "finn"])
    assert merge_plans(BASE, mine, theirs).plan.developers == (*BASE.developers, "finn", "eve")


def test_nothing_read_before_means_an_empty_base() -> None:
    mine = Plan.new(W52, BASE.developers).assign("ana", MON, LOGIN).plan
    merged = merge_plans(None, mine, BASE.clear("ana", MON))
    assert merged.plan.cell("ana", MON) == (LOGIN.card_id,)


# Hypothesis: random edits from two machines on one base.
EDITS = st.lists(st.tuples(st.sampled_from(BASE.developers), st.sampled_from(W52.days()[:4]),
                           st.sampled_from([None, *POOL])), max_size=6)


def apply_edits(plan: Plan, edits: list[tuple[str, date, WorkItem | None]]) -> Plan:
    for dev, day, item in edits:
        plan = plan.clear(dev, day) if item is None else plan.clear(dev, day).assign(dev, day, item).plan
    return plan


@settings(max_examples=150, deadline=None)
@given(EDITS, EDITS)
def test_merge_keeps_every_edit_that_was_not_in_conflict(mine_edits: list, their_edits: list) -> None:
    mine, theirs = apply_edits(BASE, mine_edits), apply_edits(BASE, their_edits)
    merged = merge_plans(BASE, mine, theirs)
    conflicted = {c.key for c in merged.conflicts}
    for key in {*mine.cells, *theirs.cells, *BASE.cells}:
        got = merged.plan.cell(*key)
        if key in conflicted:
            assert got == theirs.cell(*key)
        elif mine.cell(*key) != BASE.cell(*key):
            assert got == mine.cell(*key)
        else:
            assert got == theirs.cell(*key)
    # and the merge is a fixed point: merging the result again with either side's base changes nothing
    assert merge_plans(theirs, merged.plan, theirs).plan == merged.plan
    assert apply_mine(merged.plan, merged.conflicts, mine).cells == {
        k: v for k, v in {**{k: merged.plan.cell(*k) for k in merged.plan.cells},
                          **{c.key: c.mine for c in merged.conflicts}}.items() if v}  # type: ignore[misc]
