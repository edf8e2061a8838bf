"""Fixtures for the Planning tests: the demo's Trello on a loopback fake, settings and services on it.

Registered for tests/planning/ by its conftest.py. The ``groove`` and
``clock`` fixtures come from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.demo_customers import (
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
)
from supportdesk_tui.fakes.trello.seed import seed_trello
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store
from tests.support import FAST_RETRIES, NOW, build_settings, fast_trello_options

trello_options = fast_trello_options


class TrelloEnv:
    def __init__(self, fake: TrelloFake, server: FakeServer) -> None:
        self.fake = fake
        self.server = server

    def writes(self) -> list[Any]:
        """Every request that could change Trello (the fake logs them all)."""
        return [r for r in self.server.requests() if r.method in ("POST", "PUT", "DELETE")]


@pytest.fixture
def trello(clock: FixedClock) -> Iterator[TrelloEnv]:
    """The demo's boards (six customers and Support Epics) on a free loopback port, rate limit off."""
    fake = TrelloFake(clock=clock, key=DEMO_TRELLO_KEY, token=DEMO_TRELLO_TOKEN, rate_limit=False)
    seed_trello(fake, NOW)
    server = start_trello_fake(fake)
    try:
        yield TrelloEnv(fake, server)
    finally:
        server.stop()


@pytest.fixture
def plan_settings(tmp_path: Path, groove: Any, trello: TrelloEnv) -> Callable[..., Settings]:
    """Settings like the demo's, on both fakes; keyword sections replace the defaults."""

    def build(**sections: Any) -> Settings:
        sections.setdefault("sla", {"target_hours": 48, "warn_hours": [12, 4], "timezone": "Europe/London"})
        settings: Settings = build_settings(tmp_path, groove.server.url, trello.server.url, **sections)
        return settings

    return build


@pytest.fixture
async def make_services(plan_settings: Callable[..., Settings],
                        clock: FixedClock) -> AsyncIterator[Callable[..., Services]]:
    """The app's services (a real SQLite file in tmp) without the UI; all closed at the end."""
    from supportdesk_tui.demo import demo_credentials

    made: list[Services] = []

    def build(settings: Settings | None = None, **sections: Any) -> Services:
        settings = settings or plan_settings(**sections)
        built = Services(settings, demo_credentials(), clock, Store.in_dir(settings.data_dir),
                         groove_options=FAST_RETRIES, trello_options=trello_options())
        made.append(built)
        return built

    try:
        yield build
    finally:
        for built in made:
            await built.aclose()


@pytest.fixture
async def services(make_services: Callable[..., Services]) -> Services:
    return make_services()


@pytest.fixture
def make_plan_app(plan_settings: Callable[..., Settings], clock: FixedClock) -> Callable[..., Any]:
    """The real App from the CLI's factory, on both fakes, with a frozen clock."""
    from supportdesk_tui.bootstrap import make_app
    from supportdesk_tui.demo import demo_credentials

    def build(settings: Settings | None = None, **sections: Any) -> Any:
        return make_app(settings or plan_settings(**sections), demo_credentials(), clock,
                        groove_options=FAST_RETRIES, trello_options=trello_options())

    return build


async def record_settled(pilot: Any) -> None:
    """Let the headers' background check of the plan of record run now and finish. The headers start it
    once per poll period on their own (the first time at a real-time header tick after the services load),
    so a test that counts Trello requests lets it happen before it starts counting."""
    from tests.support import settle

    pilot.app.triage_pair()  # starts the check if the period's one has not started yet
    await settle(pilot)
    await pilot.app.services.planning.record.check()  # waits for that check's lock: it is over
    await settle(pilot)
