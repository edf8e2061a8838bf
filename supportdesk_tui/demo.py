"""The embedded demo: both fakes on loopback, seeded with a believable week, and settings that
point the app at them. Nothing here touches the user's real config, keyring or data.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from supportdesk_tui.config import Settings, parse_settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.domain.mail_domains import email_domain
from supportdesk_tui.domain.plan_export import plan_to_dict
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.fakes.base import FakeServer, Faults
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_DEVELOPERS,
    DEMO_GROOVE_TOKEN,
    DEMO_ME,
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
    DEMO_TRIAGE_LEADS,
    SUPPORT_EPICS_BOARD_ID,
)
from supportdesk_tui.fakes.groove.seed import seed_groove
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake


@dataclass
class FakeEnvironment:
    """Both fake services, running; ``stop()`` ends them and any arrival simulation."""

    groove: GrooveFake
    groove_server: FakeServer
    trello: Any = None
    trello_server: FakeServer | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def groove_url(self) -> str:
        return self.groove_server.url

    @property
    def trello_url(self) -> str:
        return self.trello_server.url if self.trello_server is not None else ""

    def simulate_arrivals(self, every_s: float, seed: int = 7) -> None:
        """Let a new ticket arrive now and then, so the demo shows toasts and new rows."""
        rng = random.Random(seed)

        def run() -> None:
            while not self._stop.wait(every_s * rng.uniform(0.6, 1.4)):
                self.groove.simulate_arrival(rng)

        thread = threading.Thread(target=run, name="demo-arrivals", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.groove_server.stop()
        if self.trello_server is not None:
            self.trello_server.stop()


def start_fakes(*, clock: Clock | None = None, port: int = 0, seed: str = "demo", tickets: int = 100,
                latency_ms: float = 0.0, error_rate: float = 0.0) -> FakeEnvironment:
    """Start and seed both fakes on 127.0.0.1 (Groove on ``port``, Trello on ``port + 1``; 0 = free ports)."""
    clock = clock or SystemClock()
    now = clock.now()
    groove = GrooveFake(clock=clock, token=DEMO_GROOVE_TOKEN)
    seed_groove(groove, now, tickets=tickets, seed=seed)
    groove_server = start_groove_fake(groove, port=port, faults=Faults(latency_ms=latency_ms, error_rate=error_rate))
    env = FakeEnvironment(groove, groove_server)
    from supportdesk_tui.fakes.trello.seed import seed_trello
    from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake

    trello = TrelloFake(clock=clock, key=DEMO_TRELLO_KEY, token=DEMO_TRELLO_TOKEN)
    by_customer: dict[str, list[int]] = {}
    domains = {c.domain: c.name for c in DEMO_CUSTOMERS}
    titles: dict[int, str] = {}
    for number, ticket in sorted(groove.tickets_snapshot().items()):
        name = domains.get(email_domain(ticket.customer_email) or "")
        # Cards link tickets that were backlogged earlier, so closed ones (an open ticket with a card
        # would already have been dealt with).
        if name is not None and ticket.state == "closed":
            by_customer.setdefault(name, []).append(number)
            titles[number] = ticket.title
    seed_trello(trello, now, ticket_numbers_by_customer=by_customer, seed=seed, ticket_titles=titles)
    _one_knower(trello, DEMO_PAIR_CUSTOMER, "chloe")
    env.trello = trello
    env.trello_server = start_trello_fake(trello, port=port + 1 if port else 0,
                                          faults=Faults(latency_ms=latency_ms, error_rate=error_rate))
    return env


def demo_settings(env: FakeEnvironment | tuple[str, str], data_dir: Path, config_path: Path | None = None,
                  poll_seconds: float = 10) -> Settings:
    """Settings for the demo: the demo customers and team, pointed at the fakes (or at two base URLs)."""
    groove_url, trello_url = (env.groove_url, env.trello_url) if isinstance(env, FakeEnvironment) else env
    settings = parse_settings(demo_config(poll_seconds), config_path=config_path or data_dir / "demo-config.toml",
                              data_dir=data_dir, groove_url=groove_url,
                              trello_url=trello_url or "https://api.trello.com/1")
    return settings


def demo_config(poll_seconds: float = 10) -> dict[str, Any]:
    """The demo's config document (no URLs, no credentials): what `fake-api` writes for another terminal."""
    return {
        "groove": {"subdomain": "consultancy", "poll_seconds": poll_seconds},
        "sla": {"target_hours": 48, "warn_hours": [12, 4], "clock": "calendar", "timezone": "Europe/London"},
        "trello": {"support_epics_board": SUPPORT_EPICS_BOARD_ID, "poll_seconds": 15},
        "customers": [
            {"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain],
             "commitment_days": c.commitment_days, "pair": c.name == DEMO_PAIR_CUSTOMER,
             "call_every_weeks": c.call_every_weeks,
             **({"call_day": c.call_day} if c.call_day else {}),
             **({"contact": c.contact_email} if c.contact_email else {})}
            for c in DEMO_CUSTOMERS
        ],
        "team": {"me": DEMO_ME, "developers": list(DEMO_DEVELOPERS), "triage_leads": list(DEMO_TRIAGE_LEADS),
                 "triage": ["ana", "chloe"]},
    }


DEMO_PAIR_CUSTOMER = "Evergreen Housing"
"""The demo's esoteric customer (``pair = true``): only chloe has worked on it lately, on the boards and in
the plan history below, so the pool marks it and the picker suggests pairing her with someone."""

