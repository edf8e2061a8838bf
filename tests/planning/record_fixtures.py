"""Two machines on one fake Trello: helpers for the plan-of-record tests.

Each machine has its own data dir and the same settings otherwise, as two laptops of the team would.
Writes are not debounced here (``debounce_s = 0``); tests wait for them with :func:`drain`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.fakes.demo_customers import SUPPORT_EPICS_BOARD_ID
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store
from tests.planning.fixtures import TrelloEnv
from tests.support import DEMO_TEAM, FAST_RETRIES, build_settings, fast_trello_options

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()
EPICS = SUPPORT_EPICS_BOARD_ID
ITEM_A = WorkItem("5f1a2b3c00000000000000a1", "Acme Ltd", "VAT number", 2, None, "https://trello.com/c/aaaa1111")
ITEM_B = WorkItem("5f1a2b3c00000000000000b2", "Bluebird Travel", "Seat map", 4, None, "https://trello.com/c/bbbb2222")


def machine_settings(tmp_path: Path, name: str, groove: Any, trello: TrelloEnv, **sections: Any) -> Settings:
    """Machine ``name``'s settings: its own data dir, the demo's otherwise; ``team`` keys replace the demo's."""
    sections.setdefault("sla", {"target_hours": 48, "warn_hours": [12, 4], "timezone": "Europe/London"})
    me = {"a": "ana", "b": "ben"}.get(name, name)
    sections["team"] = {"me": me, **DEMO_TEAM, **(sections.get("team") or {})}
    settings: Settings = build_settings(tmp_path / name, groove.server.url, trello.server.url, **sections)
    return settings


@pytest.fixture
async def machines(tmp_path: Path, groove: Any, trello: TrelloEnv,
                   clock: FixedClock) -> AsyncIterator[Callable[..., Services]]:
    """``machines("a")`` builds machine a's services; the same name again is that machine restarted."""
    from supportdesk_tui.demo import demo_credentials

    made: list[Services] = []

    def build(name: str, **sections: Any) -> Services:
        settings = machine_settings(tmp_path, name, groove, trello, **sections)
        built = Services(settings, demo_credentials(), clock, Store.in_dir(settings.data_dir),
                         groove_options=FAST_RETRIES, trello_options=fast_trello_options())
        built.planning.record.debounce_s = 0
        made.append(built)
        return built

    try:
        yield build
    finally:
        for built in made:
            await built.aclose()


async def drain(*services: Services) -> None:
    for s in services:
        await s.planning.record.drain()


async def poll(*services: Services) -> None:
    for s in services:
        await s.planning.record.check()


async def local(services: Services, week: IsoWeek = W48) -> Plan:
    plan = await services.planning.load_plan(week)
    assert plan is not None
    return plan


def plan_cards(trello: TrelloEnv) -> list[dict[str, Any]]:
    return [c for c in trello.fake.cards_on(EPICS, include_closed=True) if c["name"].startswith("Support plan ")]
