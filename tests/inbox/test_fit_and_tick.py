"""The Inbox fits the terminal it has: no horizontal scrollbar unless the terminal is really too narrow,
`G` shows the last row whole, 30 cells of subject at 80x24, `?` and `q` in the footer at 120 columns,
the backlog dialog whole at 24 rows; and the ticket detail's countdown ticks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.widgets._footer import FooterKey

from supportdesk_tui.screens.inbox.screen import InboxScreen
from supportdesk_tui.screens.inbox.ticket_detail import TicketDetailScreen
from supportdesk_tui.screens.inbox.triage_dialogs import BacklogDialog
from supportdesk_tui.widgets.ticket_table import COLUMN_KEYS, TicketTable
from tests.inbox.test_inbox_app import add
from tests.support import settle


def table(app: Any) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def test_the_table_fits_and_g_shows_the_last_row_whole(groove: Any, make_app: Any) -> None:
    numbers = [add(groove, 40 - i * 0.3, f"Ticket {i}") for i in range(100)]
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        t = table(pilot.app)
        assert not t.show_horizontal_scrollbar
        assert t.virtual_size.width <= t.scrollable_content_region.width
        await pilot.press("G")
        await pilot.pause()
        assert t.current_number() == numbers[-1]
        rows_visible = t.scrollable_content_region.height - 1  # below the header line
        last_on_screen = int(t.scroll_offset.y) + rows_visible - 1
        assert last_on_screen >= t.cursor_row  # the highlighted (last) row is wholly on screen
        assert numbers[-1] in t.visible_numbers()
        await pilot.press("g", "end")
        await pilot.pause()
        assert int(t.scroll_offset.y) + rows_visible - 1 >= t.cursor_row == len(numbers) - 1


async def test_a_really_narrow_terminal_scrolls_sideways_and_still_shows_the_last_row(groove: Any,
                                                                                     make_app: Any) -> None:
    numbers = [add(groove, 40 - i * 0.3, f"Ticket {i}") for i in range(40)]
    async with make_app().run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        t = table(pilot.app)
        assert t.show_horizontal_scrollbar  # 60 columns cannot hold the minimum columns
        await pilot.press("G")
        await pilot.pause()
        rows_visible = t.scrollable_content_region.height - 1
        assert int(t.scroll_offset.y) + rows_visible - 1 >= t.cursor_row == len(numbers) - 1


async def test_80x24_gives_the_subject_30_cells(groove: Any, make_app: Any) -> None:
    add(groove, 1, "A subject that a person can actually read in full")
    async with make_app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        t = table(pilot.app)
        widths = dict(zip(COLUMN_KEYS, t._widths, strict=True))
        assert widths["subject"] >= 30
        assert not t.show_horizontal_scrollbar


async def test_help_and_quit_show_in_the_footer_at_120_columns(groove: Any, make_app: Any) -> None:
    add(groove, 1, "Anything")
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys = {k.action: k for k in pilot.app.screen.query(FooterKey)}
        for action in ("help", "request_quit", "backlog"):
            region = keys[action].region
            assert region.width > 0 and region.right <= 120, action


async def test_the_backlog_dialog_fits_24_rows(groove: Any, make_app: Any) -> None:
    add(groove, 1, "Needs a card", email="someone@acme.example")
    async with make_app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog)
        for selector in ("#preview", ".hint", "#title"):
            region = dialog.query_one(selector).region
            assert region.height > 0 and region.bottom <= 24, selector
        assert "enter backlog" in str(dialog.query_one(".hint").render())


async def test_the_ticket_detail_countdown_ticks(groove: Any, make_app: Any, clock: Any) -> None:
    add(groove, 47, "Nearly due")
    async with make_app().run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, TicketDetailScreen)
        assert "01:00:00" in str(detail.query_one("#summary").render())
        clock.advance(timedelta(seconds=30))
        await pilot.pause(1.2)  # the detail's own 1 s tick
        assert "00:59:30" in str(detail.query_one("#summary").render())