# Weeks ago -> (developer, customer, card title, days): past plans, so the picker can say who knows whom.
_HISTORY: dict[int, tuple[tuple[str, str, str, int], ...]] = {
    1: (("ana", "Acme Ltd", "Checkout timeout on the order portal", 2), ("ben", "Acme Ltd",
         "Checkout timeout on the order portal", 2), ("chloe", DEMO_PAIR_CUSTOMER, "Rent arrears export", 2),
        ("dev", "Bluebird Travel", "Booking engine currency rounding", 3)),
    2: (("ben", "Copperleaf Foods", "Wholesale shop price list import", 2),
        ("dev", "Driftwood Clinics", "Appointment reminders in Welsh", 2),
        ("ana", "Foxglove Media", "Publishing CMS image crops", 1)),
    4: (("chloe", DEMO_PAIR_CUSTOMER, "Tenant portal repairs form", 3), ("ana", "Bluebird Travel",
         "Refund e-mails bounce", 1), ("dev", "Foxglove Media", "Editorial calendar sync", 2),
        ("ben", "Driftwood Clinics", "Clinic opening hours", 1)),
}


def _one_knower(trello: Any, customer: str, username: str) -> None:
    """Make ``username`` the only member of the customer's finished cards, so the demo's esoteric customer
    is known by one person whatever the random seed gave its cards."""
    board_id = next(c.board_id for c in DEMO_CUSTOMERS if c.name == customer)
    member = trello.add_member(username)
    finished = {trello.list_id(board_id, name) for name in ("Recently Completed", "Done")}
    with trello.lock:
        for card in trello.state.cards_on(board_id):
            if card.list_id in finished and card.id_members:
                card.id_members = [member]


def demo_plan_history(now: datetime) -> list[Plan]:
    """A few past weeks' plans for the demo (cards long since done), so knowledge of customers shows."""
    this_week = IsoWeek.of(now.date())
    plans = []
    for ago, work in sorted(_HISTORY.items(), reverse=True):
        week = this_week
        for _ in range(ago):
            week = week.prev()
        plan = Plan.new(week, DEMO_DEVELOPERS)
        for n, (dev, customer, title, days) in enumerate(work):
            item = WorkItem(f"demo-{week}-{n}", customer, title, 2 * days)
            for day in week.days()[:days]:
                plan = plan.assign(dev, day, item).plan.assign(dev, day, item).plan
        plans.append(plan)
    return plans


def demo_this_week(trello: Any, settings: Any, now: datetime) -> Plan | None:
    """This week's plan for the demo, made from the seeded boards' Up next pool as the Monday meeting would:
    each developer on a card or two, the triage pair on half days of triage, a pair on the esoteric customer.
    The boards are read through the fake's own routes and parsed by the real client's parser."""
    from supportdesk_tui.clients.trello import parse
    from supportdesk_tui.domain.planning_pool import build_pool

    def board(board_id: str) -> Any:
        with trello.lock:
            data = trello.route("GET", f"boards/{board_id}", parse.board_query(), trello.me_id)
        return parse.parse_board(data)

    boards = {c.name: board(c.trello_board) for c in settings.customers if c.trello_board}
    epics_id = settings.trello.support_epics_board
    pool = build_pool(settings.customers, boards, board(epics_id) if epics_id else None, settings.trello.lists)
    if len(pool) < 4:
        return None
    week = IsoWeek.of(now.date())
    mon, tue, wed, thu, fri = week.days()
    plan = Plan.new(week, DEMO_DEVELOPERS).with_triage_pair(("ana", "chloe"))
    by_customer: dict[str, list[WorkItem]] = {}
    for item in pool:
        by_customer.setdefault(item.customer, []).append(item)
    firsts = [items[0] for items in by_customer.values()]
    esoteric = by_customer.get(DEMO_PAIR_CUSTOMER, firsts)[0]
    work = [("ana", (mon, tue), firsts[0]), ("ben", (mon, thu), firsts[1]), ("ben", (tue, wed), esoteric),
            ("chloe", (tue, wed), esoteric), ("dev", (mon, tue), firsts[2]), ("dev", (wed, thu), firsts[3]),
            ("dev", (fri,), firsts[-1])]
    for dev, days, item in work:
        for day in days:
            if not plan.cell(dev, day):
                plan = plan.assign(dev, day, item).plan.assign(dev, day, item).plan
    for dev, day in (("ana", wed), ("ana", thu), ("chloe", mon), ("chloe", thu), ("chloe", fri)):
        plan = plan.clear(dev, day).mark_triage(dev, day).plan.mark_triage(dev, day).plan
    return plan


def seed_demo_plans(data_dir: Path, now: datetime, this_week: Plan | None = None) -> None:
    """Save the demo's plan history (and this week's plan) in the demo's store, from where the app writes them to
    the plan cards on its first start; weeks that already have a plan are left alone."""
    from supportdesk_tui.store import Store

    store = Store.in_dir(data_dir)
    try:
        for plan in [*demo_plan_history(now), *([this_week] if this_week else [])]:
            if store.load_plan(str(plan.week)) is None:
                store.save_plan(str(plan.week), {**plan_to_dict(plan), "team": list(DEMO_DEVELOPERS)}, now)
    finally:
        store.close()


def demo_credentials() -> Credentials:
    return Credentials(groove_token=DEMO_GROOVE_TOKEN, trello_key=DEMO_TRELLO_KEY, trello_token=DEMO_TRELLO_TOKEN,
                       sources={"groove_token": "demo", "trello_key": "demo", "trello_token": "demo"})
