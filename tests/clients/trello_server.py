"""What the Trello client tests share: the test credentials, and one loopback server per test module.

Stopping a server costs its 0.5 s poll interval, so a module keeps one and each test hands it a fresh
fake (the module's own ``fake`` fixture) with an empty log and no scripted faults.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake

KEY = "k3y-a1b2c3d4e5f6"
TOKEN = "t0k3n-99887766554433221100ffee"
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
BOARD = "5f1a2b3c0000000000000a01"


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeServer]:
    server = start_trello_fake(TrelloFake(FixedClock(NOW), key=KEY, token=TOKEN))
    yield server
    server.stop()


@pytest.fixture
def server(shared_server: FakeServer, fake: TrelloFake) -> FakeServer:
    shared_server.handler = fake.handle
    with shared_server.faults.lock:
        shared_server.faults.scripted.clear()
    shared_server.clear_log()
    return shared_server
