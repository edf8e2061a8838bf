"""The action journal: every action that changes Groove or Trello, written before its first call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportdesk_tui.store.base import StoreBase, _iso


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

class JournalStore(StoreBase):
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
