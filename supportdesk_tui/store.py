"""SQLite state: the inbox cache, observed ticket history, the action journal and weekly plans.

One file under the data dir, opened once. Calls are synchronous and serialised by a lock; async
code reaches them through ``asyncio.to_thread`` (see ``services``), so no disk I/O runs on the UI
event loop. The file and its directory are readable by the user only. Tokens are never stored here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from supportdesk_tui.domain.sla import ClockSummary, SlaStatus
from supportdesk_tui.domain.tickets import Ticket

SCHEMA_VERSION = 2
# inbox_cache keeps, beside each ticket, a summary of its SLA clock as last computed (instants in
# microseconds since the epoch, exact): a cold start ranks and counts the queue from these and replays
# only the top rows' histories before the first paint. ``summarized`` is 0 until the row's summary is
# written for its current content.
_SUMMARY_COLUMNS = {"due": "INTEGER", "warn": "INTEGER", "frozen": "INTEGER", "final": "TEXT",
                    "summarized": "INTEGER NOT NULL DEFAULT 0"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inbox_cache (number INTEGER PRIMARY KEY, ticket TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('history_generation', '0');
CREATE TABLE IF NOT EXISTS ticket_states (
    number INTEGER NOT NULL, seq INTEGER NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (number, seq));
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, ticket INTEGER, payload TEXT NOT NULL, done_steps TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS journal_status ON journal(status);
CREATE TABLE IF NOT EXISTS plans (week TEXT PRIMARY KEY, plan TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rota (week TEXT PRIMARY KEY, lead TEXT NOT NULL, other TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sla_warnings (number INTEGER NOT NULL, threshold REAL NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (number, threshold));
CREATE TABLE IF NOT EXISTS tickets_seen (number INTEGER PRIMARY KEY, created_at TEXT NOT NULL,
    first_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS week_figures (week TEXT PRIMARY KEY, figures TEXT NOT NULL, policy TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customer_replies (number INTEGER NOT NULL, message_id TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (number, message_id));
CREATE TABLE IF NOT EXISTS outcomes (number INTEGER PRIMARY KEY, outcome TEXT NOT NULL, at TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '');
"""


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def _micros(value: datetime | timedelta | None) -> int | None:
    """An instant or a duration as whole microseconds: exact, and ordered as SQLite integers."""
    if value is None:
        return None
    return (value - _EPOCH if isinstance(value, datetime) else value) // _MICRO


def _instant(value: int | None) -> datetime | None:
    return _EPOCH + value * _MICRO if value is not None else None


def _summary(row: tuple[Any, ...]) -> ClockSummary:
    final, due, warn, frozen = row
    return ClockSummary(SlaStatus(final) if final else None, _instant(due), _instant(warn),
                        frozen * _MICRO if frozen is not None else None)


def _only(numbers: Collection[int] | None) -> str:
    """A WHERE clause limiting a per-ticket table to some ticket numbers (one JSON parameter)."""
    return "" if numbers is None else " WHERE number IN (SELECT value FROM json_each(?))"


def _only_args(numbers: Collection[int] | None) -> tuple[str, ...]:
    return () if numbers is None else (json.dumps(sorted(numbers)),)


@dataclass(frozen=True)
class InboxHead:
    """The top of the cached queue and a summary of every cached ticket's clock (see load_inbox_head)."""

    tickets: list[Ticket]
    summaries: list[ClockSummary]
    synced_at: datetime


def ticket_to_json(ticket: Ticket) -> str:
    return json.dumps({
        "number": ticket.number, "title": ticket.title, "state": ticket.state,
        "created_at": _iso(ticket.created_at), "updated_at": _iso(ticket.updated_at),
        "customer_email": ticket.customer_email, "customer_name": ticket.customer_name,
        "assignee": ticket.assignee, "priority": ticket.priority, "summary": ticket.summary,
        "tags": list(ticket.tags), "message_count": ticket.message_count,
        "state_changed_at": _iso(ticket.state_changed_at),
    })


