"""The Standup screen's rows, without Pilot: headings, cards to act on, blocked cards, warnings."""

from __future__ import annotations

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.domain.standup import TriageSince, build_standup
from supportdesk_tui.screens.standup.view import RowKind, rows

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()
VAT = WorkItem("c1", "Acme Ltd", "VAT number on invoices", 2)


def test_rows_say_each_part_and_mark_what_can_be_acted_on() -> None:
    plan = Plan.new(W48, ("ana", "ben")).with_triage_pair(("ana", "ben"))
    plan = plan.assign("ana", TUE, VAT).plan.assign("ana", WED, VAT).plan.mark_triage("ben", WED).plan
    standup = build_standup(plan, WED, impediments={"c1": "no test account"},
                            customers=(Customer("Acme Ltd", "b", (), 3),),
                            triage=TriageSince(received=4, pending_actions=1), unread=("Bluebird: not read",))
    shown = rows(standup)
    headings = [r.text for r in shown if r.kind is RowKind.HEADING]
    assert headings == ["ana", "ben", "Customers", "Triage since Tue 24 Nov", "Could not read"]
    cards = [r for r in shown if r.kind is RowKind.CARD]
    assert [(r.developer, r.when, r.item_id, r.blocked) for r in cards] == [("ana", "today", "c1", True),
                                                                           ("ana", "previous", "c1", True)]
    assert cards[0].text == "  Today: ⛔ BLOCKED Acme Ltd: VAT number on invoices (half day)"
    assert len({r.key for r in shown}) == len(shown)  # option ids never clash
    assert "  ⛔ Impediment: Acme Ltd: VAT number on invoices: no test account" in [r.text for r in shown]
    assert [r.text for r in shown if r.developer == "ben"] == ["  Today: triage (half day)"]
    warned = [r.text for r in shown if r.warn]
    assert "  Acme Ltd: at risk: 1 d planned for 3 d agreed" in warned and "  Bluebird: not read" in warned
    assert "  4 received, 0 backlogged, 0 fixed, 0 breached" in [r.text for r in shown]
    assert "  0 at risk now; 1 action still pending" in [r.text for r in shown]
