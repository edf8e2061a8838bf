"""One scripted day of journaled actions, every kind, against the loopback fakes (shared by the fixture
generator and the compatibility test).

The fakes and the clock are deterministic (seeded ids, a frozen instant), so running this scenario
again on fresh fakes leaves them exactly as they were when the committed SQLite fixture was made: the
test replays it, then resumes and undoes the fixture's old rows against the same Trello and Groove.
Only public service calls (and ``journal.submit`` with a kind and a JSON payload) are used, so the
same script ran on the code that wrote the fixture. Helpers only, no asserts: PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.store import Store
from tests.boards.fixtures import ACME, FAST_TRELLO, World, seed_world, settings_for
from tests.support import FAST_RETRIES, NOW

W48 = IsoWeek(2026, 48)
NO_SUCH_LIST = "5f1a2b3c00000000000000ff"


@dataclass
class GrooveEnv:
    fake: GrooveFake
    server: FakeServer


@dataclass
class Fakes:
    """Both fakes running on loopback, seeded like the Boards tests' world."""

    clock: FixedClock
    groove: GrooveEnv
    world: World
    tickets: dict[str, int] = field(default_factory=dict)

    def stop(self) -> None:
        self.groove.server.stop()
        self.world.trello_server.stop()


def start_fakes() -> Fakes:
    clock = FixedClock(NOW)
    groove_fake = GrooveFake(clock=clock)
    groove = GrooveEnv(groove_fake, start_groove_fake(groove_fake))
    trello = TrelloFake(clock)
    trello.set_rate_limit(False)
    world = seed_world(trello, groove)
    world.trello_server = start_trello_fake(trello)
    return Fakes(clock, groove, world)


def services_on(fakes: Fakes, data_dir: Path, store: Store | None = None) -> Any:
    from supportdesk_tui.demo import demo_credentials
    from supportdesk_tui.services.container import Services

    settings = settings_for(fakes.world, data_dir)
    return Services(settings, demo_credentials(), fakes.clock, store or Store.in_dir(data_dir),
                    groove_options=FAST_RETRIES, trello_options=FAST_TRELLO)


TRIAGE_TICKETS = {  # key -> (hours ago, subject, priority)
    "backlog": (9, "Invoice PDF is blank", None), "fix": (8, "Search ignores accents", None),
    "urgent": (7, "Payments down", None), "close": (6, "Typo on invoice", None), "note": (5, "Question", None),
    "undone": (4, "Orders stuck", "low"), "conflict": (3, "Login loop", None), "midway": (2, "Export hangs", None),
    "queued": (1, "Slow reports", None), "cancelled": (1, "Menu overlaps", None), "later": (1, "Font too small", None),
}


async def run_scenario(fakes: Fakes, data_dir: Path) -> None:
    """Every kind of action in every state: done, failed, undone, and pending half-way and queued."""
    groove, world = fakes.groove, fakes.world
    for key, (hours, subject, priority) in TRIAGE_TICKETS.items():
        fakes.tickets[key] = groove.fake.add_ticket(customer_email="wile@acme.example", subject=subject,
                                                    body=f"About {subject}.", state="opened", priority=priority,
                                                    created_at=NOW - timedelta(hours=hours))
    s = services_on(fakes, data_dir)
    try:
        await s.triage.load()

        async def seen(key: str) -> Any:
            return await (await s.groove()).get_ticket(fakes.tickets[key])

        # --- done --------------------------------------------------------------------------------
        await s.triage.backlog(await seen("backlog"), ACME.name, "Invoice PDF is blank")
        await s.triage.fix_now(await seen("fix"))
        await s.triage.urgent(await seen("urgent"), "all card payments fail")
        await s.triage.close(await seen("close"), "Hello Wile,\n\nFixed now.")
        await s.triage.note(await seen("note"), "Called Wile, all good.")
        # --- undone (and the undo that did it) ---------------------------------------------------
        await s.triage.urgent(await seen("undone"), "orders stuck")
        await s.triage.undo()
        # --- failed: closed by someone else before the backlog ran -------------------------------
        stale = await seen("conflict")
        groove.fake.set_state(fakes.tickets["conflict"], "closed", by="ben@consultancy.example")
        await s.triage.backlog(stale, ACME.name, "Login loop")
        # --- boards: a move, the epics repairs, a failed move, done-and-notify ---------------------
        board = (await s.boards.refresh(ACME.board_id)).board
        login = next(c for c in board.cards if c.id == world.cards["login"])
        await s.boards.move_card(login, world.trello.list_id(ACME.board_id, "Up next"))
        await s.boards.repair_all((await s.boards.epics_view()).status)
        await s.journal.submit("board.move", {"card_id": world.cards["dark"], "list_id": NO_SUCH_LIST,
                                              "name": "Dark mode for the order portal", "list_name": "Gone"})
        reset = next(c for c in board.cards if c.id == world.cards["reset"])
        await s.boards.done(reset, s.boards.reply_preview(reset))
        # --- planning: publish and a confirmation ------------------------------------------------
        pool = (await s.planning.load_pool()).items
        plan = Plan.new(W48, ("ana", "ben", "chloe", "dev"))
        plan = plan.assign("ana", W48.days()[0], pool[0]).plan
        await s.planning.publish(plan, pool)
        await s.journal.submit("plan.confirm", {"week": str(W48), "customer": ACME.name,
                                                "ticket": world.tickets["vat"], "text": "Your plan: Mon.",
                                                "author": ""}, ticket=world.tickets["vat"])
        # --- pending half-way: the card's create never reached Trello (twice) ----------------------
        world.trello_server.fail_next("POST", r"^/1/cards$", "drop", times=2)
        await s.triage.backlog(await seen("midway"), ACME.name, "Export hangs")
        # ... then Groove goes down: the backlog makes its card but stops at the note, and what
        # follows queues behind it (one of them cancelled by undo before it ran)
        early = {k: await seen(k) for k in ("queued", "cancelled", "later")}
        groove.server.faults.down = True
        await s.triage.note(early["queued"], "Waiting on Wile")
        await s.triage.close(early["cancelled"], None)
        await s.triage.undo()
        await s.triage.fix_now(early["later"])
        groove.server.faults.down = False
    finally:
        await s.aclose()
