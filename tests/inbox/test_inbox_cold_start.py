"""The cold start's partial first load: the top of a long cached queue, ranked from the clock summaries
the store keeps, must be exactly the top of the fully replayed queue, with the whole queue's counts; and
whenever the summaries might be stale (another policy, a changed history, a rewritten row) the app must
replay everything instead. Real SQLite files, the real service and, last, the app through Pilot."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.config import parse_settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.sla import queue_key
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.services.inbox import InboxData, InboxService
from supportdesk_tui.store import Store
from supportdesk_tui.widgets.ticket_table import TicketTable
from tests.support import NOW, settle

BUSINESS = {"clock": "business", "timezone": "Europe/London", "business_hours": ["09:00-12:30", "13:30-17:30"],
            "pause_states": ["pending"], "warn_hours": [12, 4]}
CALENDAR = {"clock": "calendar", "pause_states": ["pending"], "warn_hours": [12, 4]}


async def _offline() -> Any:
    raise AssertionError("a cold start must not touch the network")


def settings_for(data_dir: Path, sla: dict[str, Any]) -> Any:
    return parse_settings({"sla": sla}, config_path=data_dir / "config.toml", data_dir=data_dir,
                          groove_url="http://127.0.0.1:9/v1", trello_url="http://127.0.0.1:9/1")


def a_queue(count: int, seed: int, days: float = 5) -> list[Ticket]:
    """Tickets created over the last ``days``, some pending (paused), some with state changes."""
    rng = random.Random(seed)
    tickets = []
    for n in range(1, count + 1):
        created = NOW - timedelta(minutes=rng.randint(0, int(days * 24 * 60)))
        state = rng.choice(["unread", "opened", "opened", "pending"])
        changed = created + (NOW - created) * rng.random() if state != "unread" else None
        tickets.append(Ticket(number=1000 + n, title=f"Ticket {n}", state=state, created_at=created,
                              updated_at=changed or created, customer_email=f"c{n % 7}@acme.example",
                              state_changed_at=changed))
    return tickets


def remember(data_dir: Path, sla: dict[str, Any], tickets: list[Ticket], clock: FixedClock,
             backlogged: tuple[int, ...] = ()) -> None:
    """A session that synced ``tickets`` and replayed them (writing the summaries), then quit."""
    import asyncio

    store = Store.in_dir(data_dir)
    store.save_inbox(tickets, clock.now() - timedelta(hours=1))
    for number in backlogged:
        store.record_outcome(number, "backlog", clock.now() - timedelta(minutes=30))
    asyncio.run(InboxService(settings_for(data_dir, sla), store, clock, connect=_offline).load_cached())
    store.close()


def start(data_dir: Path, sla: dict[str, Any], clock: FixedClock, head_rows: int) -> InboxData:
    service = InboxService(settings_for(data_dir, sla), Store.in_dir(data_dir), clock, connect=_offline)
    service.preload(head_rows)
    data = service.preloaded
    assert data is not None
    return data


def full(data_dir: Path, sla: dict[str, Any], clock: FixedClock) -> InboxData:
    service = InboxService(settings_for(data_dir, sla), Store.in_dir(data_dir), clock, connect=_offline)
    data = service._load_cached_sync(remember=False)
    assert data is not None
    return data


def ordered(data: InboxData, now: datetime) -> list[int]:
    return sorted((t.number for t in data.tickets), key=lambda n: queue_key(data.clocks[n], now, n))


@pytest.mark.parametrize("sla", [CALENDAR, BUSINESS], ids=["calendar", "business"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_partial_head_is_the_top_of_the_replayed_queue(tmp_path: Path, sla: dict[str, Any], seed: int) -> None:
    clock = FixedClock(NOW)
    tickets = a_queue(400, seed)
    remember(tmp_path, sla, tickets, clock, backlogged=(tickets[3].number, tickets[10].number))
    for later in (timedelta(0), timedelta(hours=7), timedelta(days=2)):  # restarted some time later
        clock.set(NOW + later)
        head = start(tmp_path, sla, clock, head_rows=25)
        whole = full(tmp_path, sla, clock)
        assert head.partial and not whole.partial
        assert head.open_count == whole.open_count == 400
        now = clock.now()
        assert ordered(head, now) == ordered(whole, now)[:25]
        assert all(head.clocks[n] == whole.clocks[n] for n in ordered(head, now))
        # The header's counts come from the summaries while only the head is loaded: the whole queue's.
        assert head.summaries is not None
        assert Counter(s.status(now) for s in head.summaries) == Counter(
            whole.clocks[t.number].status(now) for t in whole.tickets)


def test_a_queue_with_paused_and_stopped_clocks_mixes_them_in_by_time_left(tmp_path: Path) -> None:
    """Stopped clocks (paused, backlogged) keep a frozen time left; a short head must interleave them
    with running ones exactly."""
    clock = FixedClock(NOW)
    tickets = a_queue(120, 9, days=1.5)  # young enough that none has breached
    remember(tmp_path, CALENDAR, tickets, clock, backlogged=tuple(t.number for t in tickets[:15]))
    head = start(tmp_path, CALENDAR, clock, head_rows=12)
    whole = full(tmp_path, CALENDAR, clock)
    stopped = {whole.clocks[n].final is not None for n in ordered(whole, NOW)[:12]}
    assert stopped == {True, False}  # the head really mixes running and stopped clocks
    assert ordered(head, NOW) == ordered(whole, NOW)[:12]


def test_summaries_under_another_policy_are_not_trusted(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    remember(tmp_path, CALENDAR, a_queue(60, 4), clock)
    assert start(tmp_path, CALENDAR, clock, head_rows=10).partial
    stricter = {**CALENDAR, "target_hours": 24}
    data = start(tmp_path, stricter, clock, head_rows=10)
    assert not data.partial and len(data.tickets) == 60  # replayed under the policy in force


def test_a_history_changed_since_the_summaries_means_a_full_replay(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    tickets = a_queue(60, 5)
    remember(tmp_path, CALENDAR, tickets, clock)
    store = Store.in_dir(tmp_path)
    store.observe_state(tickets[0].number, "pending", NOW)  # e.g. a triage action just before quitting
    store.close()
    assert not start(tmp_path, CALENDAR, clock, head_rows=10).partial


def test_a_row_rewritten_after_the_summaries_means_a_full_replay(tmp_path: Path) -> None:
    """A crash between the cache write and the summary write must not leave a stale summary trusted."""
    clock = FixedClock(NOW)
    tickets = a_queue(60, 6)
    remember(tmp_path, CALENDAR, tickets, clock)
    store = Store.in_dir(tmp_path)
    store.load_inbox()
    store.save_inbox([*tickets[:-1], replace(tickets[-1], title="Now with a new subject")], NOW)
    store.close()
    data = start(tmp_path, CALENDAR, clock, head_rows=10)
    assert not data.partial
    assert any(t.title == "Now with a new subject" for t in data.tickets)


def test_a_cache_from_before_summaries_is_read_and_upgraded(tmp_path: Path) -> None:
    """A data file from schema 1 (no summary columns) still paints, fully replayed, then gains summaries."""
    import sqlite3

    db = sqlite3.connect(tmp_path / "supportdesk.sqlite3")
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE inbox_cache (number INTEGER PRIMARY KEY, ticket TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema', '1');""")
    db.commit()
    db.close()
    clock = FixedClock(NOW)
    store = Store.in_dir(tmp_path)
    store.save_inbox(a_queue(30, 7), NOW - timedelta(hours=1))
    store.close()
    first = start(tmp_path, CALENDAR, clock, head_rows=10)
    assert not first.partial and len(first.tickets) == 30
    remember(tmp_path, CALENDAR, a_queue(30, 7), clock)
    assert start(tmp_path, CALENDAR, clock, head_rows=10).partial


