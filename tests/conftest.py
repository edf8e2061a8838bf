"""Isolation for every test: no developer config, data, keyring or tokens leak in; time zone fixed.

Fixtures only; the helpers tests import live in ``tests/support.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from supportdesk_tui.domain.clock import FixedClock
from tests.support import DEMO_TEAM, FAST_RETRIES, NOW, MemoryKeyring, build_settings


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for name in list(os.environ):
        if name.startswith("SUPPORTDESK_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                     ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("SUPPORTDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def groove(clock: FixedClock) -> Iterator[Any]:
    """An empty fake Groove on a free loopback port: ``groove.fake`` (state), ``groove.server``."""
    from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake

    fake = GrooveFake(clock=clock)
    server = start_groove_fake(fake)

    class Env:
        pass

    env = Env()
    env.fake = fake  # type: ignore[attr-defined]
    env.server = server  # type: ignore[attr-defined]
    try:
        yield env
    finally:
        server.stop()



@pytest.fixture
def make_settings(tmp_path: Path, groove: Any) -> Callable[..., Any]:
    """Settings like the demo's, on the Groove fake (Trello points at a dead port), data in tmp."""
    from supportdesk_tui.fakes.demo_customers import DEMO_ME

    def build(**sections: Any) -> Any:
        sections.setdefault("team", {"me": DEMO_ME, **DEMO_TEAM, "triage": ["ana", "chloe"]})
        return build_settings(tmp_path, groove.server.url, "http://127.0.0.1:9/1", **sections)

    return build


@pytest.fixture
def make_app(make_settings: Callable[..., Any], clock: FixedClock) -> Callable[..., Any]:
    from supportdesk_tui.bootstrap import make_app as factory
    from supportdesk_tui.demo import demo_credentials

    def build(settings: Any = None, **sections: Any) -> Any:
        return factory(settings or make_settings(**sections), demo_credentials(), clock, groove_options=FAST_RETRIES)

    return build

