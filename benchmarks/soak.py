"""A week in minutes: the whole app, headless, against both fakes on a simulated clock, with faults.

The simulated clock moves ``step_minutes`` per step; each step new tickets may arrive (in working-hours
bursts), customers reply, "other people" move cards on the boards, the triage person acts at random,
faults are thrown in (5xx, 429 bursts, dropped connections, malformed JSON, timeouts, and either API
down for a simulated hour), and the Inbox is refreshed once (one poll per step). At the end the report
says: crashes, worker errors by group, RSS growth, CPU per simulated day, how many polls it took to
recover after each outage, and whether every journaled action was carried out exactly once.

Run the full week: .venv/bin/python benchmarks/soak.py [--days 7] [--step-minutes 10] [--seed 1]
The test suite runs a short variant (tests/test_soak.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from supportdesk_tui.bootstrap import make_app
from supportdesk_tui.config import parse_settings
from supportdesk_tui.demo import FakeEnvironment, demo_credentials, start_fakes
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_DEVELOPERS,
    DEMO_ME,
    DEMO_TRIAGE_LEADS,
    SUPPORT_EPICS_BOARD_ID,
)

START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 07:00 London
FAST_GROOVE = {"retry_attempts": 2, "backoff_multiplier": 0.01, "backoff_max": 0.05, "max_retry_wait": 0.1}

Action = Callable[[Any, random.Random], Awaitable[str | None]]


@dataclass
class SoakConfig:
    days: float = 7.0
    step_minutes: float = 10.0
    seed: int = 1
    tickets: int = 60
    fault_chance: float = 0.06  # per step, chance that a fault spell starts
    action_chance: float = 0.15  # per step, chance that the triage person acts
    outage_steps: int = 6  # an outage lasts this many steps (an hour at 10-minute steps)


@dataclass
class SoakReport:
    steps: int = 0
    simulated_days: float = 0.0
    real_seconds: float = 0.0
    crashes: int = 0
    crash_text: str = ""
    worker_errors: Counter[str] = field(default_factory=Counter)
    polls: int = 0
    failed_polls: int = 0
    outages: int = 0
    recovery_polls: list[int] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    cpu_seconds: float = 0.0
    actions: Counter[str] = field(default_factory=Counter)
    journal: Counter[str] = field(default_factory=Counter)
    duplicates: list[str] = field(default_factory=list)
    arrivals: int = 0

    def lines(self) -> list[str]:
        per_day = self.cpu_seconds / self.simulated_days if self.simulated_days else 0.0
        recover = max(self.recovery_polls) if self.recovery_polls else 0
        return [
            f"simulated {self.simulated_days:.1f} days in {self.steps} steps, {self.real_seconds:.0f} s real",
            f"crashes: {self.crashes} (goal 0){' - ' + self.crash_text if self.crash_text else ''}",
            f"worker errors by group: {dict(self.worker_errors) or 'none'} (refresh errors during faults are "
            "handled: banner, old data kept)",
            f"polls: {self.polls}, failed: {self.failed_polls}; outages: {self.outages}, polls to recover after "
            f"each: {self.recovery_polls} (goal: within one poll; worst {recover})",
            f"RSS: {self.rss_start_mb:.1f} MB after the first day -> {self.rss_end_mb:.1f} MB at the end "
            f"(growth {self.rss_end_mb - self.rss_start_mb:+.1f} MB, goal < 10 MB)",
            f"CPU: {self.cpu_seconds:.1f} s = {per_day:.2f} s per simulated day",
            f"new tickets: {self.arrivals}; triage actions: {dict(self.actions) or 'none'}",
            f"journal entries: {dict(self.journal) or 'none'}; duplicates found on the fakes: "
            f"{self.duplicates or 'none'} (goal: every entry done exactly once)",
        ]


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def soak_settings(env: FakeEnvironment, data_dir: Path) -> Any:
    data = {
        "groove": {"poll_seconds": 3600, "bell": False},  # the soak drives the polls itself
        "sla": {"target_hours": 48, "clock": "business", "timezone": "Europe/London",
                "business_hours": ["09:00-12:30", "13:30-17:30"], "pause_states": ["pending"]},
        "trello": {"support_epics_board": SUPPORT_EPICS_BOARD_ID, "poll_seconds": 3600},
        "customers": [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain],
                       "commitment_days": c.commitment_days} for c in DEMO_CUSTOMERS],
        "team": {"me": DEMO_ME, "developers": list(DEMO_DEVELOPERS), "triage_leads": list(DEMO_TRIAGE_LEADS)},
    }
    return parse_settings(data, config_path=data_dir / "config.toml", data_dir=data_dir,
                          groove_url=env.groove_url, trello_url=env.trello_url)


def working_hours(now: datetime) -> bool:
    local = now + timedelta(hours=0)  # London is UTC in November
    return local.weekday() < 5 and 8 <= local.hour < 18


class FaultSpell:
    """One misbehaviour of one service for a few steps."""

    KINDS = ("errors", "rate-limit", "drops", "malformed", "slow", "outage")

    def __init__(self, env: FakeEnvironment, rng: random.Random, steps: int, outage_steps: int) -> None:
        self.service = rng.choice(("groove", "trello"))
        self.kind = rng.choice(self.KINDS)
        self.steps_left = outage_steps if self.kind == "outage" else steps
        server = env.groove_server if self.service == "groove" else env.trello_server
        assert server is not None
        self.faults = server.faults
        if self.kind == "errors":
            self.faults.error_rate, self.faults.error_status = 0.4, rng.choice((500, 502, 503))
        elif self.kind == "rate-limit":
            self.faults.error_rate, self.faults.error_status = 0.5, 429
        elif self.kind == "drops":
            self.faults.drop_rate = 0.3
        elif self.kind == "malformed":
            self.faults.malformed_rate = 0.2
        elif self.kind == "slow":
            self.faults.latency_ms = 300
        else:
            self.faults.down = True

    @property
    def is_groove_outage(self) -> bool:
        return self.kind == "outage" and self.service == "groove"

    def step(self) -> bool:
        """Count a step down; True when the spell is over (and the service healed)."""
        self.steps_left -= 1
        if self.steps_left > 0:
            return False
        self.faults.error_rate = self.faults.drop_rate = self.faults.malformed_rate = 0.0
        self.faults.latency_ms = 0.0
        self.faults.down = False
        self.faults.error_status = 503
        return True


async def run_soak(cfg: SoakConfig, data_dir: Path, *, actions: list[Action] | None = None) -> SoakReport:
    """Run the simulated week and return its report (never raises for the app's own failures)."""
    from textual.worker import Worker, WorkerState

    from supportdesk_tui.screens.inbox.screen import InboxScreen

    rng = random.Random(cfg.seed)
    clock = FixedClock(START)
    env = start_fakes(clock=clock, tickets=cfg.tickets, seed=f"soak-{cfg.seed}")
    for server in (env.groove_server, env.trello_server):
        if server is not None:
            server.record = False  # the request log is for tests; here it would only add to the RSS figure
    report = SoakReport()
    steps = int(cfg.days * 24 * 60 / cfg.step_minutes)
    app = make_app(soak_settings(env, data_dir), demo_credentials(), clock, groove_options=FAST_GROOVE)

    def hook(message: Any) -> None:
        if isinstance(message, Worker.StateChanged) and message.state is WorkerState.ERROR:
            report.worker_errors[message.worker.group] += 1

    started = time.perf_counter()
    spells: list[FaultSpell] = []
    pending_recovery: int | None = None
    try:
        async with app.run_test(headless=True, size=(150, 40), message_hook=hook) as pilot:
            await _settle(pilot)
            for step in range(steps):
                if step == max(1, steps // 7):  # after a simulated day: lazy imports and caches have filled
                    report.rss_start_mb, cpu0 = rss_mb(), cpu_seconds()
                clock.advance(timedelta(minutes=cfg.step_minutes))
                now = clock.now()
                report.arrivals += _weather(env, rng, now)
                for spell in list(spells):
                    if spell.step():
                        spells.remove(spell)
                        if spell.is_groove_outage:
                            pending_recovery = 0
                if rng.random() < cfg.fault_chance and len(spells) < 2:
                    spell = FaultSpell(env, rng, rng.randint(1, 3), cfg.outage_steps)
                    spells.append(spell)
                    report.outages += spell.kind == "outage"
                if actions and rng.random() < cfg.action_chance:
                    name = await rng.choice(actions)(app, rng)
                    if name:
                        report.actions[name] += 1
                screen = app.screen
                if isinstance(screen, InboxScreen):
                    screen.refresh_inbox()
                    await _settle(pilot)
                    report.polls += 1
                    failed = screen.failure is not None
                    report.failed_polls += failed
                    if pending_recovery is not None:
                        pending_recovery += 1
                        if not failed:
                            report.recovery_polls.append(pending_recovery)
                            pending_recovery = None
                    screen.tick()
                report.steps += 1
            for spell in spells:
                spell.steps_left = 1
                spell.step()
            await app.services.journal.resume()
            await _settle(pilot)
            report.rss_end_mb = rss_mb()
            report.cpu_seconds = cpu_seconds() - cpu0 if report.rss_start_mb else cpu_seconds()
            for entry in await asyncio.to_thread(app.services.store.journal_entries, None, 100_000):
                report.journal[entry.status] += 1
            report.duplicates = _duplicates(env)
    except Exception as exc:  # the soak's job is to count these, not to die of them
        report.crashes += 1
        report.crash_text = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        env.stop()
    report.simulated_days = report.steps * cfg.step_minutes / (24 * 60)
    report.real_seconds = time.perf_counter() - started
    return report


async def _settle(pilot: Any) -> None:
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(3):
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _weather(env: FakeEnvironment, rng: random.Random, now: datetime) -> int:
    """What the rest of the world does in one step: arrivals in working-hours bursts, replies, card moves."""
    arrivals = 0
    if working_hours(now):
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            env.groove.simulate_arrival(rng)
            arrivals += 1
        snapshot = env.groove.tickets_snapshot()
        if snapshot and rng.random() < 0.2:
            number = rng.choice(sorted(snapshot))
            env.groove.add_customer_reply(number, "Any news on this? Thanks.")
        if env.trello is not None and rng.random() < 0.1:
            customer = rng.choice(DEMO_CUSTOMERS)
            cards = env.trello.cards_on(customer.board_id)
            if cards:
                card = rng.choice(cards)
                target = rng.choice(("Up next", "Recently Completed", "New Issues"))
                env.trello.move_card_as_other_person(card["id"], target)
    return arrivals


def _duplicates(env: FakeEnvironment) -> list[str]:
    """Cards that carry the same Groove ticket marker twice on one board (a backlog done twice)."""
    found: list[str] = []
    if env.trello is None:
        return found
    for customer in DEMO_CUSTOMERS:
        markers: Counter[str] = Counter()
        for card in env.trello.cards_on(customer.board_id, include_closed=False):
            for line in str(card.get("desc", "")).splitlines():
                if line.startswith("Groove ticket: "):
                    markers[line] += 1
        found += [f"{customer.name}: {m} x{n}" for m, n in markers.items() if n > 1]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--step-minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cfg = SoakConfig(days=args.days, step_minutes=args.step_minutes, seed=args.seed)
    from benchmarks.soak_actions import ACTIONS

    with tempfile.TemporaryDirectory(prefix="supportdesk-soak-") as tmp:
        report = asyncio.run(run_soak(cfg, Path(tmp), actions=ACTIONS))
    print("\n".join(report.lines()))


if __name__ == "__main__":
    main()