def ticket_from_json(text: str) -> Ticket:
    d = json.loads(text)
    created = _dt(d["created_at"])
    updated = _dt(d["updated_at"])
    assert created is not None and updated is not None
    return Ticket(
        number=int(d["number"]), title=d["title"], state=d["state"], created_at=created, updated_at=updated,
        customer_email=d.get("customer_email"), customer_name=d.get("customer_name"), assignee=d.get("assignee"),
        priority=d.get("priority"), summary=d.get("summary", ""), tags=tuple(d.get("tags", ())),
        message_count=int(d.get("message_count", 0)), state_changed_at=_dt(d.get("state_changed_at")),
    )


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One action that changes Groove or Trello, written before its first call."""

    id: int
    kind: str
    ticket: int | None
    payload: dict[str, Any]
    done_steps: dict[str, Any]
    status: str  # pending | done | failed | undone
    error: str
    created_at: datetime
    updated_at: datetime


class Store:
    """The app's SQLite file. Thread-safe; every method is a short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with suppress(OSError):
            os.chmod(path.parent, 0o700)
        fresh = not path.exists()
        if fresh:
            path.touch(mode=0o600)
        os.chmod(path, 0o600)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._add_summary_columns()
        self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema' AND CAST(value AS INTEGER) < ?",
                         (str(SCHEMA_VERSION), SCHEMA_VERSION))
        # What this process knows the tables hold, so a poll that changed nothing writes next to nothing
        # (re-encoding and rewriting 2,000 rows every 30 s was most of the idle CPU). Filled on first use.
        self._inbox: dict[int, Ticket] | None = None
        self._last_state: dict[int, tuple[int, str]] | None = None
        self._seen: set[int] | None = None
        self._summaries: dict[int, ClockSummary] = {}  # what inbox_cache holds, as this process wrote it
        # Bumped, in the file too, on every write that changes a ticket's observed history: clock
        # summaries are only trusted for the generation they were computed from.
        self.history_version = int(self.get_meta("history_generation") or 0)

    def _add_summary_columns(self) -> None:
        """A file from schema 1 has inbox_cache without the summary columns: add them (NULL = unknown)."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(inbox_cache)")}
        for name, kind in _SUMMARY_COLUMNS.items():
            if name not in have:
                self._db.execute(f"ALTER TABLE inbox_cache ADD COLUMN {name} {kind}")

    def _bump_history(self, db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'history_generation'")
        self.history_version += 1

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(data_dir / "supportdesk.sqlite3")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- meta -------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    # --- inbox cache ------------------------------------------------------------------------------
    def save_inbox(self, tickets: Iterable[Ticket], synced_at: datetime) -> set[int]:
        """Make the cached open queue this fresh sync, and record observed state changes; returns the
        numbers of the tickets the store had never seen before.

        Only the rows that differ from what this process last read or wrote are written. The cache is
        only a cache: should two processes share a data dir, a stale row lasts until its ticket changes.
        """
        fresh = {t.number: t for t in tickets}
        with self._lock:  # the tables and the memory of them move on together
            with self._tx() as db:
                previous = self._inbox
                if previous is None:
                    db.execute("DELETE FROM inbox_cache")
                    rows = list(fresh.values())
                else:
                    gone = [(n,) for n in previous if n not in fresh]
                    db.executemany("DELETE FROM inbox_cache WHERE number = ?", gone)
                    rows = [t for n, t in fresh.items() if previous.get(n) != t]
                db.executemany("INSERT OR REPLACE INTO inbox_cache(number, ticket) VALUES (?, ?)",
                               [(t.number, ticket_to_json(t)) for t in rows])
                db.execute("INSERT INTO meta(key, value) VALUES ('inbox_synced_at', ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (_iso(synced_at),))
                states = self._observe_states(db, fresh.values(), synced_at)
                seen = self._seen_numbers(db)
                unseen = [t for n, t in fresh.items() if n not in seen]
                db.executemany("INSERT OR IGNORE INTO tickets_seen(number, created_at, first_seen) VALUES (?, ?, ?)",
                               [(t.number, _iso(t.created_at), _iso(synced_at)) for t in unseen])
                if states or unseen:
                    self._bump_history(db)
            # Committed: only now does the memory of what the tables hold move on.
            self._inbox = fresh
            self._note_states(states)
            seen.update(t.number for t in unseen)
            for t in rows:
                self._summaries.pop(t.number, None)  # rewritten rows are unsummarized again
            for number in [n for n in self._summaries if n not in fresh]:
                del self._summaries[number]
        return {t.number for t in unseen}

    def _seen_numbers(self, db: sqlite3.Connection) -> set[int]:
        if self._seen is None:
            self._seen = {n for (n,) in db.execute("SELECT number FROM tickets_seen")}
        return self._seen

    def seen_tickets(self, numbers: Collection[int] | None = None) -> dict[int, datetime]:
        """Every ticket the app has ever listed (or those of ``numbers``), with its creation time."""
        with self._lock:
            rows = self._db.execute("SELECT number, created_at FROM tickets_seen" + _only(numbers),
                                    _only_args(numbers)).fetchall()
        return {n: datetime.fromisoformat(c) for n, c in rows}

    def save_week_figures(self, week: str, figures: dict[str, Any], policy: str, now: datetime) -> None:
        """Keep the week's figures for the triage handover, with the SLA policy version they used."""
        with self._tx() as db:
            db.execute("INSERT INTO week_figures(week, figures, policy, updated_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(week) DO UPDATE SET figures = excluded.figures, policy = excluded.policy, "
                       "updated_at = excluded.updated_at", (week, json.dumps(figures), policy, _iso(now)))

    def load_week_figures(self, week: str) -> tuple[dict[str, Any], str] | None:
        with self._lock:
            row = self._db.execute("SELECT figures, policy FROM week_figures WHERE week = ?", (week,)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def load_inbox(self) -> tuple[list[Ticket], datetime | None]:
        with self._lock:
            rows = self._db.execute("SELECT ticket FROM inbox_cache").fetchall()
            synced = self._db.execute("SELECT value FROM meta WHERE key = 'inbox_synced_at'").fetchone()
            tickets = [ticket_from_json(r[0]) for r in rows]
            self._inbox = {t.number: t for t in tickets}
        return tickets, _dt(synced[0]) if synced else None

    def save_clock_summaries(self, summaries: Mapping[int, ClockSummary], basis: str) -> None:
        """Keep each cached ticket's clock summary, computed under ``basis`` (the SLA policy and the
        history generation it was computed from); only rows whose summary changed are written."""
        with self._lock:
            changed = [(n, c) for n, c in summaries.items() if self._summaries.get(n) != c]
            with self._tx() as db:
                db.executemany(
                    "UPDATE inbox_cache SET final = ?, due = ?, warn = ?, frozen = ?, summarized = 1 WHERE number = ?",
                    [(c.final.value if c.final else None, _micros(c.deadline), _micros(c.first_warn),
                      _micros(c.frozen_left), n) for n, c in changed])
                db.execute("INSERT INTO meta(key, value) VALUES ('clock_basis', ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (basis,))
            self._summaries.update(changed)

    def load_inbox_head(self, limit: int, basis: str) -> InboxHead | None:
        """The ``limit`` cached tickets with the least time left, and every cached clock's summary.

        None unless every row's summary was computed under ``basis``: then the caller must load the whole
        queue and replay it. Exact because, within each kind of clock, time left orders like a stored
        value: running clocks by deadline (in either clock, see ClockSummary), stopped ones by their
        frozen time left, and those with neither last; the top of the queue is among the top ``limit``
        of each kind.
        """
        with self._lock:
            if self.get_meta("clock_basis") != basis:
                return None
            if self._db.execute("SELECT 1 FROM inbox_cache WHERE summarized = 0 LIMIT 1").fetchone():
                return None
            synced = self._db.execute("SELECT value FROM meta WHERE key = 'inbox_synced_at'").fetchone()
            if not synced:
                return None
            rows = []
            for where, order in (("final IS NULL AND due IS NOT NULL", "due"),
                                 ("final IS NOT NULL AND frozen IS NOT NULL", "frozen"),
                                 ("(final IS NULL AND due IS NULL) OR (final IS NOT NULL AND frozen IS NULL)",
                                  "number")):
                rows += self._db.execute(f"SELECT ticket FROM inbox_cache WHERE {where} ORDER BY {order}, number "
                                         "LIMIT ?", (limit,)).fetchall()
            summaries = {r[0]: _summary(r[1:]) for r in self._db.execute(
                "SELECT number, final, due, warn, frozen FROM inbox_cache")}
            self._summaries = dict(summaries)  # what the file holds: the next save writes only changes
        return InboxHead([ticket_from_json(r[0]) for r in rows], list(summaries.values()),
                         datetime.fromisoformat(synced[0]))

    # --- observed history (Groove v1 has no state history; we keep what we saw) -------------------
    def _last_states(self, db: sqlite3.Connection) -> dict[int, tuple[int, str]]:
        """Each ticket's latest (seq, state), read once; kept current by every write below."""
        if self._last_state is None:
            self._last_state = {n: (seq, state) for n, seq, state in db.execute(
                "SELECT number, MAX(seq), state FROM ticket_states GROUP BY number")}
        return self._last_state

    def _note_states(self, rows: list[tuple[int, int, str, str | None]]) -> None:
        """After a commit: remember the latest state of each ticket just written."""
        if self._last_state is not None:
            for number, seq, state, _ in rows:
                self._last_state[number] = (seq, state)

    def _observe_states(self, db: sqlite3.Connection, tickets: Iterable[Ticket],
                        seen_at: datetime) -> list[tuple[int, int, str, str | None]]:
        last = self._last_states(db)
        rows = []
        for t in tickets:
            prev = last.get(t.number)
            if prev is not None and prev[1] == t.state:
                continue
            at = t.state_changed_at if t.state_changed_at is not None else (t.created_at if prev is None else seen_at)
            rows.append((t.number, (prev[0] + 1) if prev else 0, t.state, _iso(at)))
        db.executemany("INSERT INTO ticket_states(number, seq, state, at) VALUES (?, ?, ?, ?)", rows)
        return rows

    def observe_state(self, number: int, state: str, at: datetime, *, again: bool = False) -> None:
        """Record a state the app itself set or saw outside a full sync (e.g. after closing a ticket).

        ``again`` records it even when it is the state last recorded: a ticket that went back to a
        pause state after a customer reply the app saw only in the thread.
        """
        with self._lock:  # the write and the memory of it together: save_inbox numbers rows from that memory
            with self._tx() as db:
                row = db.execute("SELECT seq, state, at FROM ticket_states WHERE number = ? ORDER BY seq DESC LIMIT 1",
                                 (number,)).fetchone()
                if row and row[1] == state and (not again or datetime.fromisoformat(row[2]) >= at):
                    return
                written = (number, (row[0] + 1) if row else 0, state, _iso(at))
                db.execute("INSERT INTO ticket_states(number, seq, state, at) VALUES (?, ?, ?, ?)", written)
                self._bump_history(db)
            self._note_states([written])

    def retract_states(self, number: int, since: datetime) -> int:
        """Forget the state changes recorded for a ticket from ``since`` on (an action that was undone);
        returns how many were forgotten."""
        with self._lock:
            with self._tx() as db:
                rows = db.execute("SELECT seq, at FROM ticket_states WHERE number = ?", (number,)).fetchall()
                gone = [(number, seq) for seq, at in rows if datetime.fromisoformat(at) >= since]
                db.executemany("DELETE FROM ticket_states WHERE number = ? AND seq = ?", gone)
                if gone:
                    self._bump_history(db)
                last = db.execute("SELECT seq, state FROM ticket_states WHERE number = ? ORDER BY seq DESC LIMIT 1",
                                  (number,)).fetchone()
            if self._last_state is not None:
                if last is None:
                    self._last_state.pop(number, None)
                else:
                    self._last_state[number] = (last[0], last[1])
        return len(gone)

    def state_history(self, number: int) -> list[tuple[str, datetime]]:
        with self._lock:
            rows = self._db.execute("SELECT state, at FROM ticket_states WHERE number = ? ORDER BY seq",
                                    (number,)).fetchall()
        return [(state, datetime.fromisoformat(at)) for state, at in rows]

    def all_state_histories(self, numbers: Collection[int] | None = None) -> dict[int, list[tuple[str, datetime]]]:
        out: dict[int, list[tuple[str, datetime]]] = {}
        with self._lock:
            rows = self._db.execute("SELECT number, state, at FROM ticket_states" + _only(numbers) +
                                    " ORDER BY number, seq", _only_args(numbers)).fetchall()
        for number, state, at in rows:
            out.setdefault(number, []).append((state, datetime.fromisoformat(at)))
        return out

    # --- customer replies (they resume a paused clock, whatever the state says) -------------------
    def record_customer_replies(self, number: int, replies: Iterable[tuple[str, datetime]]) -> int:
        """Keep the customer's messages (id, sent) of a ticket; returns how many were new."""
        with self._tx() as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO customer_replies(number, message_id, at) VALUES (?, ?, ?)",
                           [(number, message_id, _iso(at)) for message_id, at in replies])
            added = db.total_changes - before
            if added:
                self._bump_history(db)
        return added

    def customer_replies(self, numbers: Collection[int] | None = None) -> dict[int, list[datetime]]:
        out: dict[int, list[datetime]] = {}
        with self._lock:
            rows = self._db.execute("SELECT number, at FROM customer_replies" + _only(numbers) + " ORDER BY number, at",
                                    _only_args(numbers)).fetchall()
        for number, at in rows:
            out.setdefault(number, []).append(datetime.fromisoformat(at))
        return out

    # --- outcomes (how a ticket was resolved, for the SLA clock and the week's figures) -----------
    def record_outcome(self, number: int, outcome: str, at: datetime, detail: str = "") -> None:
        with self._tx() as db:
            db.execute("INSERT INTO outcomes(number, outcome, at, detail) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(number) DO UPDATE SET outcome = excluded.outcome, at = excluded.at, "
                       "detail = excluded.detail", (number, outcome, _iso(at), detail))
            self._bump_history(db)

    def clear_outcome(self, number: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM outcomes WHERE number = ?", (number,))
            self._bump_history(db)

    def outcomes(self, numbers: Collection[int] | None = None) -> dict[int, tuple[str, datetime, str]]:
        with self._lock:
            rows = self._db.execute("SELECT number, outcome, at, detail FROM outcomes" + _only(numbers),
                                    _only_args(numbers)).fetchall()
        return {n: (o, datetime.fromisoformat(at), d) for n, o, at, d in rows}

    # --- SLA warnings: warn once per threshold per ticket, across restarts ------------------------
    def mark_warned(self, number: int, threshold: float, at: datetime) -> bool:
        """Record a warning; False when this one was already given."""
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO sla_warnings(number, threshold, at) VALUES (?, ?, ?)",
                             (number, threshold, _iso(at)))
            return cur.rowcount == 1

    # --- journal ----------------------------------------------------------------------------------
    def journal_add(self, kind: str, payload: dict[str, Any], now: datetime, ticket: int | None = None) -> int:
        with self._tx() as db:
            cur = db.execute("INSERT INTO journal(kind, ticket, payload, status, created_at, updated_at) "
                             "VALUES (?, ?, ?, 'pending', ?, ?)", (kind, ticket, json.dumps(payload), _iso(now),
                                                                  _iso(now)))
            return int(cur.lastrowid or 0)

    def journal_step(self, entry_id: int, step: str, result: Any, now: datetime) -> None:
        """Record that one step of an entry finished, with what it produced (e.g. the card id)."""
        with self._tx() as db:
            row = db.execute("SELECT done_steps FROM journal WHERE id = ?", (entry_id,)).fetchone()
            steps = json.loads(row[0]) if row else {}
            if isinstance(steps, list):
                steps = {}
            steps[step] = result
            db.execute("UPDATE journal SET done_steps = ?, updated_at = ? WHERE id = ?",
                       (json.dumps(steps), _iso(now), entry_id))

    def journal_finish(self, entry_id: int, status: str, now: datetime, error: str = "") -> None:
        with self._tx() as db:
            db.execute("UPDATE journal SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                       (status, error, _iso(now), entry_id))

    def journal_note_error(self, entry_id: int, error: str, now: datetime) -> None:
        with self._tx() as db:
            db.execute("UPDATE journal SET error = ?, updated_at = ? WHERE id = ?", (error, _iso(now), entry_id))

    def journal_get(self, entry_id: int) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM journal WHERE id = ?", (entry_id,)).fetchone()
        return self._entry(row) if row else None

    def journal_entries(self, status: str | None = None, limit: int = 500) -> list[JournalEntry]:
        with self._lock:
            if status is None:
                rows = self._db.execute("SELECT * FROM journal ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            else:
                rows = self._db.execute("SELECT * FROM journal WHERE status = ? ORDER BY id LIMIT ?",
                                        (status, limit)).fetchall()
        return [self._entry(r) for r in rows]

    @staticmethod
    def _entry(row: tuple[Any, ...]) -> JournalEntry:
        steps = json.loads(row[4])
        return JournalEntry(id=row[0], kind=row[1], ticket=row[2], payload=json.loads(row[3]),
                            done_steps=steps if isinstance(steps, dict) else {}, status=row[5], error=row[6],
                            created_at=datetime.fromisoformat(row[7]), updated_at=datetime.fromisoformat(row[8]))

    # --- plans and rota -----------------------------------------------------------------------------
    def save_plan(self, week: str, plan: dict[str, Any], now: datetime) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO plans(week, plan, updated_at) VALUES (?, ?, ?) ON CONFLICT(week) DO UPDATE "
                       "SET plan = excluded.plan, updated_at = excluded.updated_at",
                       (week, json.dumps(plan), _iso(now)))

    def load_plan(self, week: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT plan FROM plans WHERE week = ?", (week,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_rota(self, week: str, lead: str, other: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO rota(week, lead, other) VALUES (?, ?, ?) ON CONFLICT(week) DO UPDATE "
                       "SET lead = excluded.lead, other = excluded.other", (week, lead, other))

    def load_rota(self) -> dict[str, tuple[str, str]]:
        with self._lock:
            rows = self._db.execute("SELECT week, lead, other FROM rota").fetchall()
        return {w: (lead, other) for w, lead, other in rows}
