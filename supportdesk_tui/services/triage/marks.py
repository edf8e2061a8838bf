"""Small local triage state kept in the store's ``meta`` table: timeboxes, urgent marks, board list ids.

None of it is worth a table of its own: a few dozen entries at most, read once at start and then
served from memory (the Inbox asks for a row's mark on every sync), written through on change.
Every method that touches SQLite is synchronous and meant to be run with ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from supportdesk_tui.domain.boards import list_key
from supportdesk_tui.domain.triage_text import format_timebox
from supportdesk_tui.services.journal import Journal
from supportdesk_tui.services.triage.result import PENDING_WORDS
from supportdesk_tui.store import Store

TIMEBOXES = "triage.timeboxes"
URGENT = "triage.urgent"
LISTS = "triage.lists."


@dataclass(frozen=True, slots=True)
class Timebox:
    start: datetime
    hours: float

    def left(self, now: datetime) -> timedelta:
        return self.start + timedelta(hours=self.hours) - now


class TriageMarks:
    """Timeboxes ("fixing 1:32"), urgent marks and cached Trello list ids, backed by ``meta``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.timeboxes: dict[int, Timebox] = {}
        self.urgent: dict[int, str] = {}
        self.nudged: set[int] = set()  # timeboxes whose "backlog instead?" nudge was shown in this run
        self.loaded = False
        self._lock = threading.Lock()

    def load(self) -> None:
        timeboxes = self._read(TIMEBOXES)
        urgent = self._read(URGENT)
        with self._lock:
            self.timeboxes = {int(n): Timebox(datetime.fromisoformat(v["start"]), float(v["hours"]))
                              for n, v in timeboxes.items()
                              if isinstance(v, dict) and "start" in v and "hours" in v}
            self.urgent = {int(n): str(v) for n, v in urgent.items()}
            self.loaded = True

    # --- timeboxes ---------------------------------------------------------------------------------
    def start_timebox(self, number: int, start: datetime, hours: float) -> None:
        with self._lock:
            self.timeboxes[number] = Timebox(start, hours)
            self.nudged.discard(number)
            self._write_timeboxes()

    def clear_timebox(self, number: int) -> None:
        with self._lock:
            if self.timeboxes.pop(number, None) is not None:
                self._write_timeboxes()

    def expired(self, now: datetime) -> list[int]:
        """Timeboxes that ran out and were not nudged yet in this run (marked nudged on return)."""
        with self._lock:
            due = sorted(n for n, box in self.timeboxes.items() if box.left(now) <= timedelta(0)
                         and n not in self.nudged)
            self.nudged.update(due)
        return due

    def _write_timeboxes(self) -> None:
        self.store.set_meta(TIMEBOXES, json.dumps(
            {str(n): {"start": box.start.isoformat(), "hours": box.hours} for n, box in self.timeboxes.items()}))

    # --- urgent ------------------------------------------------------------------------------------
    def mark_urgent(self, number: int, reason: str) -> None:
        with self._lock:
            self.urgent[number] = reason
            self.store.set_meta(URGENT, json.dumps({str(n): r for n, r in self.urgent.items()}))

    def clear_urgent(self, number: int) -> None:
        with self._lock:
            if self.urgent.pop(number, None) is not None:
                self.store.set_meta(URGENT, json.dumps({str(n): r for n, r in self.urgent.items()}))

    def forget_ticket(self, number: int) -> None:
        """The ticket left the queue for good (backlogged or closed): its timebox and mark go too."""
        self.clear_timebox(number)
        self.clear_urgent(number)

    # --- Trello list ids per board ---------------------------------------------------------------
    def list_id(self, board_id: str, name: str) -> str | None:
        value = self._read(LISTS + board_id).get(list_key(name))
        return value if isinstance(value, str) else None

    def remember_lists(self, board_id: str, lists: dict[str, str]) -> None:
        self.store.set_meta(LISTS + board_id, json.dumps({list_key(k): v for k, v in lists.items()}))

    def forget_lists(self, board_id: str) -> None:
        self.store.set_meta(LISTS + board_id, "{}")

    def _read(self, key: str) -> dict[str, Any]:
        raw = self.store.get_meta(key)
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


def row_mark(journal: Journal, marks: TriageMarks, number: int, now: datetime) -> str:
    """"fixing 1:32", "urgent", "backlog queued"… joined; empty when there is nothing to say.

    From the journal and the marks alone, so the Inbox shows them before the triage workflows are loaded."""
    parts: list[str] = []
    pending = journal.pending_for(number)
    if pending is not None:
        parts.append(PENDING_WORDS.get(pending, f"{pending} queued"))
    box = marks.timeboxes.get(number)
    if box is not None:
        left = box.left(now)
        parts.append(f"fixing {format_timebox(left)}" if left.total_seconds() > 0 else "timebox over: b?")
    if number in marks.urgent:
        parts.append("urgent")
    return " · ".join(parts)
