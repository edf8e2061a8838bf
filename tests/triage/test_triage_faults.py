"""Backlog under faults at every step, against both fakes over loopback.

The promise under test: whatever breaks (a 500, an answer lost after the fake did the work, a
timeout, the app stopping between or inside steps, a service being down), once things recover there
is exactly one card, exactly one note and the state was set once; and queued actions replay in order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from supportdesk_tui.config import Settings
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.journal import ATTEMPT
from supportdesk_tui.store import Store
from tests.support import FAST_RETRIES
from tests.triage.fixtures import ACME, BLUEBIRD, Processed, TrelloEnv, add_ticket, notes_with, ticket_url


class Crash(Exception):
    """The process "dies": raised out of the store, so nothing after it runs (the journal does not catch it)."""


class CrashingStore(Store):
    """A store whose journal stops the app at one step: before writing its result, or just after."""

    def __init__(self, path: Path, step: str, when: str) -> None:
        super().__init__(path)
        self.crash_step, self.when = step, when

    def journal_step(self, entry_id: int, step: str, result: Any, now: datetime) -> None:
        self._maybe_crash(step, "before")
        super().journal_step(entry_id, step, result, now)
        self._maybe_crash(step, "after")

    def journal_attempt(self, entry_id: int, step: str, tries: int, now: datetime) -> None:
        """Attempt counts have their own column; a crash point names them "<step>@attempt"."""
        self._maybe_crash(f"{step}{ATTEMPT}", "before")
        super().journal_attempt(entry_id, step, tries, now)
        self._maybe_crash(f"{step}{ATTEMPT}", "after")

    def _maybe_crash(self, step: str, when: str) -> None:
        if step == self.crash_step and self.when == when:
            self.crash_step = ""
            raise Crash(step)


def assert_backlogged_once(n: int, board: str, groove: Any, groove_processed: Processed, trello: TrelloEnv) -> None:
    cards = trello.cards_for(board, ticket_url(n))
    assert len(cards) == 1, cards
    assert trello.processed.count("POST", r"/cards$") == 1
    assert len(notes_with(groove, n, cards[0]["shortUrl"])) == 1
    assert groove_processed.count("POST", rf"/tickets/{n}/messages$") == 1
    assert groove_processed.count("PUT", rf"/tickets/{n}/state$") == 1
    assert groove.fake.tickets_snapshot()[n].state == "closed"


async def backlog(s: Services, n: int, customer: str = "Acme Ltd") -> Any:
    ticket = await (await s.groove()).get_ticket(n)
    return await s.triage.backlog(ticket, customer, f"Ticket {n}")


@pytest.mark.parametrize(("method", "path", "action"), [
    ("POST", r"^/1/cards$", "status"),          # 500 on card create
    ("POST", r"/tickets/\d+/messages$", "status"),  # 500 on the note
    ("POST", r"^/1/cards$", "drop_after"),      # the card was made, the answer lost
    ("POST", r"/tickets/\d+/messages$", "drop_after"),  # the note was posted, the answer lost
    ("PUT", r"/tickets/\d+/state$", "status"),  # 500 on the state (idempotent: the client retries)
    ("GET", r"^/1/boards/", "status"),          # 500 on the marker search
])
async def test_a_fault_at_each_step_still_ends_with_one_of_each(
        make_services: Callable[..., Services], groove: Any, trello: TrelloEnv, groove_processed: Processed,
        method: str, path: str, action: str) -> None:
    s = make_services()
    try:
        n = add_ticket(groove, 5, "Invoice blank")
        server = trello.server if path.startswith("^/1/") else groove.server
        server.fail_next(method, path, action)
        result = await backlog(s, n)
        if result.status == "pending":  # a read that kept failing: the queue finishes it
            await s.journal.resume()
        else:
            assert result.ok, result.message
        assert_backlogged_once(n, ACME.board_id, groove, groove_processed, trello)
    finally:
        await s.aclose()


async def test_a_timeout_after_the_card_was_made(triage_settings: Callable[..., Settings], clock: Any,
                                                 groove: Any, trello: TrelloEnv, groove_processed: Processed) -> None:
    from supportdesk_tui.demo import demo_credentials
    from tests.triage.fixtures import trello_options

    settings = triage_settings()
    s = Services(settings, demo_credentials(), clock, Store.in_dir(settings.data_dir),
                 groove_options={**FAST_RETRIES, "timeout": httpx.Timeout(2.0)},
                 trello_options={**trello_options(), "timeout": 0.3})
    try:
        n = add_ticket(groove, 5, "Slow Trello")
        trello.server.fail_next("POST", r"^/1/cards$", "delay_after", delay_s=0.8)
        result = await backlog(s, n)
        assert result.ok, result.message
        assert_backlogged_once(n, ACME.board_id, groove, groove_processed, trello)
    finally:
        await s.aclose()


CRASH_POINTS = [(step, when) for step in ("check", "card", "note", "state", "record") for when in ("before", "after")]
CRASH_POINTS += [(f"{step}{ATTEMPT}", "after") for step in ("card", "note", "state")]


@pytest.mark.parametrize(("step", "when"), CRASH_POINTS)
async def test_the_app_stopping_at_any_point_then_restarting(
        make_services: Callable[..., Services], triage_settings: Callable[..., Settings], groove: Any,
        trello: TrelloEnv, groove_processed: Processed, step: str, when: str) -> None:
    settings = triage_settings()
    first = make_services(settings, CrashingStore(settings.data_dir / "supportdesk.sqlite3", step, when))
    n = add_ticket(groove, 5, "Crash me")
    try:
        with pytest.raises(Crash):
            await backlog(first, n)
    finally:
        await first.aclose()  # the process is gone: only the SQLite file survives
    second = make_services(settings)
    try:
        outcomes = await second.journal.resume()
        assert [o.status for o in outcomes] == ["done"]
        assert_backlogged_once(n, ACME.board_id, groove, groove_processed, trello)
        assert second.store.outcomes()[n][0] == "backlog"
    finally:
        await second.aclose()


async def test_offline_actions_queue_and_replay_in_order(make_services: Callable[..., Services], groove: Any,
                                                         trello: TrelloEnv, groove_processed: Processed) -> None:
    s = make_services()
    try:
        first, second = add_ticket(groove, 5, "First"), add_ticket(groove, 4, "Second", email="tom@bluebird.example")
        tickets = [await (await s.groove()).get_ticket(n) for n in (first, second)]
        groove.server.faults.down = True
        queued = [await s.triage.backlog(tickets[0], "Acme Ltd", "First"),
                  await s.triage.note(tickets[1], "Waiting on Tom"),
                  await s.triage.backlog(tickets[1], "Bluebird Travel", "Second")]
        assert [r.status for r in queued] == ["pending"] * 3
        assert s.journal.pending_count == 3
        lines = await s.journal.pending_descriptions()  # what the help screen can list
        assert [line.split(" (asked")[0] for line in lines] == [
            f"backlog #{first} to Acme Ltd", f"note on #{second}", f"backlog #{second} to Bluebird Travel"]
        assert "Groove" in lines[0]  # the last error says why it waits
        assert s.triage.row_mark(second, tickets[1].created_at) == "note queued"
        assert trello.processed.count("POST", r"/cards") == 0
        groove.server.faults.down = False
        groove_processed.clear()
        outcomes = await s.journal.resume()
        assert [(o.kind, o.status, o.ticket) for o in outcomes] == [
            ("backlog", "done", first), ("note", "done", second), ("backlog", "done", second)]
        posts = [p for m, p in groove_processed.log if m == "POST"]
        assert posts == [f"/v1/tickets/{first}/messages", f"/v1/tickets/{second}/messages",
                         f"/v1/tickets/{second}/messages"]
        assert s.journal.pending_count == 0 and s.triage.row_mark(second, tickets[1].created_at) == ""
        assert len(trello.cards_for(ACME.board_id, ticket_url(first))) == 1
        assert len(trello.cards_for(BLUEBIRD.board_id, ticket_url(second))) == 1
    finally:
        await s.aclose()


async def test_trello_down_queues_the_backlog_until_it_is_back(make_services: Callable[..., Services], groove: Any,
                                                               trello: TrelloEnv, groove_processed: Processed) -> None:
    s = make_services()
    try:
        n = add_ticket(groove, 5, "Trello outage")
        trello.server.faults.down = True
        assert (await backlog(s, n)).status == "pending"
        assert groove.fake.tickets_snapshot()[n].state == "unread"  # nothing changed on Groove either
        trello.server.faults.down = False
        assert [o.status for o in await s.journal.resume()] == ["done"]
        assert_backlogged_once(n, ACME.board_id, groove, groove_processed, trello)
    finally:
        await s.aclose()


async def test_a_refused_note_fails_clearly_and_undo_archives_the_card(
        make_services: Callable[..., Services], groove: Any, trello: TrelloEnv) -> None:
    s = make_services()
    try:
        n = add_ticket(groove, 5, "Refused note", state="opened")
        groove.server.fail_next("POST", r"/messages$", "status", status=422)
        result = await backlog(s, n)
        assert result.status == "failed" and "stopped at 'note'" in result.message
        (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
        undo = await s.triage.undo()
        assert undo.ok and "card archived" in undo.message and "reopened" not in undo.message
        assert trello.fake.card(card["id"])["closed"] is True
        assert groove.fake.tickets_snapshot()[n].state == "opened"
    finally:
        await s.aclose()


async def test_a_ticket_closed_while_the_backlog_waited_gets_no_card(make_services: Callable[..., Services],
                                                                     groove: Any, trello: TrelloEnv) -> None:
    s = make_services()
    try:
        n = add_ticket(groove, 5, "Closed while queued")
        trello.server.fail_next("POST", r"^/1/cards$", "drop", times=2)  # never reached Trello, twice
        assert (await backlog(s, n)).status == "pending"
        groove.fake.set_state(n, "closed", by="ben@consultancy.example")
        (outcome,) = await s.journal.resume()
        assert outcome.status == "failed" and "closed by someone else while this backlog waited" in outcome.message
        assert trello.cards_for(ACME.board_id, ticket_url(n)) == []
        assert len(groove.fake.messages_of(n)) == 1
    finally:
        await s.aclose()
