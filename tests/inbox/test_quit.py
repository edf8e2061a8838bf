"""Every way to quit asks the same question when journaled actions are still in flight."""

from __future__ import annotations

from typing import Any

import pytest

from supportdesk_tui.screens.confirm import ConfirmScreen
from tests.inbox.test_inbox_app import add
from tests.support import settle


async def _with_an_action_in_flight(pilot: Any, groove: Any) -> None:
    await settle(pilot)
    ticket = pilot.app.screen._data.tickets[0]
    groove.server.faults.down = True
    result = await pilot.app.services.triage.note(ticket, "Checked the logs")
    assert result.status == "pending" and pilot.app.pending_actions() == 1


def _palette_quit(app: Any) -> None:
    """What the command palette does when "Quit" is chosen (it calls the command's callback later)."""
    command = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
    app.call_later(command.callback)


@pytest.mark.parametrize("how", ["q", "ctrl+q", "ctrl+c", "palette"])
async def test_quitting_with_an_action_in_flight_asks_first(groove: Any, make_app: Any, how: str) -> None:
    add(groove, 3, "Printer on fire")
    async with make_app().run_test(size=(140, 40)) as pilot:
        await _with_an_action_in_flight(pilot, groove)
        if how == "palette":
            _palette_quit(pilot.app)
        else:
            await pilot.press(how)
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert "1 action(s) are still in flight" in pilot.app.screen._question
        assert pilot.app.return_code is None  # still running: nothing quit behind the question


@pytest.mark.parametrize("how", ["q", "ctrl+q", "palette"])
async def test_quitting_with_nothing_in_flight_quits_at_once(groove: Any, make_app: Any, how: str) -> None:
    add(groove, 3, "Printer on fire")
    async with make_app().run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert pilot.app.pending_actions() == 0
        if how == "palette":
            _palette_quit(pilot.app)
        else:
            await pilot.press(how)
        await settle(pilot)
        assert pilot.app.return_code == 0
