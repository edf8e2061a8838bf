"""Shared set-up for the benchmarks: fakes, settings and an app on a temp data dir."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from supportdesk_tui.bootstrap import make_app
from supportdesk_tui.demo import FakeEnvironment, demo_credentials, demo_settings, start_fakes
from supportdesk_tui.domain.clock import SystemClock


def start(tickets: int = 100, latency_ms: float = 0.0) -> FakeEnvironment:
    return start_fakes(clock=SystemClock(), tickets=tickets, latency_ms=latency_ms)


def app_on(env: FakeEnvironment, data_dir: Path | None = None, **settings_overrides: Any) -> Any:
    data = data_dir or Path(tempfile.mkdtemp(prefix="supportdesk-bench-"))
    settings = demo_settings(env, data)
    return make_app(settings, demo_credentials(), SystemClock())


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
