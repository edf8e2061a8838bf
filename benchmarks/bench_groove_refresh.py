"""Full refresh of the open queue from the fake Groove at a realistic latency.

Pages are fetched ``page_concurrency`` at a time (page 1 of each state first, since only it tells how
many pages there are), so the refresh should take about ``ceil(pages / concurrency) + 1`` round
trips. The ratio of the measured time to that bound is the figure to watch (goal <= 1.5).

Run: ``.venv/bin/python benchmarks/bench_groove_refresh.py [--tickets 1000] [--latency-ms 100]
[--concurrency 4]``
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import Faults
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake

STATES = ("unread", "opened", "pending")
SHARES = (0.40, 0.45, 0.15)


def build_fake(tickets: int) -> GrooveFake:
    now = datetime(2026, 3, 9, 12, tzinfo=UTC)
    fake = GrooveFake(clock=FixedClock(now), token="bench-token")
    counts = [round(share * tickets) for share in SHARES[:-1]]
    counts.append(tickets - sum(counts))
    states = [state for state, count in zip(STATES, counts, strict=True) for _ in range(count)]
    for i, state in enumerate(states):
        fake.add_ticket(customer_email=f"user{i % 37}@acme.example", subject=f"Issue {i}", body="It broke.",
                        created_at=now - timedelta(minutes=7 * i), state=state)
    return fake


async def refresh(url: str, concurrency: int) -> tuple[float, int]:
    async with httpx.AsyncClient() as http:
        client = GrooveClient(http, url, "bench-token", page_concurrency=concurrency)
        started = time.perf_counter()
        tickets = await client.list_open_tickets(STATES)
        return time.perf_counter() - started, len(tickets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    fake = build_fake(args.tickets)
    server = start_groove_fake(fake, faults=Faults(latency_ms=args.latency_ms))
    try:
        asyncio.run(refresh(server.url, args.concurrency))  # warm-up: imports, first connections
        server.clear_log()
        elapsed, count = asyncio.run(refresh(server.url, args.concurrency))
        pages = len(server.requests("GET", r"/v1/tickets$"))
    finally:
        server.stop()
    latency = args.latency_ms / 1000
    bound = (math.ceil(pages / args.concurrency) + 1) * latency
    print(f"open tickets fetched : {count} (of {args.tickets} seeded)")
    print(f"pages                : {pages} (50 per page, states {', '.join(STATES)})")
    print(f"concurrency          : {args.concurrency}")
    print(f"latency per request  : {args.latency_ms:.0f} ms")
    print(f"elapsed              : {elapsed * 1000:.0f} ms")
    print(f"bound                : {bound * 1000:.0f} ms  = (ceil({pages} / {args.concurrency}) + 1) x latency")
    print(f"ratio                : {elapsed / bound:.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    main()
