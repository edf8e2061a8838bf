"""Fixtures for the triage tests: a seeded fake Trello on loopback, settings and services pointed at both fakes.

Registered for tests/triage/ and tests/journal/ by their conftest.py. Everything talks HTTP over 127.0.0.1 through
the production clients (httpx for Groove, py-trello's session for Trello); counts are read from what
the fakes actually *processed* (a request answered with an injected 500 never reached the handler).
Helpers only, no asserts here: PYTEST_DONT_REWRITE (test modules import it before conftest.py loads it).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_ME,
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
    SUPPORT_EPICS_BOARD_ID,
)
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.store import Store
from tests.support import DEMO_TEAM, FAST_RETRIES, NOW, fast_trello_options
from tests.support import build_settings as shared_build_settings

CUSTOMER_LISTS = ("New Issues", "Up next", "Recently Completed", "Done")
ACME = DEMO_CUSTOMERS[0]
BLUEBIRD = DEMO_CUSTOMERS[1]


trello_options = fast_trello_options


class Processed:
    """Wraps a fake's handler to log the requests it really handled (faults aside)."""

    def __init__(self, server: FakeServer) -> None:
        self._inner = server.handler
        self._lock = threading.Lock()
        self.log: list[tuple[str, str]] = []
        server.handler = self

    def __call__(self, req: Request) -> Response:
        response = self._inner(req)
        if response.status < 400:
            with self._lock:
                self.log.append((req.method, req.path))
        return response

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return sum(1 for m, p in self.log if m == method and re.search(path, p))

    def clear(self) -> None:
        with self._lock:
            self.log.clear()


class TrelloEnv:
    def __init__(self, fake: TrelloFake, server: FakeServer) -> None:
        self.fake = fake
        self.server = server
        self.processed = Processed(server)

    def cards_for(self, board_id: str, ticket_url: str, *, include_closed: bool = True) -> list[dict[str, Any]]:
        pattern = re.compile(re.escape(ticket_url) + r"(?![0-9])")
        return [c for c in self.fake.cards_on(board_id, include_closed=include_closed) if pattern.search(c["desc"])]


def seed_boards(fake: TrelloFake) -> None:
    for customer in DEMO_CUSTOMERS:
        fake.add_board(customer.board_id, customer.name, CUSTOMER_LISTS, members=["ben"])
    fake.add_board(SUPPORT_EPICS_BOARD_ID, "Support Epics", ("Up next", "In progress", "Done"))


@pytest.fixture
def trello(clock: FixedClock) -> Iterator[TrelloEnv]:
    """A fake Trello with a board per demo customer (lists New Issues, Up next, Recently Completed, Done)."""
    fake = TrelloFake(clock, key=DEMO_TRELLO_KEY, token=DEMO_TRELLO_TOKEN, rate_limit=False)
    seed_boards(fake)
    server = start_trello_fake(fake)
    try:
        yield TrelloEnv(fake, server)
    finally:
        server.stop()


@pytest.fixture
def groove_processed(groove: Any) -> Processed:
    return Processed(groove.server)


def build_settings(tmp_path: Path, groove_url: str, trello_url: str, **sections: Any) -> Settings:
    sections.setdefault("team", {"me": DEMO_ME, **DEMO_TEAM, "triage": ["ana", "chloe"]})
    settings: Settings = shared_build_settings(tmp_path, groove_url, trello_url, **sections)
    return settings


@pytest.fixture
def triage_settings(tmp_path: Path, groove: Any, trello: TrelloEnv) -> Callable[..., Settings]:
    def build(**sections: Any) -> Settings:
        return build_settings(tmp_path, groove.server.url, trello.server.url, **sections)

    return build


@pytest.fixture
def make_services(triage_settings: Callable[..., Settings], clock: FixedClock) -> Callable[..., Any]:
    """Services on the given (or a fresh) store file; call again on the same file to "restart"."""
    from supportdesk_tui.demo import demo_credentials
    from supportdesk_tui.services.container import Services

    def build(settings: Settings | None = None, store: Store | None = None) -> Services:
        settings = settings or triage_settings()
        return Services(settings, demo_credentials(), clock, store or Store.in_dir(settings.data_dir),
                        groove_options=FAST_RETRIES, trello_options=trello_options())

    return build


@pytest.fixture
def triage_app(triage_settings: Callable[..., Settings], clock: FixedClock) -> Callable[..., Any]:
    """The real App (same factory as the CLI) against both fakes."""
    from supportdesk_tui.bootstrap import make_app
    from supportdesk_tui.demo import demo_credentials

    def build(settings: Settings | None = None, **sections: Any) -> Any:
        return make_app(settings or triage_settings(**sections), demo_credentials(), clock,
                        groove_options=FAST_RETRIES, trello_options=trello_options())

    return build


def add_ticket(groove: Any, hours_ago: float, subject: str, email: str = "wile@acme.example", **kw: Any) -> int:
    number: int = groove.fake.add_ticket(customer_email=email, subject=subject, body=f"About {subject}: it broke.",
                                         created_at=NOW - timedelta(hours=hours_ago), **kw)
    return number


def ticket_url(number: int) -> str:
    return f"https://consultancy.groovehq.com/t/{number}"


def notes_with(groove: Any, number: int, text: str) -> list[Any]:
    return [m for m in groove.fake.messages_of(number) if m.note and text in m.plain_text]
