"""Plan exports: golden Markdown, CSV and confirmation text, and the card view publishing uses.

Golden files live in tests/planning/golden/. After an intended change of format, regenerate them with
``SUPPORTDESK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/planning/test_plan_export.py`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import pytest

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.plan_export import (
    CSV_COLUMNS,
    Share,
    confirmation_text,
    describe_when,
    export_csv,
    export_markdown,
    planned_cards,
)
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem, plan_totals

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("SUPPORTDESK_UPDATE_GOLDEN") == "1"  # read at import: conftest clears SUPPORTDESK_*
W52 = IsoWeek(2026, 52)  # Mon 21 .. Fri 25 Dec: Christmas Day is a public holiday
MON, TUE, WED, THU, FRI = W52.days()
CHRISTMAS = date(2026, 12, 25)
DEVS = ("ana", "ben", "chloe", "dev")
CUSTOMERS = (
    Customer("Acme Ltd", "5f1a2b3c0000000000000a01", ("acme.example",), 3),
    Customer("Bluebird Travel", "5f1a2b3c0000000000000a02", ("bluebird.example",), 2),
    Customer("Copperleaf Foods", "5f1a2b3c0000000000000a03", ("copperleaf.example",), 2),
    Customer("Driftwood Clinics", "5f1a2b3c0000000000000a04", ("driftwood.example",), 1.5),
)
LOGIN = WorkItem("e01", "Acme Ltd", "Single sign-on | login loop", 4, "a01", "https://trello.com/c/e01")
EXPORT = WorkItem("e02", "Acme Ltd", "=SUM(A1) shows in *order* export", 2, "a02", "https://trello.com/c/e02")
REFUND = WorkItem("e03", "Bluebird Travel", "Refund\nemails bounce", 2, "b01", "https://trello.com/c/e03")
CLINIC = WorkItem("e04", "Driftwood Clinics", "Reminder SMS at 3am", None, None, "")
UNPLANNED = WorkItem("e05", "Copperleaf Foods", "Price list import", 6, "c01", "https://trello.com/c/e05")
POOL = (LOGIN, EXPORT, REFUND, CLINIC, UNPLANNED)


def christmas_plan() -> Plan:
    p = Plan.new(W52, DEVS, holidays=[CHRISTMAS]).with_triage_pair(("ben", "dev"))
    p = p.set_available("chloe", 4).set_available("dev", 5)
    steps = [("ben", MON, None), ("ben", MON, None), ("dev", TUE, None), ("dev", TUE, None),
             ("ana", MON, LOGIN), ("ana", MON, LOGIN), ("ana", TUE, LOGIN), ("ana", TUE, LOGIN),
             ("ana", WED, EXPORT), ("ana", WED, REFUND),
             ("ben", TUE, REFUND), ("ben", THU, EXPORT),
             ("chloe", MON, CLINIC), ("chloe", WED, CLINIC), ("chloe", WED, CLINIC),
             ("dev", WED, LOGIN), ("dev", WED, EXPORT), ("dev", THU, REFUND), ("dev", THU, REFUND)]
    for dev, day, item in steps:
        p = (p.mark_triage(dev, day) if item is None else p.assign(dev, day, item)).plan
    return p


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_markdown_golden() -> None:
    check_golden("plan.md", export_markdown(christmas_plan(), POOL, CUSTOMERS))


def test_csv_golden() -> None:
    check_golden("plan.csv", export_csv(christmas_plan(), POOL))


def test_confirmation_golden() -> None:
    check_golden("confirmation.txt", confirmation_text(christmas_plan(), POOL, CUSTOMERS[0]))


def test_output_does_not_depend_on_the_order_things_were_planned() -> None:
    p = christmas_plan()
    rebuilt = Plan(week=p.week, developers=p.developers, holidays=p.holidays, available=dict(p.available),
                   cells=dict(reversed(list(p.cells.items()))), items=dict(p.items), triage_pair=p.triage_pair)
    assert export_markdown(rebuilt, reversed(POOL), CUSTOMERS) == export_markdown(p, POOL, CUSTOMERS)
    assert export_csv(rebuilt, POOL) == export_csv(p, POOL)


def test_markdown_tables_keep_their_shape_whatever_the_titles() -> None:
    text = export_markdown(christmas_plan(), POOL, CUSTOMERS)
    for table in text.split("\n\n"):
        rows = [r for r in table.splitlines() if r.startswith("|")]
        widths = {r.replace("\\|", "").count("|") for r in rows}
        assert len(widths) <= 1, table
    assert "Refund emails bounce" in text and "\\*order\\*" in text and "sign-on \\| login" in text


def test_markdown_says_over_and_under_in_words() -> None:
    p = christmas_plan().assign("chloe", THU, CLINIC).plan.assign("chloe", TUE, CLINIC).plan
    text = export_markdown(p, POOL, CUSTOMERS)
    assert "| chloe |" in text and "over-allocated by 0.5 d" in text
    assert "| Copperleaf Foods | 0 d | 2 d | under commitment by 2 d |" in text


def test_csv_counts_half_days_like_the_totals() -> None:
    p = christmas_plan()
    rows = list(csv.DictReader(io.StringIO(export_csv(p, POOL))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 10 * len(DEVS)
    totals = plan_totals(p, CUSTOMERS)
    for c in totals.customers:
        assert sum(1 for r in rows if r["kind"] == "work" and r["customer"] == c.customer) == c.planned
    assert sum(1 for r in rows if r["kind"] == "triage") == totals.triage
    assert {r["kind"] for r in rows if r["date"] == CHRISTMAS.isoformat()} == {"holiday"}
    assert {r["title"] for r in rows if r["card_id"] == "e02"} == {"'=SUM(A1) shows in *order* export"}


def test_planned_cards_give_publishing_its_due_dates() -> None:
    cards = planned_cards(christmas_plan(), POOL)
    assert [c.item.card_id for c in cards] == ["e01", "e04", "e03", "e02"]
    login = cards[0]
    assert login.developers == ("ana", "dev")
    assert (login.first_day, login.last_day, login.half_days) == (MON, WED, 5)
    assert login.shares == (Share("ana", MON, 2), Share("ana", TUE, 2), Share("dev", WED, 1))
    assert [c.item.card_id for c in planned_cards(christmas_plan(), customer="Acme Ltd")] == ["e01", "e02"]


def test_fresh_titles_from_the_pool_win() -> None:
    renamed = WorkItem("e01", "Acme Ltd", "SSO login loop (Okta)", 4)
    text = confirmation_text(christmas_plan(), [renamed], "Acme Ltd")
    assert "- SSO login loop (Okta) — ana, Mon–Tue; dev, Wed (half day)" in text


@pytest.mark.parametrize(("shares", "text"), [
    ([Share("ana", MON, 2)], "ana, Mon"),
    ([Share("ana", MON, 2), Share("ana", TUE, 2), Share("ana", WED, 2)], "ana, Mon–Wed"),
    ([Share("ana", WED, 2), Share("ana", MON, 2)], "ana, Mon, Wed"),
    ([Share("ana", MON, 1)], "ana, Mon (half day)"),
    ([Share("ana", MON, 2), Share("ana", TUE, 2), Share("ana", WED, 1), Share("ana", THU, 2), Share("ana", FRI, 2)],
     "ana, Mon–Tue, Wed (half day), Thu–Fri"),
    ([Share("ana", MON, 2), Share("ben", MON, 1), Share("ben", TUE, 2)], "ana, Mon; ben, Mon (half day), Tue"),
])
def test_describe_when(shares: list[Share], text: str) -> None:
    from supportdesk_tui.domain.plan_export import PlannedCard

    assert describe_when(PlannedCard(LOGIN, tuple(shares))) == text


def test_a_customer_with_nothing_planned_is_told_so() -> None:
    text = confirmation_text(christmas_plan(), POOL, CUSTOMERS[2], signature="Ana at the consultancy")
    assert "This week (2026-W52) we have no work planned for Copperleaf Foods." in text
    assert text.endswith("Best regards,\nAna at the consultancy\n")


def test_an_empty_week_exports_cleanly() -> None:
    p = Plan.new(W52, DEVS)
    text = export_markdown(p)
    assert "Triage: not chosen yet" in text and "No customer work is planned this week." in text
    assert "## Work items" not in text
    assert export_csv(p).count("\n") == 1 + 10 * len(DEVS)
