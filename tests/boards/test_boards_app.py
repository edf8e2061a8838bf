"""The Boards screen through Textual's Pilot, against the loopback Trello and Groove fakes and a frozen clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.widgets import OptionList, TextArea

from supportdesk_tui.fakes.base import Request, Response
from supportdesk_tui.screens.boards.dialogs import CardDetailScreen, DonePreviewScreen, EpicsScreen
from supportdesk_tui.screens.boards.screen import BoardsScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.kanban import KanbanBoard
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import World
from tests.support import settle

boards_app = boards_fixtures.boards_app  # the fixture, used by name below
world = boards_fixtures.world  # the fixture, used by name below

SIZE = (160, 45)


def kanban(app: Any) -> KanbanBoard:
    return app.screen.query_one(KanbanBoard)


def layout(app: Any) -> list[tuple[str, list[str]]]:
    """(column title, card ids) left to right, as shown."""
    return [(str(col.border_title), col.card_ids()) for col in kanban(app).columns]


def column_of(app: Any, card_id: str) -> int:
    return next(i for i, (_, ids) in enumerate(layout(app)) if card_id in ids)


def toasts(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def open_boards(pilot: Any) -> BoardsScreen:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BoardsScreen)
    return screen


async def test_2_shows_a_board_brackets_switch_customer_and_enter_shows_a_card(
        boards_app: Callable[..., Any], world: World) -> None:
    async with boards_app().run_test(size=SIZE) as pilot:
        await open_boards(pilot)
        c = world.cards
        assert layout(pilot.app) == [("New Issues · 2", [c["login"], c["dark"]]),
                                     ("Up next · 2", [c["export"], c["reset"]]),
                                     ("Recently Completed · 1", [c["vat"]]), ("Done · 1", [c["old"]])]
        header = pilot.app.screen.query_one(DeskHeader)
        assert header.left == "Boards · Acme Ltd (1/3)"
        assert "6 cards" in header.right and "synced 10:00:00" in header.right
        await pilot.press("l", "j")
        assert kanban(pilot.app).current_card_id() == c["reset"]  # vim keys walk the columns and cards
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, CardDetailScreen)
        summary = str(detail.query_one("#card-summary").render())
        assert "Password reset email never arrives" in summary and "Acme Ltd · Up next" in summary
        assert "bug, est:0.5d" in summary
        ticket = str(detail.query_one("#card-ticket").render())
        assert f"#{world.tickets['reset']}: Password reset never arrives · pending" in ticket
        await pilot.press("escape", "h")
        assert isinstance(pilot.app.screen, BoardsScreen) and kanban(pilot.app).current_column == 0

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert header.left == "Boards · Bluebird Travel (2/3)"
        assert layout(pilot.app)[0][1] == [c["booking"]] and layout(pilot.app)[1][1] == [c["seatmap"]]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert header.left == "Boards · Copperleaf Foods (3/3)"  # wraps around
        assert layout(pilot.app)[1][1] == [c["prices"]]


async def test_a_move_shows_at_once_lands_on_trello_and_is_copied_to_epics_once(
        boards_app: Callable[..., Any], world: World) -> None:
    release = threading.Event()
    inner = world.trello.handle

    def slow_moves(req: Request) -> Response:
        if req.method == "PUT" and req.path.endswith("/idList"):
            release.wait(10)  # Trello "thinks": the screen must already show the move
        return inner(req)

    async with boards_app().run_test(size=SIZE) as pilot:
        await open_boards(pilot)
        login = world.cards["login"]
        kanban(pilot.app).focus_card(login)
        world.trello_server.handler = slow_moves
        await pilot.press("shift+right")
        await pilot.pause()
        assert column_of(pilot.app, login) == 1 and kanban(pilot.app).current_card_id() == login
        assert layout(pilot.app)[1][1][0] == login  # at the top of Up next
        assert world.list_of(login) == "New Issues"  # Trello has not answered yet
        release.set()
        await settle(pilot, rounds=6)
        assert world.list_of(login) == "Up next" and column_of(pilot.app, login) == 1
        assert len(world.open_copies("login")) == 1  # the card that entered Up next got its epics copy
        await pilot.press("r")
        await settle(pilot, rounds=4)
        assert len(world.open_copies("login")) == 1


async def test_a_refused_move_is_put_back_with_a_message(boards_app: Callable[..., Any], world: World) -> None:
    async with boards_app().run_test(size=SIZE, notifications=True) as pilot:
        await open_boards(pilot)
        dark = world.cards["dark"]
        kanban(pilot.app).focus_card(dark)
        world.trello_server.fail_next("PUT", r"/cards/[^/]+/idList", status=400)
        await pilot.press("shift+right")
        await settle(pilot)
        assert column_of(pilot.app, dark) == 0 and kanban(pilot.app).current_card_id() == dark
        assert world.list_of(dark) == "New Issues"
        message = next(m for m in toasts(pilot.app) if "Dark mode" in m)
        assert "refused" in message and "back in New Issues" in message


async def test_d_previews_the_reply_then_sends_it_once_and_closes_the_ticket(
        boards_app: Callable[..., Any], world: World) -> None:
    number = world.tickets["reset"]
    async with boards_app().run_test(size=SIZE, notifications=True) as pilot:
        await open_boards(pilot)
        reset = world.cards["reset"]
        kanban(pilot.app).focus_card(reset)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DonePreviewScreen)
        await pilot.press("escape")  # changed my mind: nothing is sent
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardsScreen) and world.list_of(reset) == "Up next"
        assert not world.groove.server.requests("POST")
        await pilot.press("d")
        await settle(pilot)
        preview = pilot.app.screen
        assert isinstance(preview, DonePreviewScreen)
        area = preview.query_one(TextArea)
        assert "Password reset email never arrives" in area.text
        assert "Password reset never arrives" in str(preview.query_one("#done-ticket").render())
        area.text = area.text.replace("Best regards", "Kind regards")  # the reply is editable
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        replies = [m for m in world.groove.fake.messages_of(number) if m.author_kind == "agent"]
        assert len(replies) == 1 and "Kind regards" in replies[0].plain_text and not replies[0].note
        assert world.groove.fake.tickets_snapshot()[number].state == "closed"
        assert world.list_of(reset) == "Done" and column_of(pilot.app, reset) == 3
        assert any(f"replied on #{number}" in m for m in toasts(pilot.app))


async def test_e_lists_sync_problems_and_repairs_one_then_all(boards_app: Callable[..., Any], world: World) -> None:
    async with boards_app().run_test(size=SIZE, notifications=True) as pilot:
        await open_boards(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EpicsScreen)
        issues = pilot.app.screen.query_one("#issues", OptionList)
        kinds = [str(issues.get_option_at_index(i).id).split(":")[0] for i in range(issues.option_count)]
        assert kinds == ["missing", "duplicate", "orphan", "to_done"]
        assert [t for t, _ in layout(pilot.app)] == ["Up next · 5", "In progress · 1", "Done · 0"]
        issues.highlighted = 0
        await pilot.press("f")
        await settle(pilot, rounds=4)
        assert len(world.open_copies("reset")) == 1
        assert issues.option_count == 3
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, rounds=4)
        assert issues.option_count == 0
        assert "all in sync" in str(pilot.app.screen.query_one("#epics-summary").render())
        assert len(world.open_copies("seatmap")) == 1 and world.list_of(world.open_copies("vat")[0]["id"]) == "Done"
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, BoardsScreen)


async def test_filter_and_a_refresh_keep_the_cursor_on_its_card(boards_app: Callable[..., Any], world: World) -> None:
    async with boards_app().run_test(size=SIZE) as pilot:
        await open_boards(pilot)
        export = world.cards["export"]
        kanban(pilot.app).focus_card(export)
        world.trello.add_card(world.trello.card(export)["idBoard"], "Up next", "A new card above", username="ben")
        world.trello.move_card_as_other_person(export, "Recently Completed")
        await pilot.press("r")
        await settle(pilot)
        assert kanban(pilot.app).current_card_id() == export and kanban(pilot.app).current_column == 2
        await pilot.press("slash", *"password")
        await pilot.pause()
        assert layout(pilot.app)[1] == ("Up next · 1/2", [world.cards["reset"]])
        await pilot.press("escape")
        await pilot.pause()
        assert len(layout(pilot.app)[1][1]) == 2


async def test_offline_banner_and_no_poll_while_another_screen_is_up(boards_app: Callable[..., Any],
                                                                     world: World) -> None:
    async with boards_app().run_test(size=SIZE) as pilot:
        screen = await open_boards(pilot)
        world.trello_server.faults.down = True
        await pilot.press("r")
        await settle(pilot)
        banner = screen.query_one(Banner)
        assert banner.shown and "Offline" in str(banner.render()) and "as of" in str(banner.render())
        assert "OFFLINE" in screen.query_one(DeskHeader).right
        assert len(layout(pilot.app)[0][1]) == 2  # the last board stays on screen
        world.trello_server.clear_log()
        screen._poll_tick()
        await settle(pilot)
        assert world.trello_server.requests() == []  # offline: every other tick is skipped (backing off)
        screen._poll_tick()
        await settle(pilot)
        assert world.trello_server.requests()
        dark = world.cards["dark"]
        kanban(pilot.app).focus_card(dark)
        await pilot.press("shift+right")  # offline: the move is journaled, queued, and still shown where it goes
        await settle(pilot)
        assert column_of(pilot.app, dark) == 1 and world.list_of(dark) == "New Issues"
        assert pilot.app.pending_actions() == 1 and "1 pending action(s)" in screen.query_one(DeskHeader).right
        world.trello_server.faults.down = False
        await pilot.press("r")  # back online: the queued move is replayed
        await settle(pilot, rounds=5)
        assert world.list_of(dark) == "Up next" and pilot.app.pending_actions() == 0
        assert column_of(pilot.app, dark) == 1
        await pilot.press("1")
        await settle(pilot)
        world.trello_server.clear_log()
        screen._poll_tick()
        await settle(pilot)
        assert world.trello_server.requests() == []  # not the active screen: the poll is skipped
        await pilot.press("2")
        await settle(pilot)  # back: it polls at once, and the banner goes
        assert world.trello_server.requests() and not banner.shown


# --- snapshots: one per layout, fixed data, frozen clock, explicit size --------------------------------------


def _boards(keys: list[str], then: Callable[[Any], None] | None = None) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            then(pilot)
        await pilot.pause()

    return run_before


def _no_blink(pilot: Any) -> None:
    pilot.app.screen.query_one(TextArea).cursor_blink = False


def test_snapshot_board(snap_compare: Any, boards_app: Callable[..., Any], world: World) -> None:
    assert snap_compare(boards_app(), terminal_size=SIZE, run_before=_boards(["2", "l", "j"]))


def test_snapshot_card_detail(snap_compare: Any, boards_app: Callable[..., Any], world: World) -> None:
    assert snap_compare(boards_app(), terminal_size=SIZE, run_before=_boards(["2", "l", "j", "enter"]))


def test_snapshot_done_preview(snap_compare: Any, boards_app: Callable[..., Any], world: World) -> None:
    assert snap_compare(boards_app(), terminal_size=SIZE, run_before=_boards(["2", "l", "j", "d"], _no_blink))


def test_snapshot_epics_panel(snap_compare: Any, boards_app: Callable[..., Any], world: World) -> None:
    assert snap_compare(boards_app(), terminal_size=SIZE, run_before=_boards(["2", "e"]))
