"""Trello board figures: loading 6 boards of 200 cards over a 100 ms link, and the cost of a poll.

Goals: one request per board load (6 in all), elapsed close to the round-trip bound
(6 x latency, since every py-trello call runs on one worker thread), and one request per board per
unchanged poll. For contrast it also times py-trello's README path (open_lists + list_cards per list).
Run: .venv/bin/python benchmarks/bench_trello_boards.py [--boards 6] [--cards 200] [--latency-ms 100]
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trello

from benchmarks._trello_world import world_from_args
from supportdesk_tui.clients.trello.facade import TrelloClient
from supportdesk_tui.clients.trello.session import RebasingSession
from supportdesk_tui.fakes.demo_customers import DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN


async def facade_figures(url: str, board_ids: list[str], server: object, latency_s: float) -> None:
    async with TrelloClient(url, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN) as client:
        await client.check_auth()  # open the keep-alive connection outside the timing
        server.clear_log()  # type: ignore[attr-defined]
        start = time.perf_counter()
        boards = await asyncio.gather(*(client.load_board(b) for b in board_ids))
        elapsed = time.perf_counter() - start
        requests = len(server.requests())  # type: ignore[attr-defined]
        bound = len(board_ids) * latency_s
        print(f"load {len(boards)} boards x {len(boards[0].cards)} cards: {requests} requests (goal {len(board_ids)}), "
              f"{elapsed * 1000:.0f} ms vs round-trip bound {bound * 1000:.0f} ms (ratio {elapsed / bound:.2f})")
        baselines = [await client.latest_action_id(b) for b in board_ids]
        server.clear_log()  # type: ignore[attr-defined]
        start = time.perf_counter()
        results = [await client.board_changed_since(b, a) for b, a in zip(board_ids, baselines, strict=True)]
        elapsed = time.perf_counter() - start
        polls = len(server.requests())  # type: ignore[attr-defined]
        changed = sum(1 for changed, _ in results if changed)
        print(f"unchanged poll of {len(board_ids)} boards: {polls} requests ({polls / len(board_ids):.1f} per board, "
              f"goal 1), {changed} reported changed, {elapsed * 1000:.0f} ms")


def readme_path_figures(url: str, board_ids: list[str], server: object) -> None:
    session = RebasingSession(url, timeout=30)
    client = trello.TrelloClient(DEMO_TRELLO_KEY, token=DEMO_TRELLO_TOKEN, http_service=session)
    server.clear_log()  # type: ignore[attr-defined]
    start = time.perf_counter()
    for board_id in board_ids:
        board = client.get_board(board_id)
        for lst in board.open_lists():
            lst.list_cards(query={})
    elapsed = time.perf_counter() - start
    print(f"py-trello README path (get_board, open_lists, list_cards per list): "
          f"{len(server.requests())} requests, {elapsed * 1000:.0f} ms")  # type: ignore[attr-defined]
    session.close()


def main() -> None:
    _fake, board_ids, server, latency = world_from_args(__doc__.splitlines()[0] if __doc__ else None)
    try:
        asyncio.run(facade_figures(server.url, board_ids, server, latency))
        readme_path_figures(server.url, board_ids, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
