"""The SQLite file itself: schema, permissions, the lock and one transaction helper.

Every table lives in one file under the data dir, opened once. Calls are synchronous and serialised by
a lock; async code reaches them through ``asyncio.to_thread`` (see ``services``). The file and its
directory are readable by the user only. The in-memory mirrors declared here (what this process knows
the tables hold) let a quiet poll write next to nothing; they move on only after a commit.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportdesk_tui.domain.sla import ClockSummary
from supportdesk_tui.domain.tickets import Ticket

SCHEMA_VERSION = 4
# Schema 3 keeps the journal's step attempt counts in their own column; schema 2 kept them among the
# step results as "<step>@attempt" keys, which are moved out when such a file is opened.
# Schema 4 adds plan_records (per week: the plan of record last read from Trello, the merge base; its
# card; conflicts and card problems to show). Created by IF NOT EXISTS, so an older file gains it on open.
LEGACY_ATTEMPT = "@attempt"
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
    status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    attempts TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS journal_status ON journal(status);
CREATE TABLE IF NOT EXISTS plans (week TEXT PRIMARY KEY, plan TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rota (week TEXT PRIMARY KEY, lead TEXT NOT NULL, other TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plan_records (week TEXT PRIMARY KEY, base TEXT, revision INTEGER NOT NULL DEFAULT 0,
    card_id TEXT NOT NULL DEFAULT '', card_url TEXT NOT NULL DEFAULT '', saved_by TEXT NOT NULL DEFAULT '',
    saved_at TEXT, read_at TEXT, conflicts TEXT NOT NULL DEFAULT '{}', problem TEXT NOT NULL DEFAULT '{}',
    parent TEXT, tags TEXT NOT NULL DEFAULT '{}');
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

def split_attempts(steps: object, attempts: object = None) -> tuple[dict[str, Any], dict[str, int]]:
    """Step results and attempt counts apart: legacy ``"<step>@attempt"`` keys join ``attempts``
    (the higher count wins if both hold one). Anything that is not an object counts as empty."""
    results = dict(steps) if isinstance(steps, dict) else {}
    counts = {str(k): int(v) for k, v in attempts.items() if isinstance(v, int)} if isinstance(attempts, dict) else {}
    for key in [k for k in results if k.endswith(LEGACY_ATTEMPT)]:
        value = results.pop(key)
        step = key.removesuffix(LEGACY_ATTEMPT)
        if isinstance(value, int):
            counts[step] = max(counts.get(step, 0), value)
    return results, counts


def _only(numbers: Collection[int] | None) -> str:
    """A WHERE clause limiting a per-ticket table to some ticket numbers (one JSON parameter)."""
    return "" if numbers is None else " WHERE number IN (SELECT value FROM json_each(?))"


def _only_args(numbers: Collection[int] | None) -> tuple[str, ...]:
    return () if numbers is None else (json.dumps(sorted(numbers)),)

class StoreBase:
    """The file, its schema, the lock and one transaction helper; the other modules add what is kept."""

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
        self._migrate_journal()
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

    def _migrate_journal(self) -> None:
        """Schema 2 -> 3: the ``attempts`` column, and each row's ``"<step>@attempt"`` keys moved into it
        (one transaction; rows without such keys are not rewritten)."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(journal)")}
        if "attempts" in have:
            return  # already schema 3 (a row an older version wrote since is still split when it is read)
        self._db.execute("ALTER TABLE journal ADD COLUMN attempts TEXT NOT NULL DEFAULT '{}'")
        with self._tx() as db:
            rows = db.execute("SELECT id, done_steps, attempts FROM journal WHERE done_steps LIKE ?",
                              (f'%{LEGACY_ATTEMPT}"%',)).fetchall()
            for entry_id, steps, attempts in rows:
                results, counts = split_attempts(json.loads(steps), json.loads(attempts))
                db.execute("UPDATE journal SET done_steps = ?, attempts = ? WHERE id = ?",
                           (json.dumps(results), json.dumps(counts), entry_id))

    def _bump_history(self, db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'history_generation'")
        self.history_version += 1

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
