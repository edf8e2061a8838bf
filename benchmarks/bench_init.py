"""`supportdesk init`'s discovery on a large account: 30 customer boards at 100 ms latency.

Goal: a few seconds. The requests are counted per service; the round trips are what the time is
made of (boards and agents together, three /batch requests and the epics board's members on Trello's
one worker thread, then the linked tickets a bounded number at a time).
Run: .venv/bin/python benchmarks/bench_init.py [--boards 30] [--latency-ms 100] [--marked 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.clients.trello.facade import TrelloClient
from supportdesk_tui.domain.clock import SystemClock
from supportdesk_tui.fakes.base import Faults
from supportdesk_tui.fakes.demo_customers import DEMO_DEVELOPERS, DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.services.setup.discover import TICKET_CONCURRENCY, TICKETS_PER_BOARD, discover

LISTS = ("New Issues", "Up next", "Recently Completed", "Done")


def build(boards: int, marked: int, cards: int) -> tuple[GrooveFake, TrelloFake]:
    clock = SystemClock()
    groove = GrooveFake(clock=clock)
    trello = TrelloFake(clock, rate_limit=False)
    for i in range(boards):
        board = trello.add_board(None, f"Customer {i:02d} - Support", LISTS)
        for j in range(cards):
            desc = "Agreed on the weekly call."
            if j < marked:
                number = groove.add_ticket(customer_email=f"person{j}@customer{i:02d}.example", subject="Broken",
                                           body="Hello", state="closed")
                desc = f"Ticket: https://bigco.groovehq.com/t/{number}"
            trello.add_card(board, LISTS[j % 4], f"Card {j}", desc=desc)
    trello.add_board(None, "Support Epics", ("Up next", "Done"), members=DEMO_DEVELOPERS)
    return groove, trello


async def measure(groove_url: str, trello_url: str) -> tuple[float, int]:
    async with httpx.AsyncClient() as http:
        groove = GrooveClient(http, groove_url, DEMO_GROOVE_TOKEN)
        async with TrelloClient(trello_url, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN) as trello:
            start = time.perf_counter()
            found = await discover(groove, trello)
            elapsed = time.perf_counter() - start
    assert found.epics is not None and all(c.domains for c in found.customers)
    return elapsed, len(found.customers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=30)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--marked", type=int, default=5, help="backlogged cards per board")
    parser.add_argument("--cards", type=int, default=40)
    args = parser.parse_args()
    groove, trello = build(args.boards, args.marked, args.cards)
    faults = Faults(latency_ms=args.latency_ms)
    g_server = start_groove_fake(groove, faults=faults)
    t_server = start_trello_fake(trello, faults=Faults(latency_ms=args.latency_ms))
    try:
        elapsed, customers = asyncio.run(measure(g_server.url, t_server.url))
        g_requests, t_requests = len(g_server.requests()), len(t_server.requests())
    finally:
        g_server.stop()
        t_server.stop()
    tickets = min(args.marked, TICKETS_PER_BOARD) * args.boards
    trips = 1 + (-(-args.boards // 10) + 1) + -(-tickets // TICKET_CONCURRENCY)
    bound = trips * args.latency_ms / 1000
    print(f"init discovery, {args.boards} boards x {args.cards} cards ({args.marked} backlogged), "
          f"{args.latency_ms:.0f} ms latency: {customers} customers found")
    print(f"  requests: Groove {g_requests} (agents + {g_requests - 1} tickets), Trello {t_requests} "
          f"(boards + {t_requests - 2} batches + members)")
    print(f"  time: {elapsed * 1000:.0f} ms vs round-trip bound {bound * 1000:.0f} ms ({trips} round trips; "
          f"ratio {elapsed / bound:.2f}); goal: a few seconds")


if __name__ == "__main__":
    main()
