"""An action queued before a restart says how it ended, however it gets finished: by the replay, or
run first by a newer action."""

from __future__ import annotations

from typing import Any

from tests.support import settle
from tests.triage.fixtures import TrelloEnv, add_ticket
from tests.triage.test_triage_app import SIZE, focus_row


def toasts(app: Any) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def test_a_backlog_queued_before_a_restart_and_finished_by_a_newer_action_is_announced(
        triage_app: Any, triage_settings: Any, groove: Any, trello: TrelloEnv) -> None:
    first, second = add_ticket(groove, 6, "First"), add_ticket(groove, 5, "Second")
    settings = triage_settings()
    async with triage_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        groove.server.faults.down = True
        await focus_row(pilot, first)
        await pilot.press("b", "enter")
        await settle(pilot, rounds=6)
        assert pilot.app.pending_actions() == 1
    async with triage_app(settings).run_test(size=SIZE, notifications=True) as pilot:  # restarted, still offline
        await settle(pilot, rounds=6)
        assert pilot.app.pending_actions() == 1
        groove.server.faults.down = False
        await focus_row(pilot, second)
        await pilot.press("a")  # the newer action runs the queued backlog first
        await settle(pilot, rounds=8)
        assert pilot.app.pending_actions() == 0
        assert ("Finished an earlier action", f"backlog #{first} to Acme Ltd: done") in toasts(pilot.app)
        assert groove.fake.tickets_snapshot()[first].state == "closed"
