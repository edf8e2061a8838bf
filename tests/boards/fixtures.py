"""Fixtures for the Boards tests: a small fixed Trello world on a loopback fake, beside the Groove fake.

Three customers (the demo's board ids), each board with the four configured lists, and the Support
Epics board holding: a copy of one Up next card, a copy whose source is already finished (to move to
Done), two copies of one card (a duplicate), an orphan copy, and no copy of one Up next card (missing).
Ids come from the fake's seeded generator and the frozen clock, so they are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.clients.retry import RetryPolicy
from supportdesk_tui.config import Settings, parse_settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, DEMO_ME, SUPPORT_EPICS_BOARD_ID
from supportdesk_tui.fakes.trello.seed import CUSTOMER_LISTS, EPIC_LISTS, source_marker, ticket_link
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from tests.support import FAST_RETRIES, NOW

ACME, BLUEBIRD, COPPERLEAF = DEMO_CUSTOMERS[0], DEMO_CUSTOMERS[1], DEMO_CUSTOMERS[2]
CUSTOMERS = (ACME, BLUEBIRD, COPPERLEAF)
EPICS = SUPPORT_EPICS_BOARD_ID
FAST_TRELLO = {"retry": RetryPolicy(attempts=2, backoff_multiplier=0.01, backoff_max=0.02, max_wait=0.05)}


@dataclass
class World:
    """The running fakes and the names of the seeded cards and tickets the tests talk about."""

    trello: TrelloFake
    trello_server: FakeServer
    groove: Any  # conftest's Groove env: .fake, .server
    cards: dict[str, str] = field(default_factory=dict)  # short name -> card id
    tickets: dict[str, int] = field(default_factory=dict)

    def short(self, key: str) -> str:
        return str(self.trello.card(self.cards[key])["shortLink"])

    def open_copies(self, key: str) -> list[dict[str, Any]]:
        """Open cards on the epics board whose description carries the source's marker."""
        marker = source_marker(self.short(key))
        return [c for c in self.trello.cards_on(EPICS) if marker in c["desc"]]

    def list_of(self, card_id: str) -> str:
        card = self.trello.card(card_id)
        with self.trello.lock:
            return self.trello.state.lists[card["idList"]].name


def seed_world(trello: TrelloFake, groove: Any) -> World:
    world = World(trello, None, groove)  # type: ignore[arg-type]  # the server is set by the fixture
    add_ticket = groove.fake.add_ticket
    world.tickets["reset"] = add_ticket(customer_email="wile@acme.example", subject="Password reset never arrives",
                                        body="Nothing in my inbox since Monday.", state="pending")
    world.tickets["vat"] = add_ticket(customer_email="daisy@acme.example", subject="VAT number on invoices",
                                      body="Our accountant needs it.", state="pending")
    for customer in CUSTOMERS:
        trello.add_board(customer.board_id, customer.name, CUSTOMER_LISTS, members=("ben", "chloe"))
    trello.add_board(EPICS, "Support Epics", EPIC_LISTS, members=("ben",))

    def add(key: str, customer: Any, list_name: str, name: str, **kw: Any) -> None:
        world.cards[key] = trello.add_card(customer.board_id, list_name, name, **kw)

    add("login", ACME, "New Issues", "Login page slow on Mondays", labels=["bug"])
    add("dark", ACME, "New Issues", "Dark mode for the order portal", labels=["feature"])
    add("export", ACME, "Up next", "Export to CSV times out", labels=["est:1d"], members=["ben"],
        desc="Large date ranges fail after 30 s.")
    add("reset", ACME, "Up next", "Password reset email never arrives", labels=["bug", "est:0.5d"],
        desc=f"Wile wrote in about this.\n\nTicket: {ticket_link(world.tickets['reset'])}")
    add("vat", ACME, "Recently Completed", "Add VAT number to invoices", members=["chloe"],
        desc=f"Ticket: {ticket_link(world.tickets['vat'])}")
    add("old", ACME, "Done", "Upgrade payment SDK")
    add("booking", BLUEBIRD, "New Issues", "Booking emails arrive late")
    add("seatmap", BLUEBIRD, "Up next", "Seat map broken on iPad", labels=["bug"])
    add("prices", COPPERLEAF, "Up next", "Bulk edit for price lists", labels=["est:2d"])
    gone = trello.add_card(ACME.board_id, "Done", "Retired report", closed=True)
    for key, customer, list_name in (("export", ACME, "Up next"), ("vat", ACME, "Up next"),
                                     ("seatmap", BLUEBIRD, "Up next"), ("seatmap", BLUEBIRD, "In progress"),
                                     ("prices", COPPERLEAF, "Up next")):
        _copy(trello, world.cards[key], customer.name, list_name)
    _copy(trello, gone, ACME.name, "Up next")  # an orphan: its source is archived
    return world


def _copy(trello: TrelloFake, card_id: str, customer: str, list_name: str) -> str:
    source = trello.card(card_id)
    return trello.copy_card(card_id, EPICS, list_name, name=f"{customer}: {source['name']}",
                            desc=f"{source['desc']}\n\n{source_marker(source['shortLink'])}".lstrip(),
                            keep="labels,members,due")


@pytest.fixture
def world(clock: FixedClock, groove: Any) -> Iterator[World]:
    trello = TrelloFake(clock)
    trello.set_rate_limit(False)
    seeded = seed_world(trello, groove)
    seeded.trello_server = start_trello_fake(trello)
    try:
        yield seeded
    finally:
        seeded.trello_server.stop()


def settings_for(world: World, data_dir: Path, **sections: Any) -> Settings:
    data: dict[str, Any] = {
        "groove": {"poll_seconds": 30, "bell": False},
        "sla": {"target_hours": 48, "warn_hours": [12, 4]},
        "trello": {"support_epics_board": EPICS, "poll_seconds": 30},
        "customers": [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain]} for c in CUSTOMERS],
        "team": {"me": DEMO_ME, "developers": ["ana", "ben", "chloe", "dev"], "triage_leads": ["ana", "ben"],
                 "triage": ["ana", "chloe"]},
    }
    data.update(sections)
    return parse_settings(data, config_path=data_dir / "config.toml", data_dir=data_dir,
                          groove_url=world.groove.server.url, trello_url=world.trello_server.url)


@pytest.fixture
def make_services(world: World, clock: FixedClock, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Services (the app's container) on a data dir; the same dir again is "the app restarted"."""
    from supportdesk_tui.demo import demo_credentials
    from supportdesk_tui.services.container import Services
    from supportdesk_tui.store import Store

    def build(name: str = "app") -> Any:
        data_dir = tmp_path / name
        settings = settings_for(world, data_dir)
        return Services(settings, demo_credentials(), clock, Store.in_dir(data_dir), groove_options=FAST_RETRIES,
                        trello_options=FAST_TRELLO)

    yield build


@pytest.fixture
def boards_app(world: World, clock: FixedClock, tmp_path: Path) -> Callable[..., Any]:
    """The real App (same factory as the CLI) on the fixed world."""
    from supportdesk_tui.bootstrap import make_app
    from supportdesk_tui.demo import demo_credentials

    def build(**sections: Any) -> Any:
        settings = settings_for(world, tmp_path / "data", **sections)
        return make_app(settings, demo_credentials(), clock, groove_options=FAST_RETRIES, trello_options=FAST_TRELLO)

    return build


__all__ = ["ACME", "BLUEBIRD", "COPPERLEAF", "CUSTOMERS", "EPICS", "NOW", "World", "boards_app", "make_services",
           "settings_for", "world"]
