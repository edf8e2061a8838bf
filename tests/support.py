"""Helpers the tests share: a real in-memory keyring backend, the frozen instant, fast retries, demo settings."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (the keyring API end to end), kept in memory for the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise PasswordDeleteError(username)
        del self.items[(service, username)]


NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday
FAST_RETRIES = {"retry_attempts": 2, "backoff_multiplier": 0.01, "backoff_max": 0.02, "max_retry_wait": 0.05}


DEMO_TEAM = {"developers": ["ana", "ben", "chloe", "dev"], "triage_leads": ["ana", "ben"]}


def demo_config(**sections: Any) -> dict[str, Any]:
    """A config document like the demo's (demo customers and team); keyword sections replace the defaults."""
    from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, DEMO_ME, SUPPORT_EPICS_BOARD_ID

    data: dict[str, Any] = {
        "groove": {"poll_seconds": 30, "bell": False},
        "sla": {"target_hours": 48, "warn_hours": [12, 4]},
        "trello": {"support_epics_board": SUPPORT_EPICS_BOARD_ID},
        "customers": [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain],
                       "commitment_days": c.commitment_days} for c in DEMO_CUSTOMERS],
        "team": {"me": DEMO_ME, **DEMO_TEAM},
    }
    data.update(sections)
    return data


def build_settings(tmp_path: Path, groove_url: str, trello_url: str, **sections: Any) -> Any:
    """Validated settings from :func:`demo_config`, pointed at the given fakes, data under ``tmp_path``."""
    from supportdesk_tui.config import parse_settings

    return parse_settings(demo_config(**sections), config_path=tmp_path / "config.toml",
                          data_dir=tmp_path / "data", groove_url=groove_url, trello_url=trello_url)


async def no_wait(_seconds: float) -> None:
    """A retry sleep that does not sleep: tests count attempts, they never wait for them."""


def fast_trello_options() -> dict[str, Any]:
    """Fast retries and no client-side request budget, for tests that count requests."""
    from supportdesk_tui.clients.retry import RetryPolicy
    from supportdesk_tui.clients.trello.session import RequestBudget

    return {"retry": RetryPolicy(attempts=2, backoff_multiplier=0.01, backoff_max=0.02, max_wait=0.05,
                                 sleep=no_wait),
            "budget": RequestBudget(max_requests=100_000, window_s=1.0), "timeout": 5}


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages be handled (no sleeps)."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(rounds):
        # a failed worker is part of what the test checks (banner, toast), not a test error
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
