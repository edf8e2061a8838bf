"""The inbox cache: the last synced open queue, and beside each ticket a summary of its SLA clock.

The summaries (instants in whole microseconds, exact) let a cold start rank and count the queue and
replay only its top before the first paint; they are trusted only under the policy and history
generation they were computed from, and a row a sync rewrote is unsummarized until the next build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from supportdesk_tui.domain.sla import ClockSummary, SlaStatus
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.store.base import _dt, _iso
from supportdesk_tui.store.history import FIRST_SYNC_KEY, HistoryStore

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

class InboxStore(HistoryStore):
    """The cached queue (a sync also records what it observed, hence the history underneath)."""

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
                db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                           (FIRST_SYNC_KEY, _iso(synced_at)))  # kept for good: when this machine started watching
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

    # --- NEW marks: a new ticket stays marked until someone rests the cursor on it, across restarts ----
    def update_new_marks(self, add: Iterable[int], open_numbers: Iterable[int] | None = None) -> frozenset[int]:
        """Mark ``add`` as new, forget marks on tickets no longer open (when ``open_numbers`` is given),
        and return the tickets still marked. Kept in ``meta`` (a handful of numbers, rewritten only on change)."""
        with self._lock:
            marks = self._new_marks_locked()
            wanted = marks | set(add)
            if open_numbers is not None:
                wanted &= set(open_numbers)
            if wanted != marks:
                self._write_new_marks(wanted)
            return frozenset(wanted)

    def clear_new_marks(self, numbers: Iterable[int]) -> None:
        """These tickets were seen: they are not new any more."""
        with self._lock:
            marks = self._new_marks_locked()
            left = marks - set(numbers)
            if left != marks:
                self._write_new_marks(left)

    def new_marks(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._new_marks_locked())

    def _new_marks_locked(self) -> set[int]:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'new_marks'").fetchone()
        try:
            return {int(n) for n in json.loads(row[0])} if row else set()
        except (ValueError, TypeError):
            return set()  # unreadable (another version wrote it): no marks rather than a crash

    def _write_new_marks(self, numbers: set[int]) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO meta(key, value) VALUES ('new_marks', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (json.dumps(sorted(numbers)),))

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
