"""The SQLite store on a real file: cache round trip, observed history, journal, plans, permissions."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.store import Store

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(n: int, state: str = "opened", changed: datetime | None = None) -> Ticket:
    return Ticket(number=n, title=f"T{n} [bold]x[/]", state=state, created_at=T0, updated_at=T0 + timedelta(hours=1),
                  customer_email=f"c{n}@acme.example", tags=("a", "b"), message_count=2, state_changed_at=changed)


def test_inbox_cache_round_trip_and_reopen(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path / "d")
    tickets = [ticket(1), ticket(2, "pending")]
    store.save_inbox(tickets, T0)
    store.close()
    again = Store.in_dir(tmp_path / "d")
    loaded, synced = again.load_inbox()
    assert synced == T0
    assert sorted(loaded, key=lambda t: t.number) == tickets


# A queue as a sync sees it: some numbers, each in some state with some title.
queues = st.lists(st.dictionaries(st.integers(1, 12), st.tuples(st.sampled_from(["unread", "opened", "pending"]),
                                                                 st.sampled_from(["a", "b"])), max_size=8),
                  min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(queues)
def test_incremental_saves_leave_exactly_the_last_queue(tmp_path_factory, syncs) -> None:  # type: ignore[no-untyped-def]
    """save_inbox writes only what changed since the last save; whatever the sequence of syncs, a new
    process must read back exactly the last queue, and the history must hold every state change."""
    data = tmp_path_factory.mktemp("d")
    store = Store.in_dir(data)
    expected_states: dict[int, list[str]] = {}
    for i, queue in enumerate(syncs):
        tickets = [Ticket(number=n, title=f"T{n} {title}", state=state, created_at=T0, updated_at=T0)
                   for n, (state, title) in queue.items()]
        store.save_inbox(tickets, T0 + timedelta(minutes=i))
        for t in tickets:
            states = expected_states.setdefault(t.number, [])
            if not states or states[-1] != t.state:
                states.append(t.state)
    store.close()
    again = Store.in_dir(data)
    loaded, synced = again.load_inbox()
    last = syncs[-1]
    assert synced == T0 + timedelta(minutes=len(syncs) - 1)
    assert {t.number: (t.state, t.title) for t in loaded} == {n: (s, f"T{n} {title}") for n, (s, title) in last.items()}
    assert {n: [s for s, _ in h] for n, h in again.all_state_histories().items()} == expected_states
    assert set(again.seen_tickets()) == set(expected_states)


def test_history_version_moves_only_when_a_history_changes(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.save_inbox([ticket(1, "unread")], T0)
    v = store.history_version
    store.save_inbox([ticket(1, "unread")], T0 + timedelta(minutes=1))
    assert store.history_version == v  # a quiet poll
    store.save_inbox([ticket(1, "unread"), ticket(2)], T0 + timedelta(minutes=2))
    assert store.history_version > v  # a ticket first seen
    v = store.history_version
    store.observe_state(1, "closed", T0 + timedelta(minutes=3))
    assert store.history_version > v
    v = store.history_version
    store.record_outcome(2, "backlog", T0 + timedelta(minutes=4))
    assert store.history_version > v
    v = store.history_version
    store.clear_outcome(2)
    assert store.history_version > v
    # The state set outside a sync is the one the next sync compares against.
    store.save_inbox([ticket(1, "unread")], T0 + timedelta(minutes=5))
    assert [s for s, _ in store.state_history(1)] == ["unread", "closed", "unread"]


def test_files_are_private(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path / "d")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_state_history_records_changes_only(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.save_inbox([ticket(1, "unread")], T0)
    store.save_inbox([ticket(1, "unread")], T0 + timedelta(minutes=5))
    store.save_inbox([ticket(1, "pending")], T0 + timedelta(minutes=10))
    store.observe_state(1, "closed", T0 + timedelta(hours=2))
    store.observe_state(1, "closed", T0 + timedelta(hours=3))
    history = store.state_history(1)
    assert [s for s, _ in history] == ["unread", "pending", "closed"]
    assert history[0][1] == T0 and history[1][1] == T0 + timedelta(minutes=10)
    assert store.all_state_histories()[1] == history


def test_state_changed_at_is_preferred(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.save_inbox([ticket(1, "opened")], T0)
    changed = T0 + timedelta(minutes=3)
    store.save_inbox([ticket(1, "pending", changed)], T0 + timedelta(minutes=30))
    assert store.state_history(1)[-1] == ("pending", changed)


def test_journal_lifecycle(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    entry = store.journal_add("backlog", {"ticket": 5, "title": "x"}, T0, ticket=5)
    store.journal_step(entry, "card", {"id": "c1"}, T0)
    assert [e.id for e in store.journal_entries("pending")] == [entry]
    store.journal_finish(entry, "done", T0 + timedelta(seconds=1))
    got = store.journal_get(entry)
    assert got is not None and got.status == "done" and got.done_steps == {"card": {"id": "c1"}}
    assert store.journal_entries("pending") == []


def test_warn_once(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    assert store.mark_warned(1, 12, T0) is True
    assert store.mark_warned(1, 12, T0) is False
    assert store.mark_warned(1, 4, T0) is True


def test_plans_and_rota(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    assert store.load_plan("2026-W48") is None
    store.save_plan("2026-W48", {"v": 1}, T0)
    store.save_plan("2026-W48", {"v": 2}, T0)
    assert store.load_plan("2026-W48") == {"v": 2}
    store.save_rota("2026-W48", "ana", "ben")
    assert store.load_rota() == {"2026-W48": ("ana", "ben")}


def test_retracting_an_undone_close_leaves_the_history_as_before(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.save_inbox([ticket(1, "opened")], T0)
    action = T0 + timedelta(minutes=5)
    store.observe_state(1, "closed", action + timedelta(seconds=2))  # what the backlog recorded
    v = store.history_version
    assert store.retract_states(1, action) == 1
    assert store.history_version > v
    assert [s for s, _ in store.state_history(1)] == ["opened"]
    # The next sync sees it opened again: no change, so no reopen in the history.
    store.save_inbox([ticket(1, "opened")], action + timedelta(minutes=1))
    assert [s for s, _ in store.state_history(1)] == ["opened"]
    store.save_inbox([ticket(1, "pending")], action + timedelta(minutes=2))
    assert [s for s, _ in store.state_history(1)] == ["opened", "pending"]


def test_save_inbox_names_the_tickets_it_had_never_seen(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    assert store.save_inbox([ticket(1), ticket(2)], T0) == {1, 2}
    assert store.save_inbox([ticket(2), ticket(3)], T0 + timedelta(minutes=1)) == {3}
    assert store.save_inbox([ticket(1), ticket(3)], T0 + timedelta(minutes=2)) == set()  # 1 came back


def test_watching_since_is_the_first_sync_even_of_an_empty_inbox_and_never_moves(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path / "d")
    assert store.watching_since() is None  # never read the inbox
    store.save_inbox([], T0)  # an empty inbox was read: the machine is watching from now
    assert store.watching_since() == T0
    store.save_inbox([ticket(1)], T0 + timedelta(hours=2))
    assert store.watching_since() == T0  # later syncs do not move it


def test_watching_since_of_a_store_from_before_it_was_recorded_is_its_first_sighting(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path / "d")
    store.save_inbox([ticket(1)], T0)
    store.close()
    with sqlite3.connect(tmp_path / "d" / "supportdesk.sqlite3") as db:  # as an older version left it
        db.execute("DELETE FROM meta WHERE key = 'inbox_first_synced_at'")
    again = Store.in_dir(tmp_path / "d")
    again.save_inbox([ticket(1), ticket(2)], T0 + timedelta(days=1))  # the new version's first sync
    assert again.watching_since() == T0
