"""The action journal: every action that changes Groove or Trello, written before its first call.

A row holds the action's kind and JSON payload, the JSON results of the steps done so far, and, apart
from them, how many times each step was started (``attempts``). The store stays untyped JSON: the
services turn payloads and results into their dataclasses (``domain.actions``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.store.base import StoreBase, _iso, split_attempts


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One action that changes Groove or Trello, written before its first call."""

    id: int
    kind: str
    ticket: int | None
    payload: dict[str, Any]
    done_steps: dict[str, Any]  # step name -> its JSON result, for the steps finished so far
    status: JournalStatus
    error: str
    created_at: datetime
    updated_at: datetime
    attempts: dict[str, int] = field(default_factory=dict)  # step name -> runs started (this one included)


class JournalStore(StoreBase):
    # --- journal ----------------------------------------------------------------------------------
    def journal_add(self, kind: str, payload: dict[str, Any], now: datetime, ticket: int | None = None) -> int:
        with self._tx() as db:
            cur = db.execute("INSERT INTO journal(kind, ticket, payload, status, created_at, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (str(kind), ticket, json.dumps(payload),
                                                           JournalStatus.PENDING.value, _iso(now), _iso(now)))
            return int(cur.lastrowid or 0)

    def journal_step(self, entry_id: int, step: str, result: Any, now: datetime) -> None:
        """Record that one step of an entry finished, with what it produced (e.g. the card id)."""
        with self._tx() as db:
            row = db.execute("SELECT done_steps FROM journal WHERE id = ?", (entry_id,)).fetchone()
            steps = json.loads(row[0]) if row else {}
            if not isinstance(steps, dict):
                steps = {}
            steps[step] = result
            db.execute("UPDATE journal SET done_steps = ?, updated_at = ? WHERE id = ?",
                       (json.dumps(steps), _iso(now), entry_id))

    def journal_attempt(self, entry_id: int, step: str, tries: int, now: datetime) -> None:
        """Record that ``step`` is being started for the ``tries``-th time (before its first request)."""
        with self._tx() as db:
            row = db.execute("SELECT attempts FROM journal WHERE id = ?", (entry_id,)).fetchone()
            attempts = json.loads(row[0]) if row else {}
            if not isinstance(attempts, dict):
                attempts = {}
            attempts[step] = tries
            db.execute("UPDATE journal SET attempts = ?, updated_at = ? WHERE id = ?",
                       (json.dumps(attempts), _iso(now), entry_id))

    def journal_finish(self, entry_id: int, status: JournalStatus | str, now: datetime, error: str = "") -> None:
        with self._tx() as db:
            db.execute("UPDATE journal SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                       (JournalStatus(status).value, error, _iso(now), entry_id))

    def journal_note_error(self, entry_id: int, error: str, now: datetime) -> None:
        with self._tx() as db:
            db.execute("UPDATE journal SET error = ?, updated_at = ? WHERE id = ?", (error, _iso(now), entry_id))

    def journal_get(self, entry_id: int) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM journal WHERE id = ?", (entry_id,)).fetchone()
        return self._entry(row) if row else None

    def journal_entries(self, status: JournalStatus | str | None = None, limit: int = 500) -> list[JournalEntry]:
        with self._lock:
            if status is None:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM journal ORDER BY id DESC LIMIT ?",
                                        (limit,)).fetchall()
            else:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM journal WHERE status = ? ORDER BY id LIMIT ?",
                                        (JournalStatus(status).value, limit)).fetchall()
        return [self._entry(r) for r in rows]

    @staticmethod
    def _entry(row: tuple[Any, ...]) -> JournalEntry:
        # split again on read: a row is never trusted to have been migrated (it costs nothing)
        steps, attempts = split_attempts(json.loads(row[4]), json.loads(row[9]))
        return JournalEntry(id=row[0], kind=row[1], ticket=row[2], payload=json.loads(row[3]), done_steps=steps,
                            status=JournalStatus(row[5]), error=row[6], created_at=datetime.fromisoformat(row[7]),
                            updated_at=datetime.fromisoformat(row[8]), attempts=attempts)


_COLUMNS = "id, kind, ticket, payload, done_steps, status, error, created_at, updated_at, attempts"
