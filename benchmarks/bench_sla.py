"""How fast the SLA clock is: deadlines for 10,000 tickets, and one tick over 2,000 visible rows.

Run: ``.venv/bin/python benchmarks/bench_sla.py``. Prints figures; asserts nothing, since timings on a
shared 2-core machine vary. Goal: a tick well under 1 ms per hundred rows.

Deadlines are computed from a full history (created, some pauses and replies, a few target changes)
in business mode with a lunch break and holidays, starting with a cold calendar cache, as after
an app start or a policy change.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supportdesk_tui.domain.business_time import calendar_for
from supportdesk_tui.domain.sla import (
    SlaClock,
    SlaPolicy,
    StateEvent,
    TicketHistory,
    format_time_left,
    sla_cycles,
)

TICKETS = 10_000
ROWS = 2_000
TICKS = 200

BUSINESS = SlaPolicy(clock="business", timezone="Europe/London", business_hours=("09:00-12:30", "13:30-17:30"),
                     holidays=(date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)),
                     pause_states=("pending",))
CALENDAR = SlaPolicy(pause_states=("pending",))


def make_histories(count: int, seed: int = 3) -> list[TicketHistory]:
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    histories = []
    for _ in range(count):
        created = start + timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        events: list[StateEvent] = []
        replies: list[datetime] = []
        at = created
        for _step in range(rng.choice((0, 0, 1, 2, 3))):
            at += timedelta(minutes=rng.randrange(10, 3000))
            events.append(StateEvent(at, rng.choice(("opened", "pending", "pending", "closed"))))
            if rng.random() < 0.3:
                replies.append(at + timedelta(minutes=rng.randrange(1, 600)))
        override = 8.0 if rng.random() < 0.05 else None
        histories.append(TicketHistory(created_at=created, events=tuple(events), customer_replies=tuple(replies),
                                       target_hours_override=override,
                                       target_changed_at=created + timedelta(hours=2) if override else None))
    return histories


def bench_deadlines(histories: list[TicketHistory], policy: SlaPolicy) -> list[SlaClock]:
    calendar_for.cache_clear()
    began = time.perf_counter()
    clocks = [sla_cycles(history, policy)[-1] for history in histories]
    elapsed = time.perf_counter() - began
    print(f"deadlines, {policy.clock:8} mode: {len(histories):,} tickets in {elapsed * 1000:8.1f} ms "
          f"= {elapsed / len(histories) * 1e6:6.1f} µs per ticket")
    return clocks


def bench_tick(clocks: list[SlaClock], label: str) -> None:
    rows = clocks[:ROWS]
    now = datetime(2026, 11, 15, 10, 30, tzinfo=UTC)
    began = time.perf_counter()
    for tick in range(TICKS):
        instant = now + timedelta(seconds=tick)
        for clock in rows:
            clock.status(instant)
            format_time_left(clock.time_left(instant))
    elapsed = (time.perf_counter() - began) / TICKS
    print(f"one tick, {label:8} clocks: {len(rows):,} rows in {elapsed * 1000:6.3f} ms "
          f"= {elapsed / len(rows) * 100 * 1000:6.3f} ms per 100 rows")


def main() -> None:
    histories = make_histories(TICKETS)
    business = bench_deadlines(histories, BUSINESS)
    calendar = bench_deadlines(histories, CALENDAR)
    running = sum(1 for c in business if c.final is None)
    print(f"({running:,} of {TICKETS:,} business clocks still running; the rest paused, met, breached)")
    bench_tick(business, "business")
    bench_tick(calendar, "calendar")


if __name__ == "__main__":
    main()
