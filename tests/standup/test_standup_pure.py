"""The stand-up's new pure parts: impediment comments, board activity (cache, merge, join), triage since."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from supportdesk_tui.clients.trello.activity import card_events
from supportdesk_tui.domain.actions import PAYLOADS, Commented, ImpedimentClear, ImpedimentFlag, Labelled
from supportdesk_tui.domain.boards import Card, Label
from supportdesk_tui.domain.impediments import (
    clean_reason,
    cleared_last,
    comment_since_clear,
    impediment_comment,
    is_blocked,
    open_reason,
    reason_of,
)
from supportdesk_tui.domain.journal import ActionKind
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.domain.sla_clock import SlaClock, SlaStatus
from supportdesk_tui.domain.standup import CardEvent, EventKind, triage_since
from supportdesk_tui.domain.standup_activity import BoardActivity, CardState, join_activity

T0 = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_the_comment_reads_back_as_its_reason() -> None:
    text = impediment_comment("  Waiting for\nthe VAT format ", "ana", date(2026, 11, 25))
    assert text == "Impediment: Waiting for the VAT format (ana, 2026-11-25)"
    assert reason_of(text) == "Waiting for the VAT format"
    assert reason_of("Impediment: typed by hand") == "typed by hand"
    assert len(clean_reason("x" * 500)) == 200


@pytest.mark.parametrize(("comments", "reason"), [
    ([], None),
    (["Impediment: a (ana, 2026-11-25)", "hello"], "a"),
    (["Impediment cleared", "Impediment: a (ana, 2026-11-25)"], None),
    (["chat", "Impediment: b (ben, 2026-11-26)", "Impediment cleared"], "b"),
])
def test_the_newest_impediment_comment_decides(comments: list[str], reason: str | None) -> None:
    assert open_reason(comments) == reason


def test_a_retry_finds_its_comment_only_since_the_last_clear() -> None:
    wanted = "Impediment: a (ana, 2026-11-25)"
    assert comment_since_clear(["chat", wanted], wanted)
    assert not comment_since_clear(["Impediment cleared", wanted], wanted)  # flagged again after a clear
    assert cleared_last(["chat", "Impediment cleared", wanted]) and not cleared_last([wanted, "Impediment cleared"])


def test_blocked_is_a_label_by_name() -> None:
    card = Card("c", "n", "l", "b", 1.0, labels=(Label("x", " blocked ", "red"),))
    assert is_blocked(card) and not is_blocked(Card("c", "n", "l", "b", 1.0))


def test_actions_become_events_and_odd_ones_are_skipped() -> None:
    actions: list[dict[str, Any]] = [
        {"id": "2", "type": "commentCard", "date": "2026-11-24T10:00:00.000Z", "idMemberCreator": "m1",
         "data": {"card": {"id": "c1"}, "text": "hi"}},
        {"id": "1", "type": "updateCard", "date": "2026-11-24T09:00:00.000Z", "memberCreator": {"username": "ben"},
         "data": {"card": {"id": "c1"}, "listAfter": {"name": "Done"}}},
        {"id": "0", "type": "updateCard", "date": "not a date", "data": {"card": {"id": "c1"}}},
        {"id": "9", "type": "commentCard", "data": "odd"},
    ]
    events = card_events(actions, {"m1": "ana"})
    assert [(e.kind, e.by, e.to_list, e.text) for e in events] == [(EventKind.MOVED, "ben", "Done", ""),
                                                                   (EventKind.COMMENTED, "ana", "", "hi")]


def test_activity_merges_newer_events_and_survives_its_cache() -> None:
    activity = BoardActivity("b", T0, T0, "a1", {"c1": CardState("Up next", "L1")})
    moved = CardEvent("c1", EventKind.MOVED, T0 + timedelta(hours=1), "ben", to_list="Recently Completed")
    flagged = CardEvent("c1", EventKind.COMMENTED, T0 + timedelta(hours=2), "ana",
                        text="Impediment: logs (ana, 2026-11-24)")
    merged = activity.merged([flagged, moved, moved], "a3", T0)
    assert merged.cards["c1"] == CardState("Recently Completed", "L1", True, "logs")
    assert len(merged.events) == 2 and merged.newest_action == "a3"
    assert BoardActivity.from_json(merged.to_json()) == merged
    assert BoardActivity.from_json({"cards": 3}) is None
    cleared = merged.merged([CardEvent("c1", EventKind.COMMENTED, T0 + timedelta(hours=3), text="Impediment cleared")],
                            None, T0)
    assert not cleared.cards["c1"].blocked and cleared.newest_action == "a3"


def test_join_puts_both_boards_onto_the_planned_copy() -> None:
    copy = WorkItem("copy1", "Acme Ltd", "VAT", 2, source_card_id="L1")  # a shortLink: its board did not load then
    plan = Plan.new(IsoWeek(2026, 48), ("ana",)).assign("ana", date(2026, 11, 24), copy).plan
    customer = BoardActivity("acme", T0, T0, None, {"src1": CardState("Done", "L1")},
                             (CardEvent("src1", EventKind.MOVED, T0, "ben", to_list="Done"),))
    epics = BoardActivity("epics", T0, T0, None, {"copy1": CardState("Up next", "E1", True, "")},
                          (CardEvent("copy1", EventKind.COMMENTED, T0, "ana", text="note"),))
    joined = join_activity(plan, [customer, epics])
    assert {e.card_id for e in joined.events} == {"copy1"}
    assert joined.current_lists == {"copy1": "Done"}  # the customer's board decides where the work is
    assert joined.impediments == {"copy1": "reason on the card"}


def test_triage_since_counts_only_the_window() -> None:
    now = T0 + timedelta(days=1)
    clocks = [
        SlaClock(now + timedelta(hours=30), started_at=T0 + timedelta(hours=1)),  # received
        SlaClock(T0, started_at=T0 - timedelta(days=3)),  # breached at T0: counted (not before the stand-up)
        SlaClock(now + timedelta(hours=2), warn_at=(now - timedelta(hours=1),), started_at=T0 - timedelta(days=1)),
        SlaClock(None, final=SlaStatus.MET, started_at=T0 - timedelta(days=2), resolved_at=T0 + timedelta(hours=3),
                 resolution="backlog"),
        SlaClock(None, final=SlaStatus.MET, started_at=T0 - timedelta(days=2), resolved_at=T0 - timedelta(hours=3),
                 resolution="closed"),  # fixed before the last stand-up: not counted
        SlaClock(now, started_at=T0 + timedelta(hours=2), reopened=True),  # a reopen is not "received"
    ]
    t = triage_since(clocks, T0, now, pending_actions=2)
    assert (t.received, t.backlogged, t.fixed, t.breached, t.at_risk_now, t.pending_actions) == (1, 1, 0, 2, 1, 2)


def test_impediment_payloads_and_step_results_round_trip_as_json() -> None:
    at = datetime(2026, 11, 25, 10, tzinfo=UTC)
    flag = ImpedimentFlag("c1", "b1", "L1", "VAT", "Impediment: x (ana, 2026-11-25)", at)
    assert "copy_id" not in flag.to_json() and ImpedimentFlag.from_json(flag.to_json()) == flag
    clear = ImpedimentClear("c1", "b1", "L1", "VAT", at, copy_id="e1")
    assert ImpedimentClear.from_json(clear.to_json()) == clear
    assert PAYLOADS[ActionKind.IMPEDIMENT] is ImpedimentFlag
    assert PAYLOADS[ActionKind.IMPEDIMENT_CLEAR] is ImpedimentClear
    records = (Labelled("c1", "l1", True), Labelled(None, None), Commented("c1", "a1"), Commented(None, None, True))
    for record in records:
        assert type(record).from_json(record.to_json()) == record


def test_an_impediment_comment_is_not_progress() -> None:
    item = WorkItem("c1", "Acme Ltd", "VAT", 2)
    plan = Plan.new(IsoWeek(2026, 48), ("ana",)).assign("ana", date(2026, 11, 24), item).plan
    board = BoardActivity("acme", T0, T0, None, {"c1": CardState("Up next", "L1", True, "logs")},
                          (CardEvent("c1", EventKind.COMMENTED, T0, "ana", text="Impediment: logs (ana, 2026-11-24)"),))
    joined = join_activity(plan, [board])
    assert joined.events == () and joined.impediments == {"c1": "logs"}
