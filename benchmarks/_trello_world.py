"""The Trello benchmarks' common ground: N boards of M cards on a fake with a set latency."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from supportdesk_tui.fakes.base import FakeServer, Faults
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake

LISTS = ("New Issues", "Up next", "Recently Completed", "Done")


def build(fake: TrelloFake, boards: int, cards: int) -> list[str]:
    fake.set_rate_limit(False)  # the benches count our requests, not Trello's budget
    ids = []
    for b in range(boards):
        board = fake.add_board(None, f"Customer {b + 1}", LISTS, members=("ben", "chloe", "dev"))
        for i in range(cards):
            fake.add_card(board, LISTS[i % len(LISTS)], f"Card {i} of board {b + 1}", desc="Some words " * 20,
                          labels=(f"est:{1 + i % 3}d",) if i % 2 else (), members=("ben",) if i % 3 == 0 else ())
        ids.append(board)
    return ids


def world_from_args(description: str | None) -> tuple[TrelloFake, list[str], FakeServer, float]:
    """Parse --boards/--cards/--latency-ms, build the boards, start the fake (latency in seconds last)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--boards", type=int, default=6)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()
    fake = TrelloFake()
    board_ids = build(fake, args.boards, args.cards)
    server = start_trello_fake(fake, faults=Faults(latency_ms=args.latency_ms))
    return fake, board_ids, server, args.latency_ms / 1000


def run_figures(description: str | None,
                figures: Callable[[FakeServer, TrelloFake, list[str], float], Awaitable[None]]) -> None:
    """Build the world from the command line, print ``figures`` over it, and stop the fake."""
    fake, board_ids, server, latency = world_from_args(description)
    try:
        asyncio.run(figures(server, fake, board_ids, latency))
    finally:
        server.stop()
