"""The planning arithmetic: ISO weeks, estimates, half days, holidays, totals both ways, start_from."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.boards import Card, Label
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.plan_export import PLAN_FORMAT_VERSION, PlanFormatError, plan_from_dict, plan_to_dict
from supportdesk_tui.domain.planning import (
    TRIAGE,
    CustomerTotal,
    DeveloperTotal,
    IsoWeek,
    ItemTotal,
    Level,
    Plan,
    WorkItem,
    day_label,
    estimate_from_labels,
    format_days,
    format_half_days,
    plan_totals,
    start_from,
    work_item_from_card,
)

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()
DEVS = ("ana", "ben", "chloe", "dev")
ACME = WorkItem("c-acme-1", "Acme Ltd", "Fix login", 4, "s-acme-1", "https://trello.example/c/1")
ACME2 = WorkItem("c-acme-2", "Acme Ltd", "Order export", None)
BLUE = WorkItem("c-blue-1", "Bluebird Travel", "Refund flow", 2)
CUSTOMERS = (Customer("Acme Ltd", "b1", commitment_days=3), Customer("Bluebird Travel", "b2", commitment_days=1.5),
             Customer("Copperleaf Foods", "b3"))


def plan() -> Plan:
    return Plan.new(W48, DEVS)


# ------------------------------------------------------------------------------------------ weeks
@pytest.mark.parametrize(("text", "expected"), [
    ("2026-W48", IsoWeek(2026, 48)),
    ("2026w48", IsoWeek(2026, 48)),
    (" 2026-W05 ", IsoWeek(2026, 5)),
    ("2026-W53", IsoWeek(2026, 53)),  # 2026 starts on a Thursday: it has 53 ISO weeks
])
def test_week_parse(text: str, expected: IsoWeek) -> None:
    assert IsoWeek.parse(text) == expected
    assert IsoWeek.parse(str(expected)) == expected


@pytest.mark.parametrize("text", ["2025-W53", "2026-W00", "2026-W54", "2026-48", "W48", "", "2026-W4x"])
def test_week_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="week"):
        IsoWeek.parse(text)


@pytest.mark.parametrize(("day", "week"), [
    (date(2026, 11, 23), "2026-W48"),
    (date(2026, 11, 29), "2026-W48"),  # Sunday belongs to the week that started on Monday
    (date(2027, 1, 1), "2026-W53"),
    (date(2024, 12, 30), "2025-W01"),
    (date(2021, 1, 3), "2020-W53"),
])
def test_week_of(day: date, week: str) -> None:
    assert str(IsoWeek.of(day)) == week


def test_week_days_next_prev_order() -> None:
    assert W48.days() == (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26),
                          date(2026, 11, 27))
    assert str(IsoWeek(2026, 53).next()) == "2027-W01"
    assert str(IsoWeek(2027, 1).prev()) == "2026-W53"
    assert str(IsoWeek(2025, 52).next()) == "2026-W01"
    assert W48.prev() < W48 < W48.next()
    assert sorted([IsoWeek(2027, 1), IsoWeek(2026, 53), IsoWeek(2026, 2)]) == \
        [IsoWeek(2026, 2), IsoWeek(2026, 53), IsoWeek(2027, 1)]


@pytest.mark.parametrize(("week", "text"), [
    (IsoWeek(2026, 48), "23–27 Nov 2026"),
    (IsoWeek(2026, 49), "30 Nov – 4 Dec 2026"),
    (IsoWeek(2026, 1), "29 Dec 2025 – 2 Jan 2026"),
])
def test_week_span_text(week: IsoWeek, text: str) -> None:
    assert week.span_text() == text


def test_day_and_day_count_words() -> None:
    assert day_label(THU) == "Thu 26 Nov"
    assert [format_half_days(n) for n in (0, 1, 2, 3, 10)] == ["0 d", "0.5 d", "1 d", "1.5 d", "5 d"]
    assert format_days(Fraction(5, 4)) == "1.25 d"


# -------------------------------------------------------------------------------------- estimates
@pytest.mark.parametrize(("labels", "half_days"), [
    (["est:1d"], 2),
    (["est:0.5d"], 1),
    (["est:3d"], 6),
    (["EST: 1.5 d"], 3),
    (["estimate=2days"], 4),
    (["est:0,5d"], 1),
    (["est:4h"], 1),
    (["est:6h"], 2),          # hours round up to whole half days
    (["est:0.3d"], 1),        # so do odd fractions of a day
    (["est:2h"], 1),
    (["bug", "est:1d", "urgent"], 2),
    (["est:1d", "est:2d"], 4),  # disagreeing labels: the larger, never the hopeful one
    (["est:0d"], None),
    (["est:d"], None),
    (["est:-1d"], None),
    (["est:1w"], None),
    (["est:1e9d"], None),
    (["estimated delivery 1d"], None),
    ([], None),
])
def test_estimate_from_labels(labels: list[str], half_days: int | None) -> None:
    assert estimate_from_labels(labels) == half_days


def test_work_item_from_card() -> None:
    card = Card(id="c9", name="Slow search", list_id="l", board_id="b", pos=1, url="https://long",
                short_url="https://short", labels=(Label("x", "est:1.5d"), Label("y", "bug")))
    item = work_item_from_card(card, "Acme Ltd", source_card_id="s9")
    assert item == WorkItem("c9", "Acme Ltd", "Slow search", 3, "s9", "https://short")


# ----------------------------------------------------------------------------------- availability
def test_everyone_starts_with_the_whole_working_week() -> None:
    assert dict(plan().available) == dict.fromkeys(DEVS, 10)
    with_holidays = Plan.new(W48, DEVS, holidays=[THU, date(2026, 12, 25)])  # Christmas is another week
    assert with_holidays.holidays == frozenset({THU})
    assert with_holidays.working_half_days == 8
    assert dict(with_holidays.available) == dict.fromkeys(DEVS, 8)


@pytest.mark.parametrize(("holidays", "asked", "kept"), [
    ((), 7, 7),
    ((), 11, 10),
    ((), -1, 0),
    ((THU,), 10, 8),
    ((THU, FRI), 9, 6),
    ((MON, TUE, WED, THU, FRI), 4, 0),
])
def test_set_available_clamps_to_the_working_week(holidays: tuple[date, ...], asked: int, kept: int) -> None:
    assert Plan.new(W48, DEVS, holidays=holidays).set_available("ana", asked).available["ana"] == kept


def test_plus_minus_move_half_a_day_and_stop_at_the_ends() -> None:
    p = plan().decrease_available("ana")
    assert p.available["ana"] == 9
    for _ in range(12):
        p = p.decrease_available("ana")
    assert p.available["ana"] == 0
    p = p.increase_available("ana").increase_available("ana")
    assert p.available["ana"] == 2
    assert plan().increase_available("ben").available["ben"] == 10
    with pytest.raises(KeyError):
        plan().increase_available("zed")


def test_a_plan_is_never_changed_in_place() -> None:
    before = plan()
    after = before.assign("ana", MON, ACME).plan.set_available("ana", 3)
    assert before == plan() and before.cell("ana", MON) == () and before.available["ana"] == 10
    assert after != before
    with pytest.raises(TypeError):
        after.available["ana"] = 5  # type: ignore[index]


# --------------------------------------------------------------------------------------- the grid
def test_assign_fills_the_next_free_half_day() -> None:
    p, warnings = plan().assign("ana", MON, ACME)
    assert p.cell("ana", MON) == ("c-acme-1",) and warnings == ()
    p, warnings = p.mark_triage("ana", MON)
    assert p.cell("ana", MON) == ("c-acme-1", TRIAGE) and warnings == ()
    assert p.allocated("ana") == 2 and p.items == {"c-acme-1": ACME}


def test_a_full_cell_is_the_only_refusal() -> None:
    p = plan().assign("ana", MON, ACME).plan.assign("ana", MON, BLUE).plan
    again, warnings = p.assign("ana", MON, ACME2)
    assert again is p
    assert warnings == ("ana's Mon 23 Nov is full (two half days); clear it first.",)
    assert p.mark_triage("ana", MON).plan is p


def test_over_allocation_is_a_warning_in_words_not_a_block() -> None:
    p = plan().set_available("ben", 2)
    p, warnings = p.assign("ben", MON, ACME)
    p, warnings = p.assign("ben", MON, ACME)
    assert warnings == ()
    p, warnings = p.assign("ben", TUE, BLUE)
    assert warnings == ("ben is over-allocated by 0.5 d (1.5 d planned, 1 d available).",)
    assert p.allocated("ben") == 3
    p, warnings = p.mark_triage("ben", WED)
    assert warnings == ("ben is over-allocated by 1 d (2 d planned, 1 d available).",)


def test_over_estimate_and_holiday_warnings() -> None:
    p = Plan.new(W48, DEVS, holidays=[THU])
    p, warnings = p.assign("ana", THU, BLUE)
    assert warnings == ("Thu 26 Nov is a public holiday, yet ana is planned to work on it.",)
    p, warnings = p.assign("ben", MON, BLUE)
    assert warnings == ()
    p, warnings = p.assign("ben", MON, BLUE)
    assert warnings == ("Bluebird Travel: Refund flow is planned for 1.5 d, over its 1 d estimate.",)
    # an estimate set in the grid overrides the label's, and items without one never warn
    assert p.set_estimate(BLUE.card_id, 4).assign("chloe", MON, BLUE).warnings == ()
    assert p.assign("chloe", MON, ACME2).warnings == ()


def test_clear_a_cell_or_one_slot() -> None:
    p = plan().assign("ana", MON, ACME).plan.assign("ana", MON, BLUE).plan
    assert p.clear("ana", MON, 0).cell("ana", MON) == ("c-blue-1",)
    assert p.clear("ana", MON, 1).cell("ana", MON) == ("c-acme-1",)
    assert p.clear("ana", MON, 5).cell("ana", MON) == ("c-acme-1", "c-blue-1")
    cleared = p.clear("ana", MON)
    assert cleared.cell("ana", MON) == () and cleared.items == {}
    assert cleared == plan()  # cleared snapshots and empty cells leave no trace


def test_unknown_developer_or_day_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        plan().assign("zed", MON, ACME)
    with pytest.raises(KeyError):
        plan().assign("ana", date(2026, 11, 28), ACME)  # Saturday
    with pytest.raises(KeyError):
        plan().clear("ana", date(2026, 11, 30))  # next week


@pytest.mark.parametrize("bad", [
    {"developers": ("ana", "ana")},
    {"developers": ("ana", " ")},
    {"available": {"zed": 3}},
    {"cells": {("ana", date(2026, 11, 30)): (TRIAGE,)}},
    {"cells": {("zed", MON): (TRIAGE,)}},
    {"cells": {("ana", MON): (TRIAGE, TRIAGE, TRIAGE)}},
    {"cells": {("ana", MON): ("not-an-item",)}},
    {"items": {"other": ACME}},
    {"estimates": {"c": 0}},
    {"triage_pair": ("ana", "ana")},
])
def test_plan_refuses_inconsistent_values(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {"week": W48, "developers": DEVS, **bad}
    with pytest.raises(ValueError):
        Plan(**fields)  # type: ignore[arg-type]


def test_equal_plans_whatever_the_order_of_operations() -> None:
    a = plan().assign("ben", TUE, BLUE).plan.assign("ana", MON, ACME).plan.set_available("ana", 4)
    b = plan().set_available("ana", 4).assign("ana", MON, ACME).plan.assign("ben", TUE, BLUE).plan
    assert a == b and hash(a) == hash(b)
    assert list(a.cells) == [("ana", MON), ("ben", TUE)]  # grid order, not insertion order


def test_with_developers_holidays_pair_and_refresh() -> None:
    p = plan().assign("ben", MON, ACME).plan.assign("chloe", MON, BLUE).plan.set_available("ben", 3)
    q = p.with_developers(["ben", "eve"])
    assert q.developers == ("ben", "eve") and dict(q.available) == {"ben": 3, "eve": 10}
    assert dict(q.cells) == {("ben", MON): ("c-acme-1",)} and set(q.items) == {"c-acme-1"}
    assert p.with_holidays([MON, TUE, WED, THU]).available["ana"] == 2
    assert p.with_triage_pair(("ana", "ben")).triage_pair == ("ana", "ben")
    renamed = WorkItem("c-acme-1", "Acme Ltd", "Fix login (SSO)", 4)
    unrelated = WorkItem("c-new", "Acme Ltd", "Other", 1)
    fresh = p.refresh_items([renamed, unrelated])
    assert fresh.items["c-acme-1"].title == "Fix login (SSO)" and "c-new" not in fresh.items


# ------------------------------------------------------------------------------------------ totals
@pytest.mark.parametrize(("allocated", "available", "pct", "level", "text"), [
    (8, 8, "100 %", Level.ON_TARGET, "on target"),
    (6, 8, "75 %", Level.UNDER, "under by 1 d"),
    (11, 8, "138 %", Level.OVER, "over-allocated by 1.5 d"),
    (5, 8, "63 %", Level.UNDER, "under by 1.5 d"),  # 62.5 rounds half up, not to even
    (1, 3, "33 %", Level.UNDER, "under by 1 d"),
    (2, 3, "67 %", Level.UNDER, "under by 0.5 d"),
    (0, 10, "0 %", Level.UNDER, "under by 5 d"),
    (0, 0, "—", Level.NONE, "not available"),
    (1, 0, "—", Level.OVER, "over-allocated by 0.5 d"),
])
def test_developer_utilisation_and_words(allocated: int, available: int, pct: str, level: Level, text: str) -> None:
    total = DeveloperTotal("ana", allocated, available, 0)
    assert total.utilisation_text == pct
    assert (total.standing.level, total.standing.text) == (level, text)


@pytest.mark.parametrize(("planned", "commitment", "level", "text"), [
    (6, 3, Level.ON_TARGET, "on target"),
    (4, 3, Level.UNDER, "under commitment by 1 d"),
    (7, 3, Level.OVER, "over commitment by 0.5 d"),
    (3, 1.5, Level.ON_TARGET, "on target"),
    (2, 1.1, Level.UNDER, "under commitment by 0.1 d"),
    (0, 2, Level.UNDER, "under commitment by 2 d"),
    (3, None, Level.NONE, "no commitment"),
])
def test_customer_commitment_words(planned: int, commitment: float | None, level: Level, text: str) -> None:
    standing = CustomerTotal("Acme Ltd", planned, commitment).standing
    assert (standing.level, standing.text) == (level, text)


@pytest.mark.parametrize(("planned", "estimate", "level", "text"), [
    (0, 4, Level.UNDER, "not planned"),
    (1, 4, Level.UNDER, "0.5 d of 2 d planned"),
    (4, 4, Level.ON_TARGET, "on target"),
    (5, 4, Level.OVER, "over estimate by 0.5 d"),
    (2, None, Level.NONE, "1 d planned, no estimate"),
    (0, None, Level.NONE, "not planned, no estimate"),  # as the estimated ones say it, not "0 d planned"
])
def test_item_estimate_words(planned: int, estimate: int | None, level: Level, text: str) -> None:
    standing = ItemTotal(ACME, planned, estimate).standing
    assert (standing.level, standing.text) == (level, text)


def test_holidays_reduce_capacity_before_utilisation() -> None:
    # Runn's rule: allocated ÷ (capacity − holidays). 4 d planned in a week with Thursday off is 100 %.
    p = Plan.new(W48, ("ana", "ben"), holidays=[THU])
    for day in (MON, TUE, WED, FRI):
        p = p.assign("ana", day, ACME).plan.assign("ana", day, ACME).plan
    ana = plan_totals(p).developers[0]
    assert (ana.allocated, ana.available, ana.utilisation) == (8, 8, Fraction(1))
    assert ana.utilisation_text == "100 %" and ana.standing.text == "on target"


def test_totals_add_up_both_ways() -> None:
    p = plan().set_available("ben", 4)
    for dev, day, item in [("ana", MON, ACME), ("ana", MON, ACME), ("ana", TUE, ACME2), ("ben", MON, BLUE),
                           ("ben", TUE, BLUE), ("ben", WED, ACME), ("chloe", FRI, ACME2)]:
        p = p.assign(dev, day, item).plan
    p = p.mark_triage("chloe", MON).plan.mark_triage("chloe", MON).plan.mark_triage("dev", TUE).plan
    t = plan_totals(p, CUSTOMERS, pool=[ACME, ACME2, BLUE, WorkItem("c-x", "Foxglove Media", "Later", 2)])
    assert [(d.developer, d.allocated, d.available, d.triage) for d in t.developers] == [
        ("ana", 3, 10, 0), ("ben", 3, 4, 0), ("chloe", 3, 10, 2), ("dev", 1, 10, 1)]
    assert [(c.customer, c.planned, c.standing.text) for c in t.customers] == [
        ("Acme Ltd", 5, "under commitment by 0.5 d"),
        ("Bluebird Travel", 2, "under commitment by 0.5 d"),
        ("Copperleaf Foods", 0, "no commitment"),
    ]
    assert t.triage == 3
    assert t.allocated == t.planned == 10
    assert t.available == 34
    assert [(i.item.card_id, i.planned) for i in t.items] == [
        ("c-acme-1", 3), ("c-acme-2", 2), ("c-blue-1", 2), ("c-x", 0)]


def test_customers_missing_from_config_still_count() -> None:
    stray = WorkItem("c-z", "Zeta Corp", "Unconfigured", None)
    p = plan().assign("ana", MON, stray).plan.assign("ana", TUE, ACME).plan
    t = plan_totals(p, CUSTOMERS[:1])
    assert [(c.customer, c.planned, c.commitment_days) for c in t.customers] == [
        ("Acme Ltd", 1, 3), ("Zeta Corp", 1, None)]
    assert t.allocated == t.planned == 2


POOL = (ACME, ACME2, BLUE, WorkItem("c-z", "Zeta Corp", "Unconfigured", 1))
ops = st.lists(st.tuples(st.sampled_from(("assign", "triage", "clear", "available")), st.sampled_from(DEVS),
                         st.integers(0, 4), st.sampled_from(POOL), st.integers(-2, 12)), max_size=40)


def apply(ops_: list[tuple[str, str, int, WorkItem, int]], holidays: list[int]) -> Plan:
    p = Plan.new(W48, DEVS, holidays=[W48.days()[i] for i in holidays])
    for op, dev, day_index, item, n in ops_:
        day = W48.days()[day_index]
        if op == "assign":
            p = p.assign(dev, day, item).plan
        elif op == "triage":
            p = p.mark_triage(dev, day).plan
        elif op == "clear":
            p = p.clear(dev, day, n % 3 if n % 3 < 2 else None)
        else:
            p = p.set_available(dev, n)
    return p


@settings(max_examples=150, deadline=None)
@given(ops, st.lists(st.integers(0, 4), max_size=2))
def test_per_customer_totals_equal_per_developer_totals(ops_: list[tuple[str, str, int, WorkItem, int]],
                                                        holidays: list[int]) -> None:
    p = apply(ops_, holidays)
    t = plan_totals(p, CUSTOMERS)
    cells = sum(len(slots) for slots in p.cells.values())
    assert sum(d.allocated for d in t.developers) == cells
    assert sum(c.planned for c in t.customers) + t.triage == cells
    assert t.allocated == t.planned
    assert sum(i.planned for i in t.items) + t.triage == cells
    assert all(0 <= d.available <= p.working_half_days for d in t.developers)


# -------------------------------------------------------------------------------------- start_from
def test_start_from_copies_what_is_still_in_the_pool() -> None:
    last = (Plan.new(W48, DEVS).set_available("ben", 6).set_available("chloe", 0)
            .assign("ana", MON, ACME).plan.assign("ana", MON, BLUE).plan
            .assign("ben", WED, ACME2).plan.set_estimate(ACME.card_id, 6).set_estimate(BLUE.card_id, 3))
    renamed = WorkItem(ACME.card_id, "Acme Ltd", "Fix login (part 2)", 4)
    w49 = W48.next()
    p = start_from(last, w49, [renamed, ACME2])  # BLUE is done: it left the pool
    mon49, _, wed49, _, _ = w49.days()
    assert p.week == w49 and p.developers == DEVS
    assert dict(p.available) == {"ana": 10, "ben": 6, "chloe": 0, "dev": 10}
    assert dict(p.cells) == {("ana", mon49): (ACME.card_id,), ("ben", wed49): (ACME2.card_id,)}
    assert p.items[ACME.card_id].title == "Fix login (part 2)"
    assert dict(p.estimates) == {ACME.card_id: 6}
    assert p.triage_pair is None


def test_start_from_respects_the_new_weeks_holidays() -> None:
    last = Plan.new(W48, DEVS).set_available("ben", 9).assign("ana", THU, ACME).plan.mark_triage("ben", THU).plan
    w52 = IsoWeek(2026, 52)  # Mon 21 .. Fri 25 Dec
    christmas = date(2026, 12, 25)
    p = start_from(last, w52, [ACME], holidays=[christmas, date(2026, 12, 24)])
    assert p.holidays == frozenset({christmas, date(2026, 12, 24)})
    assert p.available["ana"] == 6  # gave the whole week, still does
    assert p.available["ben"] == 6  # gave 4.5 d: clamped to the 3 working days
    assert p.cells == {}  # Thursday's work does not land on Christmas Eve


def test_start_from_moves_the_triage_pattern_with_the_role() -> None:
    last = (Plan.new(W48, DEVS).with_triage_pair(("ana", "chloe"))
            .mark_triage("ana", MON).plan.mark_triage("ana", MON).plan
            .mark_triage("chloe", TUE).plan.assign("ben", TUE, ACME).plan.mark_triage("ben", TUE).plan)
    w49 = W48.next()
    mon49, tue49, *_ = w49.days()
    moved = start_from(last, w49, [ACME], triage_pair=("ben", "dev"))
    assert moved.triage_pair == ("ben", "dev")
    assert moved.cell("ben", mon49) == (TRIAGE, TRIAGE)
    assert moved.cell("dev", tue49) == (TRIAGE,)
    assert moved.cell("ana", mon49) == () and moved.cell("chloe", tue49) == ()
    # ben keeps his own Tuesday triage and work: triage goes first, work fills what is left
    assert moved.cell("ben", tue49) == (TRIAGE, ACME.card_id)
    kept = start_from(last, w49, [ACME])  # no new pair: the pattern stays with the same people
    assert kept.cell("ana", mon49) == (TRIAGE, TRIAGE) and kept.cell("chloe", tue49) == (TRIAGE,)
    swapped = start_from(last, w49, [], triage_pair=("chloe", "ana"))
    assert swapped.cell("chloe", mon49) == (TRIAGE, TRIAGE) and swapped.cell("ana", tue49) == (TRIAGE,)


def test_start_from_with_a_changed_team() -> None:
    last = Plan.new(W48, DEVS).set_available("ben", 4).assign("dev", MON, ACME).plan
    p = start_from(last, W48.next(), [ACME], developers=["ben", "eve"])
    assert p.developers == ("ben", "eve") and dict(p.available) == {"ben": 4, "eve": 10}
    assert p.cells == {}


# ----------------------------------------------------------------------------------- serialization
def full_plan() -> Plan:
    p = (Plan.new(W48, DEVS, holidays=[THU]).set_available("ben", 5).with_triage_pair(("ana", "chloe"))
         .set_estimate(ACME2.card_id, 3))
    p = p.mark_triage("ana", MON).plan.mark_triage("ana", MON).plan.assign("ana", TUE, ACME).plan
    return p.assign("ben", TUE, ACME).plan.assign("ben", TUE, BLUE).plan.assign("chloe", FRI, ACME2).plan


def test_serialization_round_trips_through_json() -> None:
    p = full_plan()
    data = plan_to_dict(p)
    text = json.dumps(data)
    assert plan_from_dict(json.loads(text)) == p
    assert data["version"] == PLAN_FORMAT_VERSION == 1
    assert data["week"] == "2026-W48" and data["holidays"] == ["2026-11-26"]
    assert data["cells"][0] == {"developer": "ana", "date": "2026-11-23",
                                "slots": [{"kind": "triage"}, {"kind": "triage"}]}
    assert data["triage_pair"] == ["ana", "chloe"]
    assert json.dumps(plan_to_dict(plan_from_dict(json.loads(text)))) == text  # stable output


@settings(max_examples=100, deadline=None)
@given(ops, st.lists(st.integers(0, 4), max_size=2))
def test_any_plan_round_trips(ops_: list[tuple[str, str, int, WorkItem, int]], holidays: list[int]) -> None:
    p = apply(ops_, holidays)
    assert plan_from_dict(json.loads(json.dumps(plan_to_dict(p)))) == p


def test_a_newer_format_is_refused_in_words() -> None:
    data = plan_to_dict(full_plan()) | {"version": 2}
    with pytest.raises(PlanFormatError, match="version 2 is newer"):
        plan_from_dict(data)


@pytest.mark.parametrize("damage", [
    lambda d: d.pop("version"),
    lambda d: d.update(version="1"),
    lambda d: d.update(week="week 48"),
    lambda d: d.pop("cells"),
    lambda d: d["cells"][0].update(date="Monday"),
    lambda d: d["cells"][0]["slots"].append({"kind": "card", "card_id": "missing"}),
    lambda d: d["cells"][0]["slots"].__setitem__(0, {"kind": "card"}),
    lambda d: d["available"].update(ana="8"),
    lambda d: d["items"][0].update(title=None),
    lambda d: d.update(triage_pair=["ana"]),
    lambda d: d.update(developers="ana"),
    lambda d: d.update(developers=["ana", 7]),
    lambda d: d["cells"].append(d["cells"][0]),
    lambda d: d["cells"][0]["slots"].__setitem__(0, {"kind": "holiday"}),
    lambda d: d["items"][0].update(source_card_id=5),
    lambda d: d.update(holidays="2026-11-26"),
])
def test_damaged_plans_raise_plan_format_error(damage: Callable[[dict[str, Any]], object]) -> None:
    data = json.loads(json.dumps(plan_to_dict(full_plan())))
    damage(data)
    with pytest.raises(PlanFormatError):
        plan_from_dict(data)
