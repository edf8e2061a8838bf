"""Boards through BoardsService: 6 boards of 200 cards over a 100 ms link, and what each poll costs.

Goals: loading 6 boards costs 6 requests, in time close to the round-trip bound (6 x latency:
every py-trello call runs on one worker thread, so requests go one after another); an unchanged poll
costs 1 request per board, from the very first poll (the load brings the board's change baseline in the
same answer); that first poll is printed too. bench_trello_boards.py measures the
facade alone; this one goes through the service's cache and polling.
Run: .venv/bin/python benchmarks/bench_boards.py [--boards 6] [--cards 200] [--latency-ms 100]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._trello_world import run_figures, services_for, timed
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.trello.server import TrelloFake


async def figures(server: FakeServer, fake: TrelloFake, board_ids: list[str], latency_s: float) -> None:
    epics = fake.add_board(None, "Support Epics", ("Up next", "In progress", "Done"))
    with tempfile.TemporaryDirectory(prefix="supportdesk-bench-") as tmp:
        services = services_for(server.url, board_ids, epics, Path(tmp))
        boards = services.boards
        try:
            await (await services.trello()).check_auth()  # open the keep-alive connection outside the timing
            n = len(board_ids)
            bound = n * latency_s * 1000
            results, requests, elapsed = await timed(server, boards.refresh_many(board_ids))
            cards = sum(len(r.board.cards) for r in results.values())
            print(f"load {n} boards ({cards} cards): {requests} requests (goal {n}), {elapsed * 1000:.0f} ms vs "
                  f"round-trip bound {bound:.0f} ms (ratio {elapsed * 1000 / bound:.2f})")
            _, requests, elapsed = await timed(server, boards.refresh_many(board_ids))
            print(f"first poll after the load (baseline came with it, goal 1 per board): {requests} requests "
                  f"({requests / n:.1f} per board), {elapsed * 1000:.0f} ms")
            polls = []
            for _ in range(3):
                results, requests, elapsed = await timed(server, boards.refresh_many(board_ids))
                reloaded = sum(1 for r in results.values() if r.reloaded)
                polls.append((requests, elapsed, reloaded))
            requests, elapsed, reloaded = polls[-1]
            print(f"unchanged poll: {requests} requests ({requests / n:.1f} per board, goal 1), {reloaded} reloaded, "
                  f"{min(p[1] for p in polls) * 1000:.0f} ms (best of 3)")
            card = fake.cards_on(board_ids[0], "New Issues")[0]["id"]
            fake.move_card_as_other_person(card, "Up next")
            results, requests, elapsed = await timed(server, boards.refresh_many(board_ids))
            jobs = sum(len(r.jobs) for r in results.values())
            print(f"poll after one card moved on one board: {requests} requests (goal {n + 1}), "
                  f"{sum(1 for r in results.values() if r.reloaded)} reloaded, {jobs} epics sync job(s), "
                  f"{elapsed * 1000:.0f} ms")
        finally:
            await services.aclose()


def main() -> None:
    run_figures(__doc__.splitlines()[0] if __doc__ else None, figures)


if __name__ == "__main__":
    main()
