"""The Trello benchmarks' common ground: N boards of M cards on a fake with a set latency."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from supportdesk_tui.config import parse_settings
from supportdesk_tui.demo import demo_credentials
from supportdesk_tui.domain.clock import SystemClock
from supportdesk_tui.fakes.base import FakeServer, Faults
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store

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


def services_for(url: str, board_ids: list[str], epics: str, data_dir: Path, *, commitment_days: float | None = None,
                 team: dict[str, Any] | None = None) -> Services:
    """The services on those boards (one customer each, "Customer 1".."N") and the Support Epics board."""
    customers = [{"name": f"Customer {i + 1}", "trello_board": b} for i, b in enumerate(board_ids)]
    if commitment_days is not None:
        for customer in customers:
            customer["commitment_days"] = commitment_days
    data: dict[str, Any] = {"customers": customers, "trello": {"support_epics_board": epics}}
    if team is not None:
        data["team"] = team
    settings = parse_settings(data, config_path=data_dir / "config.toml", data_dir=data_dir, trello_url=url)
    return Services(settings, demo_credentials(), SystemClock(), Store.in_dir(data_dir))


async def timed(server: FakeServer, job: Any) -> tuple[Any, int, float]:
    """A job's result, the requests the fake answered for it, and its wall time in seconds."""
    server.clear_log()
    start = time.perf_counter()
    result = await job
    return result, len(server.requests()), time.perf_counter() - start
