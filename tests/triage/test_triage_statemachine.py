"""A Hypothesis state machine over backlogs, faults, outages, crashes and restarts, against both fakes.

Invariants, after every step: never two cards for one ticket, never two notes with a card's link,
never two state changes; and once everything is back up and the queue has drained, every ticket that
was backlogged has exactly one card, one note and its state set once.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from supportdesk_tui.demo import demo_credentials
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.demo_customers import DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.journal import ATTEMPT
from supportdesk_tui.store import Store
from tests.support import FAST_RETRIES, NOW
from tests.triage.fixtures import ACME, BLUEBIRD, Processed, TrelloEnv, build_settings, seed_boards, trello_options

CUSTOMERS = [(ACME.name, ACME.board_id, "wile@acme.example"),
             (BLUEBIRD.name, BLUEBIRD.board_id, "tom@bluebird.example"),
             (ACME.name, ACME.board_id, "daisy@acme.example")]
STEPS = ["check", "card", "note", "state", "record"] + [f"{s}{ATTEMPT}" for s in ("card", "note", "state")]
# Not drop_after on PUT state: the client itself retries an idempotent PUT whose answer was lost, which
# would set the (same) state twice by design; every other lost answer is covered.
FAULTS = [("trello", "POST", r"^/1/cards$", "status"), ("trello", "POST", r"^/1/cards$", "drop_after"),
          ("trello", "GET", r"^/1/boards/", "status"), ("groove", "POST", r"/messages$", "status"),
          ("groove", "POST", r"/messages$", "drop_after"), ("groove", "PUT", r"/state$", "status"),
          ("groove", "GET", r"/tickets/\d+$", "status")]


class Crash(Exception):
    pass


class CrashingStore(Store):
    crash: tuple[str, str] | None = None

    def journal_step(self, entry_id: int, step: str, result: Any, now: datetime) -> None:
        self._maybe_crash(step, "before")
        super().journal_step(entry_id, step, result, now)
        self._maybe_crash(step, "after")

    def journal_attempt(self, entry_id: int, step: str, tries: int, now: datetime) -> None:
        """Attempt counts have their own column; a crash point names them "<step>@attempt"."""
        self._maybe_crash(f"{step}{ATTEMPT}", "before")
        super().journal_attempt(entry_id, step, tries, now)
        self._maybe_crash(f"{step}{ATTEMPT}", "after")

    def _maybe_crash(self, step: str, when: str) -> None:
        if self.crash is not None and self.crash == (step, when):
            self.crash = None
            raise Crash(step)


class BacklogMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="triage-sm-"))
        self.loop = asyncio.new_event_loop()
        clock = FixedClock(NOW)
        self.clock = clock
        self.groove = GrooveFake(clock=clock)
        self.groove_server = start_groove_fake(self.groove)
        self.groove_processed = Processed(self.groove_server)
        fake = TrelloFake(clock, key=DEMO_TRELLO_KEY, token=DEMO_TRELLO_TOKEN, rate_limit=False)
        seed_boards(fake)
        self.trello = TrelloEnv(fake, start_trello_fake(fake))
        self.settings = build_settings(self.tmp, self.groove_server.url, self.trello.server.url)
        self.numbers = [self.groove.add_ticket(customer_email=email, subject=f"Problem {i}", body="It broke.",
                                               created_at=NOW) for i, (_, _, email) in enumerate(CUSTOMERS)]
        self.asked: set[int] = set()
        self.services = self._start()
        self.seen = {n: self.run(self._fetch(n)) for n in self.numbers}

    # --- plumbing ----------------------------------------------------------------------------------
    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _fetch(self, n: int) -> Any:
        return await (await self.services.groove()).get_ticket(n)

    def _start(self) -> Services:
        self.store = CrashingStore(self.settings.data_dir / "supportdesk.sqlite3")
        return Services(self.settings, demo_credentials(), self.clock, self.store, groove_options=FAST_RETRIES,
                        trello_options=trello_options())

    def _restart(self) -> None:
        self.run(self.services.aclose())
        self.services = self._start()
        try:
            self.run(self.services.journal.resume())
        except Crash:
            self._restart()

    # --- rules ---------------------------------------------------------------------------------------
    @rule(i=st.integers(0, len(CUSTOMERS) - 1))
    def backlog(self, i: int) -> None:
        n = self.numbers[i]
        self.asked.add(n)
        try:
            self.run(self.services.triage.backlog(self.seen[n], CUSTOMERS[i][0], f"Problem {i}"))
        except Crash:
            self._restart()

    @rule(fault=st.sampled_from(FAULTS))
    def inject_fault(self, fault: tuple[str, str, str, str]) -> None:
        where, method, path, action = fault
        (self.groove_server if where == "groove" else self.trello.server).fail_next(method, path, action)

    @rule(step=st.sampled_from(STEPS), when=st.sampled_from(["before", "after"]))
    def arm_crash(self, step: str, when: str) -> None:
        self.store.crash = (step, when)

    @rule(which=st.sampled_from(["groove", "trello"]), down=st.booleans())
    def outage(self, which: str, down: bool) -> None:
        (self.groove_server if which == "groove" else self.trello.server).faults.down = down

    @rule()
    def restart(self) -> None:
        self._restart()

    @rule()
    def resume(self) -> None:
        try:
            self.run(self.services.journal.resume())
        except Crash:
            self._restart()

    # --- invariants ------------------------------------------------------------------------------------
    def _counts(self, i: int) -> tuple[int, int, int]:
        n, board = self.numbers[i], CUSTOMERS[i][1]
        cards = self.trello.cards_for(board, f"https://consultancy.groovehq.com/t/{n}")
        links = {c["shortUrl"] for c in cards}
        notes = [m for m in self.groove.messages_of(n) if m.note and any(u in m.plain_text for u in links)]
        return len(cards), len(notes), self.groove_processed.count("PUT", rf"/tickets/{n}/state$")

    @invariant()
    def never_twice(self) -> None:
        for i in range(len(CUSTOMERS)):
            cards, notes, states = self._counts(i)
            assert cards <= 1 and notes <= 1 and states <= 1, (self.numbers[i], cards, notes, states)

    def teardown(self) -> None:
        try:
            self.store.crash = None
            for server in (self.groove_server, self.trello.server):
                server.faults.down = False
                with server.faults.lock:
                    server.faults.scripted.clear()
            self.run(self.services.journal.resume())
            assert self.services.journal.pending_count == 0
            for i, n in enumerate(self.numbers):
                if n in self.asked:
                    assert self._counts(i) == (1, 1, 1), (n, self._counts(i))
                    assert self.groove.tickets_snapshot()[n].state == "closed"
                else:
                    assert self._counts(i) == (0, 0, 0)
        finally:
            self.run(self.services.aclose())
            self.loop.close()
            self.groove_server.stop()
            self.trello.server.stop()
            shutil.rmtree(self.tmp, ignore_errors=True)


def test_backlog_invariants_hold_under_faults_and_restarts() -> None:
    run_state_machine_as_test(BacklogMachine, settings=settings(
        max_examples=25, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
