"""Observed ticket history: Groove v1 keeps none, so the app keeps what it saw.

State changes, first sightings, outcomes (backlogged, fixed), customer replies and the SLA warnings
already given. Every write here that changes a ticket's history bumps the persisted history
generation (``_bump_history``) in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from datetime import datetime

from supportdesk_tui.domain.sla import StateEvent, TicketHistory
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.store.base import StoreBase, _iso, _only, _only_args

FIRST_SYNC_KEY = "inbox_first_synced_at"
"""``meta`` key: when this machine first read the inbox (written once, by the first sync)."""


class HistoryStore(StoreBase):
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

    def watching_since(self) -> datetime | None:
        """When this machine first listed the inbox (its first sync), or None if it never has: figures
        drawn from the observed history are whole only from then on. A store from before the first sync
        was recorded dates it by its earliest sighting instead."""
        first = self.get_meta(FIRST_SYNC_KEY)
        with self._lock:
            (seen,) = self._db.execute("SELECT MIN(first_seen) FROM tickets_seen").fetchone()
        found = [datetime.fromisoformat(value) for value in (first, seen) if value]
        return min(found) if found else None

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
    def ticket_histories(self, numbers: Collection[int] | None = None) -> dict[int, TicketHistory]:
        """What the SLA clock replays for each seen ticket (all, or these): first sighting, state changes,
        a backlog that resolved it, customer replies. One reader for the Inbox, the agenda and the stand-up."""
        seen = self.seen_tickets(numbers)
        states = self.all_state_histories(numbers)
        outcomes = self.outcomes(numbers)
        replies = self.customer_replies(numbers)
        histories: dict[int, TicketHistory] = {}
        for number, created in seen.items():
            outcome = outcomes.get(number)
            backlog_at = outcome[1] if outcome is not None and outcome[0] == "backlog" else None
            events = tuple(StateEvent(at, state) for state, at in states.get(number, ()))
            histories[number] = TicketHistory(created_at=created, events=events, resolved_by_backlog_at=backlog_at,
                                              customer_replies=tuple(replies.get(number, ())))
        return histories

    def mark_warned(self, number: int, threshold: float, at: datetime) -> bool:
        """Record a warning; False when this one was already given."""
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO sla_warnings(number, threshold, at) VALUES (?, ?, ?)",
                             (number, threshold, _iso(at)))
            return cur.rowcount == 1
