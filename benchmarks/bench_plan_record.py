"""Plan of record figures: what a plan change costs in requests, how soon B sees A's change, and what an
unchanged check costs, with the fake Trello answering every request after 100 ms.

Two machines (two data dirs, the same settings, one fake Trello) run the real services. Requests are
counted from the fake's own log.

1. Requests per plan change, once the week's card exists: goal at most one read of the card's revision
   and one write (``GET /cards/{id}``, ``PUT /cards/{id}/desc``), whatever the burst's length.
2. A's change to B: polls B needs before its store shows the change (goal: one), and the time from A's
   save to B's store holding it when B polls right after A's write (debounce excluded, reported apart).
3. An unchanged check: requests and time (goal: one small request).

Run: .venv/bin/python benchmarks/bench_plan_record.py [--changes 10] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import median, start
from supportdesk_tui.demo import demo_credentials, demo_settings
from supportdesk_tui.domain.clock import SystemClock
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.planning.record import DEBOUNCE_S
from supportdesk_tui.store import Store


def machine(env: Any, name: str) -> Services:
    data = Path(tempfile.mkdtemp(prefix=f"supportdesk-bench-plan-{name}-"))
    services = Services(demo_settings(env, data), demo_credentials(), SystemClock(), Store.in_dir(data))
    services.planning.record.debounce_s = 0  # bursts are measured apart: the debounce only adds its 1.5 s
    return services


async def run(changes: int, latency_ms: float) -> dict[str, Any]:
    env = start(tickets=5, latency_ms=latency_ms)
    server = env.trello_server
    assert server is not None
    a, b = machine(env, "a"), machine(env, "b")
    week = IsoWeek.of(a.planning.today())
    developers = a.settings.team.developers
    out: dict[str, Any] = {}
    try:
        await a.planning.save(a.planning.new_plan(week))
        await a.planning.record.drain()  # the list and the card exist from here on
        await b.planning.record.check()
        per_change: list[int] = []
        kinds: list[str] = []
        to_b_ms: list[float] = []
        polls: list[int] = []
        for n in range(changes):
            plan = await a.planning.load_plan(week)
            assert plan is not None
            dev, day = developers[n % len(developers)], week.days()[n % 5]
            edited = plan.mark_triage(dev, day).plan if not plan.cell(dev, day) else plan.clear(dev, day)
            server.clear_log()
            started = time.perf_counter()
            await a.planning.save(edited, plan)
            await a.planning.record.drain()
            logs = server.requests()
            per_change.append(len(logs))
            kinds.append(" + ".join(f"{r.method} {_short(r.path)}" for r in logs))
            count = 0
            while True:
                count += 1
                await b.planning.record.check()
                seen = await b.planning.load_plan(week)
                if seen is not None and seen.cell(dev, day) == edited.cell(dev, day):
                    break
                if count > 5:
                    raise RuntimeError("B never saw A's change")
            to_b_ms.append((time.perf_counter() - started) * 1000)
            polls.append(count)
        server.clear_log()
        unchanged: list[float] = []
        for _ in range(changes):
            started = time.perf_counter()
            await b.planning.record.check()
            unchanged.append((time.perf_counter() - started) * 1000)
        unchanged_requests = len(server.requests()) / changes
        # a burst: five edits in a row with the real debounce, one write
        a.planning.record.debounce_s = DEBOUNCE_S
        plan = await a.planning.load_plan(week)
        assert plan is not None
        server.clear_log()
        for day in week.days():
            before, plan = plan, plan.mark_triage(developers[0], day).plan
            await a.planning.save(plan, before)
        await a.planning.record.drain()
        burst = len(server.requests())
        out = {"per_change": per_change, "kinds": kinds, "to_b_ms": to_b_ms, "polls": polls,
               "unchanged_ms": unchanged, "unchanged_requests": unchanged_requests, "burst": burst}
    finally:
        for s in (a, b):
            s.planning.record.stop()
            await s.aclose()
        env.stop()
    return out


def _short(path: str) -> str:
    parts = path.split("?")[0].strip("/").split("/")
    return "/".join(p if len(p) != 24 else "…" for p in parts[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()
    r = asyncio.run(run(args.changes, args.latency_ms))
    print(f"Plan of record at {args.latency_ms:g} ms per Trello request, {args.changes} changes")
    print(f"  requests per plan change: median {median([float(x) for x in r['per_change']]):g}, "
          f"max {max(r['per_change'])} (goal: 1 read + 1 write) — {r['kinds'][0]}")
    print(f"  a burst of 5 edits (debounce {DEBOUNCE_S:g} s): {r['burst']} requests")
    print(f"  A's change shows on B after {max(r['polls'])} poll(s) (goal: 1); save on A to B's store: "
          f"median {median(r['to_b_ms']):.0f} ms, worst {max(r['to_b_ms']):.0f} ms (plus the {DEBOUNCE_S:g} s "
          "debounce and B's poll period in the app)")
    print(f"  unchanged check: {r['unchanged_requests']:g} request(s), median {median(r['unchanged_ms']):.0f} ms")


if __name__ == "__main__":
    main()
