"""The stand-up: requests and time to open it for 6 customer boards (and Support Epics) at 100 ms latency.

Goals: one request per board (6 customer boards plus Support Epics: 7), within 1.5x of the round-trip
bound (7 x latency: every py-trello call runs on one worker thread, so the boards' requests go one
after another however many are in flight); reopening within the same minute costs one small
``actions?since=`` request per board. A plan with cards of every board is saved first (not timed).
Run: .venv/bin/python benchmarks/bench_standup.py [--boards 6] [--cards 200] [--latency-ms 100]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._trello_world import run_figures, services_for, timed
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.trello.server import TrelloFake

DEVELOPERS = ("ana", "ben", "chloe", "dev")


async def figures(server: FakeServer, fake: TrelloFake, board_ids: list[str], latency_s: float) -> None:
    epics = fake.add_board(None, "Support Epics", ("Up next", "In progress", "Done"))
    with tempfile.TemporaryDirectory(prefix="supportdesk-bench-") as tmp:
        services = services_for(server.url, board_ids, epics, Path(tmp), commitment_days=2,
                                team={"developers": list(DEVELOPERS), "triage_leads": ["ana", "ben"]})
        try:
            await (await services.trello()).check_auth()  # open the keep-alive connection outside the timing
            planning, standup = services.planning, services.standup
            pool = await planning.load_pool()
            week = IsoWeek.of(standup.today())
            plan = planning.new_plan(week).with_triage_pair(("ana", "ben"))
            for n, item in enumerate(pool.items[:20]):
                plan = plan.assign(DEVELOPERS[n % 4], week.days()[n % 5], item).plan
            await planning.save(plan)
            await planning.record.drain()  # the plan on its card, and checked, as the running app has it
            await planning.record.check()
            for card in fake.cards_on(board_ids[0], "Up next")[:3]:
                fake.move_card_as_other_person(card["id"], "Recently Completed")
            n = len(board_ids) + 1
            bound = n * latency_s * 1000
            view, requests, elapsed = await timed(server, standup.load())
            print(f"open the stand-up, {len(board_ids)} customer boards + Support Epics: {requests} requests "
                  f"(goal {n}), {elapsed * 1000:.0f} ms vs round-trip bound {bound:.0f} ms "
                  f"(ratio {elapsed * 1000 / bound:.2f}, goal <= 1.5); {len(view.standup.developers)} developers, "
                  f"{len(view.standup.unread)} board(s) unread")
            runs = [await timed(server, standup.load()) for _ in range(3)]
            _, requests, _ = runs[-1]
            small = all(r.path.rstrip("/").endswith("/actions") for r in server.requests())
            print(f"reopen within the same minute: {requests} requests ({requests / n:.1f} per board, goal 1, "
                  f"{'all' if small else 'not all'} small actions requests), "
                  f"{min(r[2] for r in runs) * 1000:.0f} ms (best of 3)")
        finally:
            await services.aclose()


def main() -> None:
    run_figures(__doc__.splitlines()[0] if __doc__ else None, figures)


if __name__ == "__main__":
    main()
