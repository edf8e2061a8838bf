"""The Up next -> Support Epics rules, table-driven over plain domain values (no I/O)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk_tui.domain.boards import Board, BoardList, Card
from supportdesk_tui.domain.epics import (
    EpicsStatus,
    IssueKind,
    Move,
    SourceBoard,
    SyncLists,
    choose_keeper,
    copy_desc,
    fill_template,
    linked_ticket,
    marker_of,
    reconcile,
    same_text,
    short_link,
    source_marker,
    transitions,
)
from supportdesk_tui.fakes.trello import seed as trello_seed

CUSTOMER_LISTS = {"new": "New Issues", "up": "Up next", "rc": "Recently Completed", "done": "Done"}
EPIC_LISTS = {"eup": "Up next", "eprog": "In progress", "edone": "Done"}


def card(cid: str, list_id: str, *, link: str | None = None, desc: str = "", board: str = "b1",
         closed: bool = False, pos: float = 1.0) -> Card:
    link = link or f"L{cid}"
    return Card(id=cid, name=f"card {cid}", list_id=list_id, board_id=board, pos=pos, desc=desc, closed=closed,
                short_url=f"https://trello.com/c/{link}", url=f"https://trello.com/c/{link}/1-card-{cid}")


def copy_of(cid: str, source_link: str, list_id: str = "eup", **kw: object) -> Card:
    return card(cid, list_id, board="epics", desc=f"Some text\n\n{source_marker(source_link)}", **kw)  # type: ignore[arg-type]


def board(board_id: str, lists: dict[str, str], cards: list[Card]) -> Board:
    return Board(board_id, board_id, "", tuple(BoardList(i, n, p) for p, (i, n) in enumerate(lists.items())),
                 tuple(cards))


def status(sources: list[Card], copies: list[Card], *, complete: bool = True) -> EpicsStatus:
    return reconcile([SourceBoard("Acme", board("b1", CUSTOMER_LISTS, sources))],
                     board("epics", EPIC_LISTS, copies), SyncLists(), complete=complete)


def kinds(result: EpicsStatus) -> list[tuple[str, str, str | None]]:
    return [(i.kind.value, i.link, i.copy.id if i.copy else None) for i in result.issues]


CASES = [
    # name, customer cards, epics cards, expected (kind, link, copy id), in_sync
    ("one copy in Up next is in sync", [card("s1", "up")], [copy_of("c1", "Ls1")], [], 1),
    ("no copy: missing", [card("s1", "up")], [], [("missing", "Ls1", None)], 0),
    ("a copy in another epics list still counts", [card("s1", "up")], [copy_of("c1", "Ls1", "eprog")], [], 1),
    ("a copy left in epics Done while the source is back in Up next", [card("s1", "up")],
     [copy_of("c1", "Ls1", "edone")], [("missing", "Ls1", "c1")], 0),
    ("source in Recently Completed: its copy goes to Done", [card("s1", "rc")], [copy_of("c1", "Ls1")],
     [("to_done", "Ls1", "c1")], 0),
    ("source in Done: its copy goes to Done", [card("s1", "done")], [copy_of("c1", "Ls1", "eprog")],
     [("to_done", "Ls1", "c1")], 0),
    ("finished source, copy already in Done", [card("s1", "done")], [copy_of("c1", "Ls1", "edone")], [], 0),
    ("finished source never copied needs nothing", [card("s1", "rc")], [], [], 0),
    ("New Issues cards need no copy", [card("s1", "new")], [], [], 0),
    ("a copy whose source went back to New Issues is listed to archive", [card("s1", "new")],
     [copy_of("c1", "Ls1")], [("left_up_next", "Ls1", "c1")], 0),
    ("all its live copies go, one issue, no duplicate", [card("s1", "new")],
     [copy_of("c3", "Ls1"), copy_of("c2", "Ls1", "eprog")], [("left_up_next", "Ls1", "c2")], 0),
    ("a copy in Done whose source went back to New Issues is history", [card("s1", "new")],
     [copy_of("c1", "Ls1", "edone")], [], 0),
    ("two copies: the lowest id is kept", [card("s1", "up")], [copy_of("c9", "Ls1"), copy_of("c2", "Ls1")],
     [("duplicate", "Ls1", "c2")], 0),
    ("duplicates of a finished source keep the one already in Done", [card("s1", "rc")],
     [copy_of("c1", "Ls1"), copy_of("c2", "Ls1", "edone")], [("duplicate", "Ls1", "c2")], 0),
    ("a copy of a card on no board is an orphan", [], [copy_of("c1", "Lgone")], [("orphan", "Lgone", "c1")], 0),
    ("an archived source leaves an orphan", [card("s1", "up", closed=True)], [copy_of("c1", "Ls1")],
     [("orphan", "Ls1", "c1")], 0),
    ("orphans in epics Done are the normal weekly clean-up", [], [copy_of("c1", "Lgone", "edone")], [], 0),
    ("archived copies do not count", [card("s1", "up")], [copy_of("c1", "Ls1", closed=True)],
     [("missing", "Ls1", None)], 0),
    ("epics cards without a marker are not copies", [card("s1", "up")], [copy_of("c1", "Ls1"),
                                                                          card("x", "eup", board="epics")], [], 1),
]


@pytest.mark.parametrize(("name", "sources", "copies", "expected", "in_sync"), CASES, ids=[c[0] for c in CASES])
def test_reconcile(name: str, sources: list[Card], copies: list[Card], expected: list[tuple[str, str, str | None]],
                   in_sync: int) -> None:
    result = status(sources, copies)
    assert kinds(result) == expected
    assert result.in_sync == in_sync
    assert result.clean == (not expected)


def test_duplicate_lists_extras_and_describes_the_source() -> None:
    result = status([card("s1", "up")], [copy_of("c3", "Ls1"), copy_of("c1", "Ls1"), copy_of("c2", "Ls1")])
    (dup,) = result.duplicates
    assert dup.copy is not None and dup.copy.id == "c1"
    assert [c.id for c in dup.extras] == ["c2", "c3"]
    assert dup.customer == "Acme" and dup.describe() == "3 copies of Acme: card s1"


def test_orphans_are_not_reported_when_a_board_is_missing() -> None:
    result = status([], [copy_of("c1", "Lgone")], complete=False)
    assert result.orphans == () and not result.complete
    assert "orphans unknown" in result.summary()


def test_list_names_match_case_and_space_insensitively() -> None:
    lists = {"n": "new issues", "u": " UP NEXT ", "r": "recently completed", "d": "done"}
    result = reconcile([SourceBoard("Acme", board("b1", lists, [card("s1", "u")]))], board("epics", EPIC_LISTS, []))
    assert kinds(result) == [("missing", "Ls1", None)]


def test_several_customers_sorted_by_customer_then_position() -> None:
    acme = SourceBoard("Acme", board("b1", CUSTOMER_LISTS, [card("a2", "up", pos=2), card("a1", "up", pos=1)]))
    blue = SourceBoard("Bluebird", board("b2", CUSTOMER_LISTS, [card("b1", "up", board="b2")]))
    result = reconcile([blue, acme], board("epics", EPIC_LISTS, []))
    assert [(i.customer, i.link) for i in result.missing] == [("Acme", "La1"), ("Acme", "La2"), ("Bluebird", "Lb1")]
    assert all(i.kind is IssueKind.MISSING for i in result.missing)


TRANSITIONS = [
    ("moved into Up next", [card("s1", "new")], [card("s1", "up")], [(Move.ENTERED_UP_NEXT, "s1")]),
    ("created in Up next", [], [card("s1", "up")], [(Move.ENTERED_UP_NEXT, "s1")]),
    ("Up next to Recently Completed", [card("s1", "up")], [card("s1", "rc")], [(Move.FINISHED, "s1")]),
    ("Up next to Done", [card("s1", "up")], [card("s1", "done")], [(Move.FINISHED, "s1")]),
    ("back to New Issues", [card("s1", "up")], [card("s1", "new")], []),
    ("New Issues straight to Done", [card("s1", "new")], [card("s1", "done")], []),
    ("still in Up next", [card("s1", "up")], [card("s1", "up", pos=5)], []),
    ("archived in Up next", [card("s1", "up")], [card("s1", "up", closed=True)], []),
]


@pytest.mark.parametrize(("name", "before", "after", "expected"), TRANSITIONS, ids=[t[0] for t in TRANSITIONS])
def test_transitions(name: str, before: list[Card], after: list[Card], expected: list[tuple[Move, str]]) -> None:
    found = transitions(board("b1", CUSTOMER_LISTS, before), board("b1", CUSTOMER_LISTS, after))
    assert [(t.move, t.card.id) for t in found] == expected
    assert all(t.link == f"L{t.card.id}" for t in found)


@given(st.permutations(["c5", "c1", "c3", "c4"]), st.sampled_from([None, True, False]))
def test_every_instance_picks_the_same_keeper_whatever_the_order(ids: list[str], want_done: bool | None) -> None:
    copies = [copy_of(i, "Ls1", "edone" if i in ("c4", "c5") else "eup") for i in ids]
    keeper = choose_keeper(copies, "edone", want_done)
    assert keeper.id == {None: "c1", False: "c1", True: "c4"}[want_done]


LINKS = [
    ("Ticket: https://consultancy.groovehq.com/t/42", 42),
    ("see http://consultancy.groovehq.com/t/7 and https://consultancy.groovehq.com/t/8", 7),
    ("https://other.groovehq.com/t/42", None),
    ("https://consultancy.groovehq.com/t/", None),
    ("no link at all", None),
]


@pytest.mark.parametrize(("desc", "number"), LINKS)
def test_linked_ticket(desc: str, number: int | None) -> None:
    assert linked_ticket(desc, "consultancy") == number


def test_marker_matches_the_demo_seed_and_round_trips() -> None:
    assert source_marker("AbCd1234") == trello_seed.source_marker("AbCd1234")
    source = card("s1", "up", link="AbCd1234", desc="Body")
    assert short_link(source) == "AbCd1234"
    assert short_link(replace(source, short_url="")) == "AbCd1234"  # falls back to the long url
    made = replace(source, desc=copy_desc(source, "AbCd1234"))
    assert marker_of(made) == "AbCd1234" and made.desc.startswith("Body\n\n")
    assert marker_of(replace(made, desc=made.desc + "\nSource: https://trello.com/c/Zz999999")) == "Zz999999"
    # A line someone retyped still pairs (the epics sync and the planning pool read it the same way).
    assert marker_of(replace(source, desc="Source:   http://trello.com/c/Re7yped1 (moved)")) == "Re7yped1"
    assert marker_of(replace(source, desc="Sources: see https://trello.com/c/Nope1234")) is None


def test_template_and_text_comparison() -> None:
    assert fill_template("Done: {card} {other}", "Export") == "Done: Export {other}"
    assert same_text("Hello,\n\nIt is  done.", "Hello, It is done.")
    assert not same_text("Hello", "Hello!")
