"""The close-out's pure rules: when a card entered a list, which cards move, the handover's text and
how it is found again, and the SLA figures over the days since a call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.call import (
    Handover,
    ListEntry,
    cards_to_close,
    entered_at,
    is_handover,
    list_entries,
    render_handover,
    sla_since,
)
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.domain.sla import SlaPolicy, StateEvent, TicketHistory, sla_cycles

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


def action(kind: str, card: str, at: str, **data: object) -> dict[str, object]:
    return {"id": f"a{card}{at}", "type": kind, "date": at, "data": {"card": {"id": card}, **data}}


def test_list_entries_read_creates_copies_and_moves_and_skip_the_rest() -> None:
    actions = [
        action("updateCard", "c1", "2026-11-24T09:00:00.000Z", listBefore={"id": "L1"}, listAfter={"id": "RC"}),
        action("createCard", "c2", "2026-11-10T09:00:00.000Z", list={"id": "RC"}),
        action("copyCard", "c3", "2026-11-12T09:00:00.000Z", list={"id": "RC"}),
        action("updateCard", "c4", "2026-11-24T09:00:00.000Z", list={"id": "RC"}),  # a rename: no list change
        action("commentCard", "c5", "2026-11-24T09:00:00.000Z", list={"id": "RC"}),
        {"id": "x", "type": "createCard", "date": "not a date", "data": {"card": {"id": "c6"}, "list": {"id": "RC"}}},
        {"id": "y", "type": "createCard"},
    ]
    entries = list_entries(actions)
    assert [(e.card_id, e.list_id) for e in entries] == [("c1", "RC"), ("c2", "RC"), ("c3", "RC")]
    assert entries[0].at == datetime(2026, 11, 24, 9, tzinfo=UTC)


def test_cards_that_entered_before_the_week_move_and_this_weeks_stay() -> None:
    def card(card_id: str, list_id: str = "RC", closed: bool = False) -> Card:
        return Card(card_id, card_id, list_id, "b", 1.0, closed=closed)

    entries = [ListEntry("old", "RC", MONDAY - timedelta(days=3)),
               ListEntry("back", "RC", MONDAY - timedelta(days=9)), ListEntry("back", "UP", MONDAY - timedelta(days=5)),
               ListEntry("back", "RC", MONDAY + timedelta(hours=2)),  # finished again this week: the latest counts
               ListEntry("new", "RC", MONDAY + timedelta(days=1))]
    cards = [card("old"), card("back"), card("new"), card("ancient"), card("gone", closed=True), card("up", "UP")]
    moved = cards_to_close(cards, entries, "RC", MONDAY)
    assert [(c.id, at) for c, at in moved] == [("old", MONDAY - timedelta(days=3)), ("ancient", None)]
    assert entered_at(entries, "back", "RC") == MONDAY + timedelta(hours=2)


def test_the_handover_is_found_again_by_its_first_line_and_only_for_its_week() -> None:
    week = IsoWeek(2026, 49)
    text = render_handover(Handover(week, ("ana", "chloe"), at_risk=("#4 Login fails (breached, a@x.example)",),
                                    pending=("move “A” to Done",), impediments_known=False))
    assert text.startswith("**Triage handover for 2026-W49** (ana and chloe)\n")
    assert "- #4 Login fails (breached, a@x.example)" in text and "- none" in text
    assert "not tracked (no board has a “Blocked” label)" in text
    assert is_handover(text, week) and is_handover("  triage handover for 2026-W49\nrewrapped", week)
    assert not is_handover(text, week.next()) and not is_handover("", week)


def test_sla_since_counts_each_event_in_the_window() -> None:
    policy = SlaPolicy(target_hours=48, warn_hours=(12.0,), timezone="UTC")
    start, now = MONDAY, MONDAY + timedelta(days=4)

    def clocks(created: datetime, *events: tuple[float, str]) -> tuple:
        history = TicketHistory(created_at=created, events=tuple(StateEvent(created + timedelta(hours=h), s)
                                                                  for h, s in events))
        return sla_cycles(history, policy)

    everything = [
        *clocks(MONDAY + timedelta(hours=1), (5, "closed")),  # received and resolved in time
        *clocks(MONDAY - timedelta(days=5)),  # received before, breached before the window: nothing
        *clocks(MONDAY - timedelta(hours=24)),  # received before, breaches inside the window
        *clocks(MONDAY + timedelta(days=3)),  # received, still running (due after now)
    ]
    figures = sla_since(everything, start, now)
    assert (figures.received, figures.in_time, figures.breached, figures.backlogged) == (2, 1, 1, 0)


def test_every_weeks_done_list_counts_as_done_in_the_epics_sync() -> None:
    from supportdesk_tui.domain.boards import Board, BoardList
    from supportdesk_tui.domain.cadence import matches_week_pattern
    from supportdesk_tui.domain.epics import IssueKind, SourceBoard, SyncLists, reconcile

    assert matches_week_pattern("Done {week}", " done 2026-w47") and not matches_week_pattern("Done {week}", "Done")
    assert matches_week_pattern("Done w/c {monday:%d %b}", "Done w/c 30 Nov")

    def card(card_id: str, list_id: str, board: str, link: str = "", source: str = "") -> Card:
        desc = f"Source: https://trello.com/c/{source}" if source else ""
        return Card(card_id, card_id, list_id, board, 1.0, short_url=f"https://trello.com/c/{link}" if link else "",
                    desc=desc)

    lists = SyncLists(done="Done 2026-W48", epics_done="Done 2026-W48", done_pattern="Done {week}")
    source = Board("b", "Acme", "", (BoardList("RC", "Recently Completed", 1), BoardList("D47", "Done 2026-W47", 2)),
                   (card("s1", "D47", "b", "link1"), card("s2", "RC", "b", "link2")))
    epics = Board("e", "Support Epics", "", (BoardList("UP", "Up next", 1), BoardList("E47", "Done 2026-W47", 2)),
                  (card("c1", "E47", "e", source="link1"), card("c2", "UP", "e", source="link2"),
                   card("c3", "E47", "e", source="gone")))
    status = reconcile([SourceBoard("Acme", source)], epics, lists)
    assert [(i.kind, i.link) for i in status.issues] == [(IssueKind.TO_DONE, "link2")]  # not c1, not the "orphan" c3
