"""Boards polling: one load per board from a cold start (the change baseline comes with it), and a poll
that predates a card move never puts the card back on screen."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from supportdesk_tui.fakes.base import Request, Response
from supportdesk_tui.screens.boards.screen import REFRESH_GROUP, WRITE_GROUP, BoardLoaded, BoardsScreen
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import ACME, World
from tests.boards.test_boards_app import SIZE, column_of, kanban, open_boards

boards_app = boards_fixtures.boards_app
make_services = boards_fixtures.make_services
world = boards_fixtures.world

BOARD_GET = rf"^/1/boards/{ACME.board_id}/?$"
ACTIONS_GET = rf"^/1/boards/{ACME.board_id}/actions/?$"


@pytest.fixture
async def services(make_services: Callable[..., Any]) -> AsyncIterator[Any]:
    built = make_services()
    yield built
    await built.aclose()


async def test_a_cold_start_loads_each_board_once_and_its_first_poll_is_small(services: Any, world: World) -> None:
    server, boards = world.trello_server, services.boards
    server.clear_log()
    first = await boards.refresh(ACME.board_id)
    assert first.reloaded and len(server.requests()) == 1
    server.clear_log()
    update = await boards.refresh(ACME.board_id)  # the first poll: nothing changed, nothing reloaded
    assert not update.reloaded
    assert len(server.requests("GET", ACTIONS_GET)) == 1 and not server.requests("GET", BOARD_GET)
    world.trello.move_card_as_other_person(world.cards["login"], "Up next")
    server.clear_log()
    update = await boards.refresh(ACME.board_id)  # a change after the load is still seen
    assert update.reloaded and len(server.requests()) == 2


async def wait_until(pilot: Any, check: Callable[[], bool], rounds: int = 200) -> None:
    for _ in range(rounds):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


async def on_the_login_card(pilot: Any, world: World) -> tuple[BoardsScreen, str, Any]:
    """The Boards screen on Acme with the cursor on the login card; the board as shown before any move."""
    screen = await open_boards(pilot)
    assert isinstance(screen, BoardsScreen)
    login = world.cards["login"]
    before = screen._board
    assert before is not None
    kanban(pilot.app).focus_card(login)
    return screen, login, before


async def test_a_poll_from_before_a_move_does_not_put_the_card_back(boards_app: Callable[..., Any],
                                                                    world: World) -> None:
    hold = threading.Event()
    inner = world.trello.handle

    def slow_board_loads(req: Request) -> Response:
        if req.method == "GET" and req.path.rstrip("/") == f"/1/boards/{ACME.board_id}":
            hold.wait(10)  # the reload after the move is slow to come back
        return inner(req)

    async with boards_app().run_test(size=SIZE) as pilot:
        screen, login, before = await on_the_login_card(pilot, world)
        world.trello_server.handler = slow_board_loads
        try:
            await pilot.press("shift+right")
            await wait_until(pilot, lambda: world.list_of(login) == "Up next")  # Trello has the move
            await wait_until(pilot, lambda: not any(w.group == WRITE_GROUP and not w.is_finished
                                                    for w in screen.workers))  # the move's worker is done
            await pilot.pause()
            assert column_of(pilot.app, login) == 1  # not back in New Issues while the reload is out
            # The late answer of a poll that started before the move (the screen's polls count from 1).
            screen.post_message(BoardLoaded(ACME.board_id, _update(before), 0))
            await pilot.pause()
            await asyncio.sleep(0)
            await pilot.pause()
            assert column_of(pilot.app, login) == 1
        finally:
            hold.set()
        await wait_until(pilot, lambda: not any(w.group == REFRESH_GROUP and not w.is_finished
                                                for w in screen.workers))  # the poll after the move came back
        await pilot.pause()
        assert column_of(pilot.app, login) == 1 and screen.shown_board() is screen._board  # Trello's own board


def _update(board: Any) -> Any:
    from supportdesk_tui.services.boards import BoardUpdate
    from tests.support import NOW

    return BoardUpdate(board, True, NOW)


async def test_a_move_queued_offline_stays_shown_after_its_replay_until_a_later_poll(
        boards_app: Callable[..., Any], world: World) -> None:
    async with boards_app().run_test(size=SIZE, notifications=True) as pilot:
        screen, login, before = await on_the_login_card(pilot, world)
        world.trello_server.faults.down = True
        await pilot.press("shift+right")
        await wait_until(pilot, lambda: pilot.app.pending_actions() == 1)  # queued: Trello did not answer
        assert column_of(pilot.app, login) == 1  # shown where it is going
        world.trello_server.faults.down = False
        await pilot.app.services.resume_journal()  # Trello is back: the queued move is sent
        assert world.list_of(login) == "Up next" and pilot.app.pending_actions() == 0
        # The answer of a poll that started before the replay sent the move: it still has the card where it was.
        screen.post_message(BoardLoaded(ACME.board_id, _update(before), screen._polls_started))
        await pilot.pause()
        await asyncio.sleep(0)
        await pilot.pause()
        assert column_of(pilot.app, login) == 1
        screen.refresh_board()  # a poll that starts now brings Trello's own board, with the move in it
        await wait_until(pilot, lambda: not any(w.group == REFRESH_GROUP and not w.is_finished
                                                for w in screen.workers))
        await pilot.pause()
        assert column_of(pilot.app, login) == 1 and screen.shown_board() is screen._board
