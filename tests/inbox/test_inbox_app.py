"""The Inbox through Textual's Pilot, against the loopback fake Groove, a real SQLite file and a frozen clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from supportdesk_tui.screens.inbox.screen import InboxScreen
from supportdesk_tui.screens.inbox.ticket_detail import TicketDetailScreen
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.ticket_table import COLUMN_KEYS, TicketTable, layout_widths
from tests.support import NOW, settle


def add(groove: Any, hours_ago: float, subject: str, email: str = "wile@acme.example", **kw: Any) -> int:
    number: int = groove.fake.add_ticket(customer_email=email, subject=subject, body=f"About {subject}",
                                         created_at=NOW - timedelta(hours=hours_ago), **kw)
    return number


def table_numbers(app: Any) -> list[int]:
    return list(app.screen.query_one(TicketTable).numbers())


def cell(app: Any, number: int, column: str) -> str:
    return str(app.screen.query_one(TicketTable).cell_text(number, column))


async def test_sorted_by_time_left_with_words_and_glyphs(groove: Any, make_app: Any) -> None:
    fresh = add(groove, 1, "Fresh question")
    old = add(groove, 47, "Nearly due")
    late = add(groove, 50, "Already late")
    risky = add(groove, 40, "At risk")
    add(groove, 10, "Closed one", state="closed")
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        assert table_numbers(pilot.app) == [late, old, risky, fresh]
        assert cell(pilot.app, late, "status") == "✖ breached" and cell(pilot.app, late, "left") == "2:00 late"
        assert cell(pilot.app, old, "status") == "▲ at risk" and cell(pilot.app, old, "left") == "01:00:00"
        assert cell(pilot.app, fresh, "status") == "● ok" and cell(pilot.app, fresh, "left") == "1d 23:00"
        assert cell(pilot.app, fresh, "customer") == "Acme Ltd"
        header = pilot.app.screen.query_one(DeskHeader)
        assert "triage: ana + chloe" in header.left and "48 h calendar" in header.left
        assert "4 open" in header.right and "1 ● ok" in header.right and "1 ✖ breached" in header.right


async def test_countdown_moves_with_the_clock_touching_only_changed_cells(groove: Any, make_app: Any,
                                                                           clock: Any) -> None:
    near = add(groove, 47, "Nearly due")
    far = add(groove, 1.75 + 15 / 3600, "Plenty of time")  # 46:14:45 left
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert cell(pilot.app, near, "left") == "01:00:00"
        clock.advance(timedelta(seconds=30))
        touched = screen.query_one(TicketTable).tick(clock.now())
        assert touched == 1  # "1d 22:14" does not change within this minute; only the near one ticks
        assert cell(pilot.app, near, "left") == "00:59:30" and cell(pilot.app, far, "left") == "1d 22:14"
        clock.advance(timedelta(hours=1, minutes=29, seconds=30))
        screen.tick()
        assert cell(pilot.app, near, "status") == "✖ breached" and cell(pilot.app, near, "left") == "0:30 late"


async def test_new_ticket_toast_and_highlight(groove: Any, make_app: Any) -> None:
    add(groove, 5, "Existing")
    async with make_app().run_test(size=(140, 30), notifications=True) as pilot:
        await settle(pilot)
        assert list(pilot.app._notifications) == []
        number = add(groove, 0, "Checkout button is grey", email="hannah@bluebird.example")
        await pilot.press("r")
        await settle(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert f"#{number} Checkout button is grey" in messages
        assert cell(pilot.app, number, "subject").startswith("NEW ")


async def test_offline_banner_keeps_data_and_recovers(groove: Any, make_app: Any) -> None:
    number = add(groove, 5, "Still here")
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        banner = pilot.app.screen.query_one(Banner)
        assert not banner.shown
        groove.server.faults.down = True
        await pilot.press("r")
        await settle(pilot)
        assert banner.shown and "Offline" in str(banner.render())
        assert table_numbers(pilot.app) == [number]  # the old data stays
        assert "OFFLINE" in pilot.app.screen.query_one(DeskHeader).right
        groove.server.faults.down = False
        await pilot.press("r")
        await settle(pilot)
        assert not banner.shown
        assert "OFFLINE" not in pilot.app.screen.query_one(DeskHeader).right


async def test_cached_queue_paints_first_after_restart(groove: Any, make_app: Any, make_settings: Any) -> None:
    number = add(groove, 5, "Cached")
    settings = make_settings()
    async with make_app(settings).run_test(size=(140, 30)) as pilot:
        await settle(pilot)
    groove.server.faults.down = True
    async with make_app(settings).run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert table_numbers(pilot.app) == [number]
        assert pilot.app.screen.query_one(Banner).shown


@pytest.mark.parametrize(("width", "hidden", "customer"), [
    (150, set(), 20), (113, set(), 20), (112, {"assignee"}, 20), (101, {"assignee"}, 20),
    (100, {"assignee", "state"}, 20), (90, {"assignee", "state"}, 20), (89, {"assignee", "state"}, 14),
    (80, {"assignee", "state"}, 14), (60, {"assignee", "state"}, 14)])
def test_narrow_terminals_make_room_for_the_subject(width: int, hidden: set[str], customer: int) -> None:
    """Assignee, then state give way, then the customer column narrows, until the subject has 30 cells."""
    widths = dict(zip(COLUMN_KEYS, layout_widths(width), strict=True))
    assert {key for key, w in widths.items() if w == 0} == hidden
    assert widths["customer"] == customer
    shown = sum(w + 2 for w in widths.values() if w)
    assert widths["subject"] >= 20
    assert shown == width or (shown > width and widths["subject"] == 20)  # only the narrowest scroll


async def test_an_80_column_terminal_shows_the_subject_without_scrolling(groove: Any, make_app: Any) -> None:
    add(groove, 1, "A subject that a person can actually read")
    add(groove, 40, "At risk")
    add(groove, 50, "Breached")
    async with make_app().run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(TicketTable)
        assert table.virtual_size.width <= 80
        screen = table.render_line(0).text + "".join(table.render_line(y).text for y in (1, 2, 3))
        assert "Subject" in screen and "State" not in screen and "Assignee" not in screen
        assert "A subject that a person" in screen  # 26 cells left for it, not 20
        # The header keeps its right part (counts, breaches, last sync) and shortens the left part.
        # At 80 columns it switches to the short form of its right part, so the triage pair stays too.
        header = pilot.app.screen.query_one(DeskHeader).render()
        assert header.cell_len <= 80
        assert header.plain == "Inbox · triage: ana + chloe · 48 h calendar  · 3 open: 1● 1▲ 1✖ · 10:00:00"
        assert pilot.app.screen.query_one("#week").size.height == 2  # the week's figures wrap, not cut
        await pilot.resize_terminal(150, 20)
        await pilot.pause()
        header = pilot.app.screen.query_one(DeskHeader).render()
        assert header.plain.endswith("· 3 open: 1 ● ok, 1 ▲ at risk, 1 ✖ breached · synced 10:00:00")
        assert pilot.app.screen.query_one("#week").size.height == 1


async def test_vim_keys_move_and_scroll_like_the_arrows(groove: Any, make_app: Any) -> None:
    for hours in (1, 2, 3):
        add(groove, hours, f"Ticket {hours}")
    async with make_app().run_test(size=(60, 20)) as pilot:  # narrower than the table's columns
        await settle(pilot)
        table = pilot.app.screen.query_one(TicketTable)
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        assert table.scroll_offset.x == 0
        await pilot.press("l")
        await pilot.pause()
        shifted = table.scroll_offset.x
        assert shifted > 0
        await pilot.press("right")
        await pilot.pause()
        assert table.scroll_offset.x > shifted
        await pilot.press("h", "h")
        await pilot.pause()
        assert table.scroll_offset.x == 0


async def test_filter_and_mine(groove: Any, make_app: Any) -> None:
    mine = add(groove, 3, "Invoice PDF broken", assignee="ana@consultancy.example")
    other = add(groove, 4, "Login loop", email="tom@bluebird.example", assignee="ben@consultancy.example")
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert sorted(table_numbers(pilot.app)) == sorted([mine, other])
        await pilot.press("m")
        assert table_numbers(pilot.app) == [mine]
        await pilot.press("m")
        await pilot.press("slash")
        await pilot.press(*"bluebird")
        assert table_numbers(pilot.app) == [other]
        await pilot.press("escape")
        assert sorted(table_numbers(pilot.app)) == sorted([mine, other])


async def test_unmapped_sender_is_shown_as_such(groove: Any, make_app: Any) -> None:
    number = add(groove, 3, "Hello from gmail", email="someone@gmail.com")
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert cell(pilot.app, number, "customer") == "? gmail.com"


async def test_enter_opens_the_thread(groove: Any, make_app: Any) -> None:
    number = add(groove, 3, "Export fails [bold]loudly[/]")
    groove.fake.add_customer_reply(number, "Any news? It still fails.")
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TicketDetailScreen)
        texts = [str(w.render()) for w in screen.query(".message")]
        assert len(texts) == 2 and "Any news?" in texts[1]
        assert "[bold]loudly[/]" in str(screen.query_one("#summary").render())
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, InboxScreen)


async def test_help_lists_remapped_keys(groove: Any, make_app: Any) -> None:
    async with make_app(keys={"inbox.mine": "M"}).run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        from supportdesk_tui.screens.help import HelpScreen

        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen._table
        keys = [str(c) for c in table.columns[0]._cells]
        ids = [str(c) for c in table.columns[2]._cells]
        assert keys[ids.index("inbox.mine")] == "M"


async def test_business_clock_across_the_autumn_dst_change(groove: Any, make_app: Any, clock: Any) -> None:
    """Fri 23 Oct 2026 16:00 BST + 4 business hours (09:00-17:30 London) = Mon 26 Oct 11:30 GMT (= 11:30 UTC).
    A clock that kept the summer offset would say 10:30 UTC and show the ticket breached at 10:45."""
    from datetime import UTC, datetime

    clock.set(datetime(2026, 10, 23, 15, 0, tzinfo=UTC))
    number = groove.fake.add_ticket(customer_email="wile@acme.example", subject="Invoices", body="x",
                                    created_at=clock.now())
    sla = {"target_hours": 4, "warn_hours": [1], "clock": "business", "timezone": "Europe/London",
           "business_hours": ["09:00-17:30"]}
    async with make_app(sla=sla).run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert "4 business hours, Europe/London" in pilot.app.screen.query_one(DeskHeader).left
        assert cell(pilot.app, number, "left") == "04:00:00" and cell(pilot.app, number, "status") == "● ok"
        clock.set(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))  # Saturday: business time stands still
        pilot.app.screen.tick()
        assert cell(pilot.app, number, "left") == "02:30:00"
        clock.set(datetime(2026, 10, 26, 10, 45, tzinfo=UTC))  # Monday after the change, 10:45 GMT
        pilot.app.screen.tick()
        assert cell(pilot.app, number, "left") == "00:45:00" and cell(pilot.app, number, "status") == "▲ at risk"
        clock.set(datetime(2026, 10, 26, 11, 31, tzinfo=UTC))
        pilot.app.screen.tick()
        assert cell(pilot.app, number, "status") == "✖ breached" and cell(pilot.app, number, "left") == "0:01 late"


async def test_week_figures_keep_a_breach_after_close(groove: Any, make_app: Any, make_settings: Any,
                                                      clock: Any) -> None:
    """A ticket that breached on Tuesday and was then closed still counts as breached this week."""
    from datetime import UTC, datetime

    from supportdesk_tui.store import Store

    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # Tuesday
    old = groove.fake.add_ticket(customer_email="wile@acme.example", subject="Old", body="x",
                                 created_at=datetime(2026, 11, 22, 8, 0, tzinfo=UTC))  # breached Tue 08:00
    settings = make_settings()
    async with make_app(settings).run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert cell(pilot.app, old, "status") == "✖ breached"
        groove.fake.set_state(old, "closed")
        clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
        await pilot.press("r")
        await settle(pilot)
        assert table_numbers(pilot.app) == []
        week = str(pilot.app.screen.query_one("#week").render())
        assert "1 breached" in week and "0 resolved in time" in week and "1 fixed" in week
    store = Store.in_dir(settings.data_dir)
    figures = store.load_week_figures("2026-W48")
    assert figures is not None and figures[0]["breached"] == 1


async def test_help_lists_actions_still_in_flight(groove: Any, make_app: Any) -> None:
    number = add(groove, 3, "Printer *on fire*")
    async with make_app().run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ticket = pilot.app.screen._data.tickets[0]
        groove.server.faults.down = True
        result = await pilot.app.services.triage.note(ticket, "Checked the logs")
        assert result.status == "pending"
        await pilot.press("question_mark")
        await settle(pilot)
        text = " ".join(str(w.render()) for w in pilot.app.screen.query("Markdown, MarkdownBlock"))
        assert "Actions in flight" in text and f"#{number}" in text


async def test_week_figures_count_a_breach_that_happens_between_polls(groove: Any, make_app: Any,
                                                                      clock: Any) -> None:
    """Nothing in the ticket's history changes, only the time: the week's figures must still move."""
    add(groove, 47, "Nearly due")
    async with make_app().run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert "0 breached" in str(pilot.app.screen.query_one("#week").render())
        clock.advance(timedelta(hours=2))
        await pilot.press("r")
        await settle(pilot)
        assert "1 breached" in str(pilot.app.screen.query_one("#week").render())
