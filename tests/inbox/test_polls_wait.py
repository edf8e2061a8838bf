"""A screen's poll waits while something covers the screen (a dialog, another mode) and resumes with it."""

from __future__ import annotations

from typing import Any

from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from tests.support import settle


def polls_running(screen: DeskScreen) -> list[bool]:
    return [timer._active.is_set() for timer in screen._polls]


async def test_the_inbox_poll_waits_under_a_dialog_and_while_another_mode_is_in_front(make_app: Any) -> None:
    async with make_app().run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        inbox = pilot.app.screen
        assert isinstance(inbox, DeskScreen) and polls_running(inbox) == [True]
        pilot.app.push_screen(ConfirmScreen("Anything?"))
        await pilot.pause()
        assert polls_running(inbox) == [False]
        await pilot.press("escape")
        await pilot.pause()
        assert polls_running(inbox) == [True]
        await pilot.press("2")
        await settle(pilot)
        boards = pilot.app.screen
        assert isinstance(boards, DeskScreen) and boards is not inbox
        assert polls_running(inbox) == [False] and polls_running(boards) == [True]
        await pilot.press("1")
        await settle(pilot)
        assert polls_running(inbox) == [True] and polls_running(boards) == [False]
