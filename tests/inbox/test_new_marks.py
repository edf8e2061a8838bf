"""NEW marks last until the cursor has rested on the row: across polls and across restarts."""

from __future__ import annotations

from typing import Any

from supportdesk_tui.screens.inbox.screen import InboxScreen
from supportdesk_tui.widgets.ticket_table import TicketTable
from tests.inbox.test_inbox_app import add
from tests.support import settle

SIZE = (140, 30)


def is_new(app: Any, number: int) -> bool:
    return str(app.screen.query_one(TicketTable).cell_text(number, "subject")).startswith("NEW ")


async def test_a_new_mark_survives_polls_and_restarts_until_the_cursor_rests_on_it(
        groove: Any, make_app: Any, make_settings: Any) -> None:
    old = add(groove, 5, "Existing")
    settings = make_settings()
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        fresh = add(groove, 0, "Checkout button is grey", email="hannah@bluebird.example")
        await pilot.press("r")
        await settle(pilot)
        assert is_new(pilot.app, fresh)
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen)
        for _ in range(3):  # polls and seconds go by; the cursor stays on the old ticket
            screen.tick()
            await pilot.press("r")
            await settle(pilot)
        assert screen.query_one(TicketTable).current_number() == old
        assert is_new(pilot.app, fresh)
    async with make_app(settings).run_test(size=SIZE) as pilot:  # a restart
        await settle(pilot)
        assert is_new(pilot.app, fresh) and not is_new(pilot.app, old)
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen)
        await pilot.press("j")  # onto the new row...
        await pilot.pause()
        assert screen.query_one(TicketTable).current_number() == fresh
        assert is_new(pilot.app, fresh)  # ...only passing by, so far
        screen.tick()
        screen.tick()  # it rested there for a tick
        await settle(pilot)
        assert not is_new(pilot.app, fresh)
        await pilot.press("r")
        await settle(pilot)
        assert not is_new(pilot.app, fresh)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not is_new(pilot.app, fresh)


async def test_shift_n_marks_every_new_ticket_seen(groove: Any, make_app: Any, make_settings: Any) -> None:
    add(groove, 5, "Existing")
    settings = make_settings()
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        fresh = [add(groove, 0, f"New one {i}") for i in range(3)]
        await pilot.press("r")
        await settle(pilot)
        assert all(is_new(pilot.app, n) for n in fresh)
        await pilot.press("N")
        await settle(pilot)
        assert not any(is_new(pilot.app, n) for n in fresh)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any(is_new(pilot.app, n) for n in fresh)
