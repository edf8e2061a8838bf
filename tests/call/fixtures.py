"""The Boards tests' fixed world, plus what the call and the close-out need: cards finished last week,
next week's plan card on Support Epics, Done lists per week, customer contacts and call days."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.domain.clock import FixedClock
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import ACME, BLUEBIRD, CUSTOMERS, EPICS, FAST_TRELLO, World, settings_for
from tests.support import FAST_RETRIES, NOW

world = boards_fixtures.world  # the fixture, used by name
PLAN_CARD = "Support plan 2026-W49"  # NOW is in 2026-W48: the handover goes on next week's card
DONE_PATTERN = "Done {week}"


def call_sections(**over: Any) -> dict[str, Any]:
    contacts = {ACME.name: {"contact": "daisy@acme.example", "call_day": "thu"},
                BLUEBIRD.name: {"call_every_weeks": 2, "call_day": "tue"}}
    data: dict[str, Any] = {
        "trello": {"support_epics_board": EPICS, "poll_seconds": 30, "lists": {"done": DONE_PATTERN}},
        "customers": [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain],
                       "commitment_days": 1.0, **contacts.get(c.name, {})} for c in CUSTOMERS],
        "triage": {"confirmation_state": "closed"},
    }
    data.update(over)
    return data


def finish_last_week(world: World) -> None:
    """Two Acme cards finished last week (one with a Support Epics copy), the plan card for next week."""
    trello = world.trello
    world.cards["spike"] = trello.add_card(ACME.board_id, "Recently Completed", "Spike: PDF export",
                                           created=NOW - timedelta(days=8), labels=["est:1d"])
    world.cards["invoice"] = trello.add_card(ACME.board_id, "Recently Completed", "Invoice totals rounding",
                                             created=NOW - timedelta(days=9))
    boards_fixtures._copy(trello, world.cards["spike"], ACME.name, "Up next")
    trello.add_list(EPICS, "Support plans")
    world.cards["plan"] = trello.add_card(EPICS, "Support plans", PLAN_CARD, desc="The plan of record.")


@pytest.fixture
def call_world(world: World) -> World:
    finish_last_week(world)
    return world


@pytest.fixture
def make_call_services(call_world: World, clock: FixedClock, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Services on a data dir; the same name again is "the app restarted" (same store, new clients)."""
    from supportdesk_tui.demo import demo_credentials
    from supportdesk_tui.services.container import Services
    from supportdesk_tui.store import Store


    def build(name: str = "app", **over: Any) -> Any:
        data_dir = tmp_path / name
        settings = settings_for(call_world, data_dir, **call_sections(**over))
        services = Services(settings, demo_credentials(), clock, Store.in_dir(data_dir),
                            groove_options=FAST_RETRIES, trello_options=FAST_TRELLO)
        services.load_workflows()
        return services

    yield build


@pytest.fixture
def call_app(call_world: World, clock: FixedClock, tmp_path: Path) -> Callable[..., Any]:
    from supportdesk_tui.bootstrap import make_app
    from supportdesk_tui.demo import demo_credentials

    def build(**over: Any) -> Any:
        settings = settings_for(call_world, tmp_path / "data", **call_sections(**over))
        return make_app(settings, demo_credentials(), clock, groove_options=FAST_RETRIES, trello_options=FAST_TRELLO)

    return build


__all__ = ["DONE_PATTERN", "PLAN_CARD", "call_app", "call_sections", "call_world", "finish_last_week",
           "make_call_services", "world"]
