"""TriageService against both fakes over loopback: every action's effects, conflicts, bad input and undo."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.services.config_write import ConfigWriteError, add_email_domain
from supportdesk_tui.services.container import Services
from tests.triage.fixtures import ACME, BLUEBIRD, TrelloEnv, add_ticket, notes_with, ticket_url


@pytest.fixture
async def services(make_services: Callable[..., Services]) -> AsyncIterator[Services]:
    s = make_services()
    await s.triage.load()
    yield s
    await s.aclose()


async def fetch(s: Services, number: int) -> Ticket:
    return await (await s.groove()).get_ticket(number)


async def test_backlog_makes_one_card_one_note_and_closes(services: Services, groove: Any, trello: TrelloEnv,
                                                          groove_processed: Any) -> None:
    n = add_ticket(groove, 5, "Invoice PDF is blank")
    result = await services.triage.backlog(await fetch(services, n), "Acme Ltd", "Invoice PDF is blank")
    assert result.status == "done", result.message
    (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
    assert card["name"] == "Invoice PDF is blank"
    assert card["idList"] == trello.fake.list_id(ACME.board_id, "New Issues")
    desc = card["desc"]
    assert f"Groove ticket: {ticket_url(n)}" in desc.splitlines()
    assert "Customer: Acme Ltd (wile@acme.example)" in desc and "About Invoice PDF is blank" in desc
    assert "Received: Wed 25 Nov 2026 05:00" in desc
    assert len(notes_with(groove, n, card["shortUrl"])) == 1
    assert groove.fake.tickets_snapshot()[n].state == "closed"
    assert groove_processed.count("PUT", rf"/tickets/{n}/state$") == 1
    assert services.store.outcomes()[n][0] == "backlog"
    assert card["shortUrl"] in result.message and "Acme Ltd › New Issues" in result.message


async def test_backlog_round_trips_and_list_cache(services: Services, groove: Any, trello: TrelloEnv,
                                                  groove_processed: Any) -> None:
    first, second = add_ticket(groove, 5, "One"), add_ticket(groove, 4, "Two")
    await services.triage.backlog(await fetch(services, first), "Acme Ltd", "One")
    trello.processed.clear()
    groove_processed.clear()
    assert (await services.triage.backlog(await fetch(services, second), "Acme Ltd", "Two")).ok
    # one board read (marker search), one create; the lists came from the cache this time
    assert trello.processed.count("GET", r"/boards/") == 1
    assert trello.processed.count("POST", r"/cards$") == 1
    assert groove_processed.count("GET", rf"/tickets/{second}/messages") == 0  # no look on a first attempt
    assert groove_processed.count("POST", rf"/tickets/{second}/messages") == 1
    assert groove_processed.count("PUT", rf"/tickets/{second}/state") == 1


async def test_existing_card_for_the_ticket_is_linked_not_duplicated(services: Services, groove: Any,
                                                                     trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Export fails")
    trello.fake.add_card(ACME.board_id, "Up next", "Export fails", desc=f"Ticket: {ticket_url(n)}")
    trello.fake.add_card(ACME.board_id, "Up next", "Other", desc=f"Ticket: {ticket_url(n)}0")  # ticket n*10
    result = await services.triage.backlog(await fetch(services, n), "Acme Ltd", "Export fails")
    assert result.ok and "already had a card" in result.message
    assert len(trello.cards_for(ACME.board_id, ticket_url(n))) == 1
    assert groove.fake.tickets_snapshot()[n].state == "closed"


async def test_backlog_state_is_configurable(make_services: Callable[..., Services], triage_settings: Any,
                                             groove: Any, trello: TrelloEnv) -> None:
    s = make_services(triage_settings(triage={"backlog_state": "pending"}))
    try:
        n = add_ticket(groove, 5, "Slow dashboard")
        assert (await s.triage.backlog(await fetch(s, n), "Acme Ltd", "Slow dashboard")).ok
        assert groove.fake.tickets_snapshot()[n].state == "pending"
    finally:
        await s.aclose()


async def test_closed_meanwhile_is_a_clear_conflict_and_nothing_is_written(services: Services, groove: Any,
                                                                           trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Login loop")
    seen = await fetch(services, n)
    groove.fake.set_state(n, "closed", by="ben@consultancy.example")
    result = await services.triage.backlog(seen, "Acme Ltd", "Login loop")
    assert result.status == "failed"
    assert f"#{n} is already closed" in result.message and "nothing was done" in result.message
    assert trello.processed.count("POST", r"/cards") == 0
    assert len(groove.fake.messages_of(n)) == 1


async def test_assigned_to_someone_else_meanwhile_is_refused(services: Services, groove: Any,
                                                             trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Checkout grey")
    seen = await fetch(services, n)
    groove.fake._tickets[n].assignee = "ben@consultancy.example"
    result = await services.triage.fix_now(seen)
    assert result.status == "failed" and "assigned to ben@consultancy.example meanwhile" in result.message
    assert groove.fake.tickets_snapshot()[n].assignee == "ben@consultancy.example"


async def test_customer_without_board_is_explained_with_the_config_key(make_services: Callable[..., Services],
                                                                       triage_settings: Any, groove: Any) -> None:
    s = make_services(triage_settings(customers=[{"name": "Nobody Inc", "trello_board": "",
                                                  "email_domains": ["nobody.example"]}]))
    try:
        n = add_ticket(groove, 5, "Hi", email="x@nobody.example")
        result = await s.triage.backlog(await fetch(s, n), "Nobody Inc", "Hi")
        assert result.status == "refused"
        assert "trello_board" in result.message and "[[customers]]" in result.message
        assert s.store.journal_entries() == []
    finally:
        await s.aclose()


async def test_unknown_board_on_trello_names_the_config_entry(make_services: Callable[..., Services],
                                                              triage_settings: Any, groove: Any) -> None:
    s = make_services(triage_settings(customers=[{"name": "Ghost", "trello_board": "5f1a2b3c00000000000000ff",
                                                  "email_domains": ["ghost.example"]}]))
    try:
        n = add_ticket(groove, 5, "Hi", email="x@ghost.example")
        result = await s.triage.backlog(await fetch(s, n), "Ghost", "Hi")
        assert result.status == "failed" and "trello_board" in result.message and "Ghost" in result.message
        assert groove.fake.tickets_snapshot()[n].state == "unread"
    finally:
        await s.aclose()


async def test_empty_title_is_refused(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "")
    result = await services.triage.backlog(await fetch(services, n), "Acme Ltd", "   ")
    assert result.status == "refused" and "title" in result.message
    assert services.store.journal_entries() == []


async def test_fix_now_assigns_and_starts_the_timebox(services: Services, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Search ignores accents")
    result = await services.triage.fix_now(await fetch(services, n))
    assert result.ok, result.message
    assert groove.fake.tickets_snapshot()[n].assignee == "ana@consultancy.example"
    assert services.triage.row_mark(n, clock.now()) == "fixing 2:00"
    clock.advance(timedelta(minutes=28))
    assert services.triage.row_mark(n, clock.now()) == "fixing 1:32"
    assert services.triage.expired_timeboxes(clock.now()) == []
    clock.advance(timedelta(hours=1, minutes=32))
    assert services.triage.expired_timeboxes(clock.now()) == [n]
    assert services.triage.expired_timeboxes(clock.now()) == []  # nudged once
    assert "timebox over" in services.triage.row_mark(n, clock.now())


async def test_urgent_sets_priority_notes_reason_and_marks(services: Services, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Payments down")
    result = await services.triage.urgent(await fetch(services, n), "  all card payments\nfail ")
    assert result.ok, result.message
    assert groove.fake.tickets_snapshot()[n].priority == "high"
    assert len(notes_with(groove, n, "Urgent (business impact): all card payments fail")) == 1
    assert services.triage.row_mark(n, clock.now()) == "urgent"
    assert (await services.triage.urgent(await fetch(services, n), "")).status == "refused"


async def test_close_with_reply_sends_it_once_and_records_fixed(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "Typo on invoice")
    result = await services.triage.close(await fetch(services, n), "Hello Wile,\n\nFixed now.")
    assert result.ok and "reply sent to wile@acme.example" in result.message
    replies = [m for m in groove.fake.messages_of(n) if not m.note and m.author_kind == "agent"]
    assert len(replies) == 1 and replies[0].emailed_to_customer and "Fixed now." in replies[0].plain_text
    assert groove.fake.tickets_snapshot()[n].state == "closed"
    assert services.store.outcomes()[n][0] == "fixed"


async def test_close_without_reply_and_note(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "Question answered on the phone")
    assert (await services.triage.note(await fetch(services, n), "Called Wile, all good.")).ok
    assert (await services.triage.close(await fetch(services, n), "  ")).ok
    messages = groove.fake.messages_of(n)
    assert [m.note for m in messages] == [False, True]
    assert groove.fake.tickets_snapshot()[n].state == "closed"
    assert (await services.triage.note(await fetch(services, n), " ")).status == "refused"


async def test_undo_backlog_archives_reopens_and_says_what_stays(services: Services, groove: Any,
                                                                 trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Broken export", state="opened")
    await services.triage.backlog(await fetch(services, n), "Acme Ltd", "Broken export")
    result = await services.triage.undo()
    assert result.ok, result.message
    assert "card archived" in result.message and "reopened (opened)" in result.message
    assert "private note with the card link stays" in result.message
    (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
    assert card["closed"] is True
    assert groove.fake.tickets_snapshot()[n].state == "opened"
    assert n not in services.store.outcomes()
    again = await services.triage.undo()
    assert again.status == "refused" and "undo" in again.message
    # backlog again: the archived card comes back instead of a second one, and no second note
    assert (await services.triage.backlog(await fetch(services, n), "Acme Ltd", "Broken export")).ok
    cards = trello.cards_for(ACME.board_id, ticket_url(n))
    assert len(cards) == 1 and cards[0]["closed"] is False
    assert len(notes_with(groove, n, cards[0]["shortUrl"])) == 1


async def test_undo_refused_when_the_customer_wrote_since(services: Services, groove: Any, trello: TrelloEnv,
                                                          clock: Any) -> None:
    n = add_ticket(groove, 5, "Refund please", state="opened")
    await services.triage.fix_now(await fetch(services, n))
    clock.advance(timedelta(minutes=3))
    groove.fake.add_customer_reply(n, "Any news?")
    result = await services.triage.undo()
    assert result.status == "failed"
    assert "a new message from wile@acme.example arrived" in result.message and "Nothing was undone" in result.message
    assert groove.fake.tickets_snapshot()[n].assignee == "ana@consultancy.example"


async def test_undo_close_says_the_reply_cannot_be_taken_back(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "Password reset", state="pending")
    await services.triage.close(await fetch(services, n), "Done, please try again.")
    result = await services.triage.undo()
    assert result.ok and "reopened (pending)" in result.message
    assert "reply already sent to the customer cannot be taken back" in result.message
    assert groove.fake.tickets_snapshot()[n].state == "pending"


async def test_undo_fix_now_unassigns_and_stops_the_timebox(services: Services, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Layout broken")
    await services.triage.fix_now(await fetch(services, n))
    result = await services.triage.undo()
    assert result.ok and "unassigned" in result.message
    assert groove.fake.tickets_snapshot()[n].assignee is None
    assert services.triage.row_mark(n, clock.now()) == ""


async def test_undo_urgent_restores_priority(services: Services, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Outage", priority="low")
    await services.triage.urgent(await fetch(services, n), "orders stopped")
    result = await services.triage.undo()
    assert result.ok and "priority back to low" in result.message and "reason stays" in result.message
    assert groove.fake.tickets_snapshot()[n].priority == "low"
    assert services.triage.row_mark(n, clock.now()) == ""


async def test_undo_a_note_explains_it_cannot(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "Question")
    await services.triage.note(await fetch(services, n), "Asked Ben.")
    result = await services.triage.undo()
    assert result.status == "refused" and "can't be taken back" in result.message
    assert (await services.triage.undo()).status == "refused"


async def test_undo_with_nothing_done_yet(services: Services) -> None:
    result = await services.triage.undo()
    assert result.status == "refused" and "Nothing to undo" in result.message


async def test_undo_cancels_a_queued_action_that_wrote_nothing(services: Services, groove: Any,
                                                               trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Offline backlog")
    ticket = await fetch(services, n)
    groove.server.faults.down = True
    queued = await services.triage.backlog(ticket, "Bluebird Travel", "Offline backlog")
    assert queued.status == "pending" and "Queued" in queued.message
    assert services.triage.row_mark(n, ticket.created_at) == "backlog queued"
    result = await services.triage.undo()
    assert result.ok and "Cancelled the queued backlog" in result.message
    groove.server.faults.down = False
    assert await services.journal.resume() == []
    assert trello.cards_for(BLUEBIRD.board_id, ticket_url(n)) == []
    assert services.journal.pending_count == 0


async def test_remember_domain_updates_config_and_suggestions(services: Services, groove: Any,
                                                              tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[customers]]\nname = "Acme Ltd"\ntrello_board = "b1"\nemail_domains = ["acme.example"]\n')
    message = await services.triage.remember_domain("Acme Ltd", "acme-mail.example")
    assert "Remembered acme-mail.example" in message
    assert tomllib.loads(config.read_text())["customers"][0]["email_domains"] == ["acme.example", "acme-mail.example"]
    n = add_ticket(groove, 1, "Hi", email="joe@acme-mail.example")
    suggested = services.triage.suggest_customer(await fetch(services, n))
    assert suggested is not None and suggested.name == "Acme Ltd"
    failed = await services.triage.remember_domain("Nobody", "x.example")
    assert failed.startswith("Could not remember x.example for Nobody")


def test_config_write_is_atomic_keeps_comments_and_refuses_clearly(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    original = '# mine\n[[customers]]\nname = "Acme Ltd"\ntrello_board = "b1"\nemail_domains = ["acme.example"]\n'
    config.write_text(original)
    config.chmod(0o640)
    assert add_email_domain(config, "Acme Ltd", "@Acme-Mail.example") is True
    assert tomllib.loads(config.read_text())["customers"][0]["email_domains"] == ["acme.example", "acme-mail.example"]
    assert config.read_text() == original.replace('["acme.example"]', '["acme.example", "acme-mail.example"]')
    assert not (tmp_path / "config.toml.bak").exists()  # the comment is kept, so no copy is needed
    assert config.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".config.toml")] == []  # no temp file left
    assert add_email_domain(config, "Acme Ltd", "acme-mail.example") is False
    with pytest.raises(ConfigWriteError, match="no \\[\\[customers\\]\\] entry named"):
        add_email_domain(config, "Nobody", "x.example")
    with pytest.raises(ConfigWriteError, match="not an email domain"):
        add_email_domain(config, "Acme Ltd", "not a domain")
    with pytest.raises(ConfigWriteError, match="no config file"):
        add_email_domain(tmp_path / "missing.toml", "Acme Ltd", "x.example")


async def test_undo_pressed_while_the_backlog_runs_waits_for_it_then_undoes(services: Services, groove: Any,
                                                                            trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Quick undo", state="opened")
    ticket = await fetch(services, n)
    groove.server.faults.latency_ms = 100  # the backlog takes a few hundred ms
    running = asyncio.ensure_future(services.triage.backlog(ticket, "Acme Ltd", "Quick undo"))
    for _ in range(200):  # until the entry is written (the journal counts it before its first request)
        if services.journal.pending_count:
            break
        await asyncio.sleep(0.005)
    undo = await services.triage.undo()
    assert (await running).ok
    assert undo.ok, undo.message
    (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
    assert card["closed"] is True and groove.fake.tickets_snapshot()[n].state == "opened"


async def test_a_stale_cached_list_id_is_refetched_once(services: Services, groove: Any, trello: TrelloEnv) -> None:
    services.triage.marks.remember_lists(ACME.board_id, {"New Issues": "5f1a2b3c00000000000000aa"})  # gone
    n = add_ticket(groove, 5, "List was recreated")
    result = await services.triage.backlog(await fetch(services, n), "Acme Ltd", "List was recreated")
    assert result.ok, result.message
    (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
    assert card["idList"] == trello.fake.list_id(ACME.board_id, "New Issues")
    assert services.triage.marks.list_id(ACME.board_id, "New Issues") == card["idList"]


async def test_a_board_without_the_new_list_names_the_setting(make_services: Callable[..., Services],
                                                              triage_settings: Any, groove: Any) -> None:
    s = make_services(triage_settings(trello={"lists": {"new": "Inbox"}}))
    try:
        n = add_ticket(groove, 5, "Where does it go")
        result = await s.triage.backlog(await fetch(s, n), "Acme Ltd", "Where does it go")
        assert result.status == "failed" and "no open list named \"Inbox\"" in result.message
        assert "lists.new" in result.message
    finally:
        await s.aclose()
