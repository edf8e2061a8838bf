"""Triage figures: key press to dialog on screen, and backlog end to end at 100 ms latency.

1. Key to dialog: the real App on the demo fakes, driven in-process by Textual's Pilot (headless).
   The clock starts just before the key is sent and stops at the first frame the App hands to its
   (headless) driver while the dialog is the active screen (not when ``Pilot.press`` returns: that
   also waits for the app to go idle). The first open of each dialog also pays
   for importing the dialogs module and parsing its TCSS, so it is reported apart ("cold").
2. Backlog end to end: the services (journal, Groove client, Trello facade) against both fakes, each
   answering every request after 100 ms. Sequential round trips are counted from the fakes' own
   request logs: requests that arrive within half the latency of each other were in flight together
   (one wave); waves were sequential. Goal: at most 4 on the happy path.

Run: .venv/bin/python benchmarks/bench_triage.py [--runs 15] [--backlogs 5] [--latency-ms 100]
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

from benchmarks._common import app_on, median, start
from supportdesk_tui.demo import demo_credentials, demo_settings
from supportdesk_tui.domain.clock import SystemClock
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store

DIALOG_KEYS = (("b", "BacklogDialog"), ("c", "CloseDialog"), ("n", "NoteDialog"), ("u", "UrgentDialog"),
               ("", "ConfirmScreen"))  # baseline: the app's own two-line yes/no modal, pushed directly


async def key_to_dialog(runs: int) -> dict[str, tuple[float, float, float]]:
    """(cold ms, median ms, worst ms) per key."""
    from supportdesk_tui.screens.confirm import ConfirmScreen
    from supportdesk_tui.widgets.ticket_table import TicketTable

    env = start(tickets=100)
    app = app_on(env)
    shown = asyncio.Event()
    wanted = {"name": ""}
    display = app._display  # private API of the pinned Textual, used only by this benchmark

    def counted_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if wanted["name"] and type(app.screen).__name__ == wanted["name"]:
            shown.set()

    app._display = counted_display
    figures: dict[str, tuple[float, float, float]] = {}
    try:
        async with app.run_test(size=(150, 40)) as pilot:
            for _ in range(400):
                tables = app.screen.query(TicketTable)
                if tables and tables.first().row_count:
                    break
                await asyncio.sleep(0.025)
            for key, name in DIALOG_KEYS:
                times = []
                for _ in range(runs + 1):
                    shown.clear()
                    wanted["name"] = name
                    started = time.perf_counter()
                    if key:
                        press = asyncio.ensure_future(pilot.press(key))  # Pilot.press also waits for idle after
                    else:
                        app.push_screen(ConfirmScreen("Baseline?"))
                        press = asyncio.ensure_future(pilot.pause())
                    await asyncio.wait_for(shown.wait(), timeout=10)
                    times.append((time.perf_counter() - started) * 1000)
                    await press
                    wanted["name"] = ""
                    await pilot.press("escape")
                    await pilot.pause()
                figures[key] = (times[0], median(times[1:]), max(times[1:]))
    finally:
        env.stop()
    return figures


def waves(arrivals: list[float], latency_s: float) -> int:
    """Requests that arrived within half a latency of the wave's first were concurrent."""
    count, wave_start = 0, None
    for at in sorted(arrivals):
        if wave_start is None or at - wave_start > latency_s / 2:
            count += 1
            wave_start = at
    return count


async def backlog_end_to_end(backlogs: int, latency_ms: float) -> list[dict[str, Any]]:
    env = start(tickets=20, latency_ms=latency_ms)
    data = Path(tempfile.mkdtemp(prefix="supportdesk-bench-triage-"))
    settings = demo_settings(env, data)
    services = Services(settings, demo_credentials(), SystemClock(), Store.in_dir(data))
    rows: list[dict[str, Any]] = []
    try:
        groove = await services.groove()
        await services.trello()
        plan = [("Bluebird Travel", "bluebird.example", "cold list cache"),
                ("Acme Ltd", "acme.example", "cold list cache, warmed while the dialog was open")]
        plan += [("Acme Ltd", "acme.example", "warm list cache")] * max(1, backlogs - 2)
        await services.triage.load()
        for i, (customer, domain, cache) in enumerate(plan):
            number = env.groove.add_ticket(customer_email=f"bench{i}@{domain}", subject=f"Bench {i}", body="It broke.")
            ticket = await groove.get_ticket(number)
            if "warmed" in cache:  # what the Inbox does when `b` opens the dialog
                found = services.triage.directory.by_name(customer)
                assert found is not None
                await services.triage.warm_up(found)
            for server in (env.groove_server, env.trello_server):
                assert server is not None
                server.clear_log()
            started = time.time()
            result = await services.triage.backlog(ticket, customer, ticket.title)
            elapsed = time.time() - started
            assert result.ok, result.message
            logs = env.groove_server.requests() + (env.trello_server.requests() if env.trello_server else [])
            rows.append({"run": i + 1, "cache": cache, "ms": elapsed * 1000,
                         "requests": len(logs), "round_trips": waves([r.at for r in logs], latency_ms / 1000),
                         "what": ", ".join(f"{r.method} {_short(r.path)}" for r in sorted(logs, key=lambda r: r.at))})
    finally:
        await services.aclose()
        env.stop()
    return rows


def _short(path: str) -> str:
    parts = path.strip("/").split("/")
    return "/".join(p if not (len(p) == 24 or p.isdigit()) else "…" for p in parts[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backlogs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()

    print(f"Key press to dialog on screen (in-process Pilot, headless, 150x40; {args.runs} runs after a cold one)")
    for key, (cold, med, worst) in asyncio.run(key_to_dialog(args.runs)).items():
        label = key or "baseline (the app's two-line ConfirmScreen, pushed directly)"
        print(f"  {label}: cold {cold:6.1f} ms   median {med:6.1f} ms   worst {worst:6.1f} ms")

    print(f"\nBacklog end to end, both fakes at {args.latency_ms:g} ms per request (goal: <= 4 sequential round trips)")
    rows = asyncio.run(backlog_end_to_end(args.backlogs, args.latency_ms))
    for row in rows:
        print(f"  #{row['run']} ({row['cache']}): {row['ms']:6.0f} ms, {row['requests']} requests in "
              f"{row['round_trips']} sequential round trips: {row['what']}")
    warm = [r for r in rows if r["cache"] == "warm list cache"]
    if warm:
        print(f"  warm median: {median([r['ms'] for r in warm]):.0f} ms, "
              f"{max(r['round_trips'] for r in warm)} round trips at most")


if __name__ == "__main__":
    main()
