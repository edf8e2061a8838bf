"""Discovery over loopback on the fakes: boards, epics board, domains from backlog markers, team."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest

from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.clients.trello.facade import TrelloClient
from supportdesk_tui.demo import FakeEnvironment, start_fakes
from supportdesk_tui.domain.account import BoardOutline, ticket_links
from supportdesk_tui.domain.boards import Board, BoardList
from supportdesk_tui.domain.mail_domains import email_domain
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_DEVELOPERS,
    DEMO_GROOVE_TOKEN,
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
    SUPPORT_EPICS_BOARD_ID,
)
from supportdesk_tui.services.setup.discover import Discovery, discover
from supportdesk_tui.services.setup.proposal import build_proposal
from tests.setup.world import world
from tests.support import fast_trello_options


@pytest.fixture
def demo(clock: Any) -> Iterator[FakeEnvironment]:
    env = start_fakes(clock=clock, tickets=100)
    try:
        yield env
    finally:
        env.stop()


async def run(groove_url: str, trello_url: str, **options: Any) -> tuple[Discovery, int]:
    """Discovery, and how many Groove tickets it read."""
    async with httpx.AsyncClient() as http:
        groove = GrooveClient(http, groove_url, DEMO_GROOVE_TOKEN, retry_attempts=1)
        async with TrelloClient(trello_url, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN, **fast_trello_options()) as trello:
            found = await discover(groove, trello, **options)
    return found, found.tickets_read


async def test_finds_every_customer_board_and_the_epics_board_of_the_demo(demo: FakeEnvironment) -> None:
    found, _ = await run(demo.groove_url, demo.trello_url)
    assert {(c.name, c.board.id) for c in found.customers} == {(c.name, c.board_id) for c in DEMO_CUSTOMERS}
    assert found.epics is not None and found.epics.id == SUPPORT_EPICS_BOARD_ID
    assert found.incomplete == () and found.subdomain == "consultancy"
    assert sorted(m.username for m in found.epics_members) == sorted(DEMO_DEVELOPERS)
    assert {a.email for a in found.agents} >= {"ana@consultancy.example", "dev@consultancy.example"}
    # Every domain guessed is that customer's own, and each customer with backlogged cards got it.
    truth = {c.name: c.domain for c in DEMO_CUSTOMERS}
    for guess in found.customers:
        assert [d.domain for d in guess.domains] == ([truth[guess.name]] if guess.marked_cards else [])
    assert sum(1 for g in found.customers if g.domains) >= 4


async def test_reads_a_bounded_number_of_tickets_and_only_reads(demo: FakeEnvironment) -> None:
    demo.groove_server.clear_log()
    demo.trello_server.clear_log()  # type: ignore[union-attr]
    demo.groove.latency_s = 0.02  # so that the reads overlap and the bound is what limits them
    demo.groove.reset_in_flight()
    _, read = await run(demo.groove_url, demo.trello_url, tickets_per_board=2, concurrency=3)
    groove_log = demo.groove_server.requests()
    trello_log = demo.trello_server.requests()  # type: ignore[union-attr]
    assert 0 < read <= 2 * len(DEMO_CUSTOMERS)
    assert all(r.method == "GET" for r in [*groove_log, *trello_log])
    assert len([r for r in groove_log if "/tickets/" in r.path]) == read
    # boards (1) + batches of ten boards (1) + the epics board's members (1)
    assert len(trello_log) == 3
    assert 1 < demo.groove.max_in_flight <= 3


async def test_domains_come_from_markers_and_public_domains_never_count(clock: Any) -> None:
    with world(clock) as w:
        board = w.board("Gamma Works - Support", ("new issues", "Up Next", "Recently completed", "Done"))
        for email in ("kim@gamma.example", "lee@gamma.example", "someone@gmail.com", "pat@outlook.com"):
            w.marked_card(board, "new issues", w.ticket(email))
        w.marked_card(board, "Done", w.ticket("ana@consultancy.example"))  # a colleague's own ticket
        other = w.board("Delta", ("New Issues", "Up next", "Recently Completed", "Done"))
        w.marked_card(other, "Up next", w.ticket("x@delta.example"), subdomain="someoneelse")  # not our account
        for _ in range(2):
            w.marked_card(other, "Up next", w.ticket("y@delta.example"))
        found, _ = await run(w.groove_url, w.trello_url, tickets_per_board=10)  # every linked ticket
    by_name = {g.name: g for g in found.customers}
    assert set(by_name) == {"Gamma Works", "Delta"}
    assert [(d.domain, d.tickets) for d in by_name["Gamma Works"].domains] == [("gamma.example", 2)]
    assert by_name["Gamma Works"].marked_cards == 5
    assert [d.domain for d in by_name["Delta"].domains] == ["delta.example"]
    assert set(found.public_domains) == {"gmail.com", "outlook.com"}
    assert found.subdomain == "acmesupport"
    assert found.lists == {"new": "new issues", "up_next": "Up Next", "completed": "Recently completed",
                           "done": "Done"}
    text = build_proposal(found, me_email=None, epics_asked=False).text
    assert "gmail.com" not in text and 'new = "new issues"' in text


async def test_a_board_missing_a_list_is_reported_not_guessed(clock: Any) -> None:
    with world(clock) as w:
        w.board("Acme")
        w.board("Halfway Ltd", ("New Issues", "Up next", "Recently Completed"))
        w.board("Lunch plans", ("Ideas", "Done"))  # one list alike: not a support board at all
        found, _ = await run(w.groove_url, w.trello_url)
    assert [g.name for g in found.customers] == ["Acme"]
    assert [(b.board.name, b.missing) for b in found.incomplete] == [("Halfway Ltd", ("Done",))]
    proposal = build_proposal(found, me_email=None, epics_asked=False)
    assert "Halfway" not in proposal.text
    assert any("Halfway Ltd" in note and "'Done'" in note for note in proposal.notes)


async def test_a_board_is_proposed_only_if_the_app_finds_its_lists_by_the_proposed_names(clock: Any) -> None:
    with world(clock) as w:
        w.board("Acme", (" new issues", "UP NEXT", "Recently Completed ", "Done"))
        w.board("Dashes Ltd", ("New-Issues", "Up_next", "Recently Completed", "Done"))
        found, _ = await run(w.groove_url, w.trello_url)
    assert [g.name for g in found.customers] == ["Acme"]
    assert [(b.board.name, b.missing) for b in found.incomplete] == [("Dashes Ltd", ("New Issues", "Up next"))]
    acme = found.customers[0].board
    board = Board(acme.id, acme.name, "", tuple(BoardList(f"l{i}", name, i) for i, name in enumerate(acme.lists)), ())
    assert all(board.list_named(name) is not None for name in found.lists.values())


async def test_several_epics_boards_are_asked_about(clock: Any) -> None:
    asked: list[Sequence[BoardOutline]] = []

    def choose(candidates: Sequence[BoardOutline]) -> BoardOutline | None:
        asked.append(candidates)
        return candidates[1]

    with world(clock) as w:
        w.board("Support Epics", ("Up next", "Done"), members=("ben",))
        second = w.board("Epics (support, 2025)", ("Up next", "Done"), members=("chloe", "dev"))
        found, _ = await run(w.groove_url, w.trello_url, choose_epics=choose)
        none, _ = await run(w.groove_url, w.trello_url, choose_epics=lambda _c: None)
    assert [len(c) for c in asked] == [2]
    assert found.epics is not None and found.epics.id == second
    assert sorted(m.username for m in found.epics_members) == ["ana", "chloe", "dev"]  # ana: the token's member
    assert none.epics is None and none.epics_members == ()
    left = build_proposal(none, me_email=None, epics_asked=True).left
    assert any(item.key == "trello.support_epics_board" and "none was picked" in item.why for item in left)


def test_rules_on_plain_values() -> None:
    from supportdesk_tui.domain.account import customer_name, list_key, looks_like_epics

    assert customer_name("Acme Ltd - Support") == "Acme Ltd"
    assert customer_name("Acme Ltd – support board") == "Acme Ltd"
    assert customer_name("Acme (Support)") == "Acme"
    assert customer_name("Support") == "Support"
    assert customer_name("Supportive Care") == "Supportive Care"
    assert list_key(" Up  next ") == list_key("UP NEXT") == "up next"  # as Board.list_named finds a list
    assert list_key("Up-next") != list_key("Up next") != list_key("UpNext")  # the app would not find these
    assert looks_like_epics("Support Epics") and looks_like_epics("epics - SUPPORT")
    assert looks_like_epics("Epics (support, 2025)") and looks_like_epics("Support: Epic")
    assert not looks_like_epics("Support") and not looks_like_epics("Epic Games - Support")
    links = ticket_links("see https://acme.groovehq.com/t/12 and https://acme.groovehq.com/t/12, "
                         "HTTPS://Other.GrooveHQ.com/t/7; https://acme.groovehq.com/tickets/9")
    assert [(lk.subdomain, lk.number) for lk in links] == [("acme", 12), ("other", 7)]
    assert email_domain("Kim@Gamma.Example") == "gamma.example" and email_domain("nobody") is None


async def test_a_domain_on_several_boards_goes_to_a_clear_majority_or_to_none(clock: Any) -> None:
    with world(clock) as w:
        first, second = w.board("First"), w.board("Second")
        for board, email in ((first, "a@mostly-first.example"), (first, "b@mostly-first.example"),
                             (second, "c@mostly-first.example"),  # filed on the wrong board
                             (first, "d@split.example"), (second, "e@split.example")):
            w.marked_card(board, "New Issues", w.ticket(email))
        found, _ = await run(w.groove_url, w.trello_url, tickets_per_board=10)
    domains = {g.name: [d.domain for d in g.domains] for g in found.customers}
    assert domains == {"First": ["mostly-first.example"], "Second": []}
    assert found.shared_domains == {"split.example": ("First", "Second")}
    notes = build_proposal(found, me_email=None, epics_asked=False).notes
    assert any(n.startswith("split.example sent tickets linked from several boards") for n in notes)