async def test_the_app_paints_the_head_then_the_whole_cached_queue(make_app: Any, make_settings: Any,
                                                                   clock: FixedClock) -> None:
    """Groove is unreachable: the Inbox shows the head first, then every cached ticket, in queue order."""
    settings = replace(make_settings(), groove_url="http://127.0.0.1:9/v1")
    tickets = a_queue(400, 8)
    store = Store.in_dir(settings.data_dir)
    store.save_inbox(tickets, NOW - timedelta(hours=1))
    await InboxService(settings, store, clock, connect=_offline).load_cached()
    store.close()
    app = make_app(settings=settings)
    preloaded = app.services.inbox.preloaded
    assert preloaded is not None and preloaded.partial and len(preloaded.tickets) < 400
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot, rounds=6)
        screen = pilot.app.screen
        table = screen.query_one(TicketTable)
        assert table.row_count == 400
        clocks = screen._data.clocks
        assert table.numbers() == sorted(clocks, key=lambda n: queue_key(clocks[n], NOW, n))
        assert "400 open" in str(screen.query_one("DeskHeader").right)


def test_summaries_are_exact_to_the_microsecond(tmp_path: Path) -> None:
    from supportdesk_tui.domain.sla import ClockSummary

    store = Store.in_dir(tmp_path)
    t = Ticket(number=1, title="x", state="opened", created_at=NOW, updated_at=NOW)
    store.save_inbox([t], NOW)
    odd = ClockSummary(None, datetime(2026, 11, 27, 9, 59, 59, 999_999, tzinfo=UTC),
                       datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC), timedelta(microseconds=-3))
    store.save_clock_summaries({1: odd}, "basis")
    head = store.load_inbox_head(5, "basis")
    assert head is not None and head.summaries == [odd]
    assert store.load_inbox_head(5, "another") is None
