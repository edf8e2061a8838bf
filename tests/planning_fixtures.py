"""Fixtures for the Planning tests: the demo's Trello on a loopback fake, settings and services on it.

Use with ``pytest_plugins = ["tests.planning_fixtures"]`` in a test module. The ``groove`` and
``clock`` fixtures come from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.clients.retry import RetryPolicy
from supportdesk_tui.clients.trello_session import RequestBudget
from supportdesk_tui.config import Settings, parse_settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_ME,
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
    SUPPORT_EPICS_BOARD_ID,
)
from supportdesk_tui.fakes.trello_fake import TrelloFake, start_trello_fake
from supportdesk_tui.fakes.trello_seed import seed_trello
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store
from tests.conftest import FAST_RETRIES, NOW


async def _no_wait(_: float) -> None:
    return None


def trello_options() -> dict[str, Any]:
    """Fast retries and no client-side budget: tests count requests, they never wait for a window."""
    return {"retry": RetryPolicy(attempts=2, backoff_multiplier=0.001, backoff_max=0.001, sleep=_no_wait),
            "budget": RequestBudget(max_requests=100_000)}


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
        data: dict[str, Any] = {
            "groove": {"poll_seconds": 30, "bell": False},
            "sla": {"target_hours": 48, "warn_hours": [12, 4], "timezone": "Europe/London"},
            "trello": {"support_epics_board": SUPPORT_EPICS_BOARD_ID},
            "customers": [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain],
                           "commitment_days": c.commitment_days} for c in DEMO_CUSTOMERS],
            "team": {"me": DEMO_ME, "developers": ["ana", "ben", "chloe", "dev"], "triage_leads": ["ana", "ben"]},
        }
        data.update(sections)
        return parse_settings(data, config_path=tmp_path / "config.toml", data_dir=tmp_path / "data",
                              groove_url=groove.server.url, trello_url=trello.server.url)

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
