"""The call's keys through Textual's Pilot: `A` on Boards (the agenda, moves and the running total) and
Planning's `C` (its question, then the close-out); a snapshot of the agenda."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.widgets import OptionList, Static

from supportdesk_tui.screens.boards.agenda import AgendaLoaded, AgendaScreen
from supportdesk_tui.screens.boards.screen import BoardsScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.planning.screen import PlanningScreen
from supportdesk_tui.widgets.desk_header import DeskHeader
from tests.boards.fixtures import World
from tests.call import fixtures as call_fixtures
from tests.support import settle

world = call_fixtures.world
call_world = call_fixtures.call_world
call_app = call_fixtures.call_app
SIZE = (140, 45)


def shown(widget: Any) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def notes(pilot: Any) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def open_agenda(pilot: Any) -> AgendaScreen:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BoardsScreen)
    assert "call due Thu" in pilot.app.screen.query_one(DeskHeader).right  # Acme's call day is Thursday
    await pilot.press("A")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AgendaScreen)
    return screen


async def test_a_opens_the_agenda_and_a_move_updates_the_running_total(call_app: Callable[..., Any],
                                                                        call_world: World) -> None:
    async with call_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_agenda(pilot)
        total = screen.query_one("#total", Static)
        assert shown(total) == "Up next: 1.5 d of 1 d agreed: over by 0.5 d"
        assert "Since the last call on Thu 19 Nov; call due Thu." in shown(screen.query_one("#agenda", Static))
        cards = screen.query_one("#cards", OptionList)
        assert cards.highlighted == 0
        await pilot.press("down", "down")  # New Issues: login, dark; Up next: export (1 d), reset (0.5 d)
        await pilot.press("shift+left")  # export back to New Issues, with the usual Boards key
        assert shown(total) == "Up next: 0.5 d of 1 d agreed: 0.5 d still free"  # at once, before Trello answers
        await settle(pilot)
        assert call_world.list_of(call_world.cards["export"]) == "New Issues"
        await pilot.press("up", "shift+right")  # dark mode (no estimate) into Up next
        assert shown(total) == "Up next: 0.5 d of 1 d agreed: 0.5 d still free (1 card without an estimate)"
        await settle(pilot)
        assert call_world.list_of(call_world.cards["dark"]) == "Up next"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardsScreen)


async def test_c_on_planning_asks_first_then_closes_the_week(call_app: Callable[..., Any],
                                                              call_world: World) -> None:
    async with call_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanningScreen)
        await pilot.press("C")
        await pilot.pause()
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        text = shown(question.query(Static).first())
        assert text.startswith("Close 2026-W48? Cards that have sat in “Recently Completed” since before Mon 23 Nov")
        assert "“Done 2026-W48”" in text and "“Support plan 2026-W49”" in text
        await pilot.press("n")
        await settle(pilot)
        assert call_world.list_of(call_world.cards["spike"]) == "Recently Completed"  # "no" changes nothing
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, rounds=5)
        assert isinstance(pilot.app.screen, PlanningScreen)
        assert call_world.list_of(call_world.cards["spike"]) == "Done 2026-W48"
        assert any("2 card(s) moved from Recently Completed to “Done 2026-W48”." in n for n in notes(pilot))
        assert len(call_world.trello.comments_on(call_world.cards["plan"])) == 1


def test_snapshot_agenda(snap_compare: Any, call_app: Callable[..., Any], call_world: World) -> None:
    async def run_before(pilot: Any) -> None:
        await open_agenda(pilot)
        await pilot.pause()

    assert snap_compare(call_app(), terminal_size=SIZE, run_before=run_before)


async def test_the_agenda_pairs_its_cards_with_the_board_by_id_not_by_position(call_app: Callable[..., Any],
                                                                              call_world: World) -> None:
    async with call_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_agenda(pilot)
        agenda, board = screen.agenda, screen._board
        assert agenda is not None and board is not None
        assert len(agenda.waiting) == len(agenda.up_next) == 2
        # The same cards in another order than the board's: each line must still name its own card.
        screen.post_message(AgendaLoaded(replace(agenda, waiting=agenda.waiting[::-1], up_next=agenda.up_next[::-1]),
                                         board))
        await settle(pilot)
        names = {c.id: c.name for c in board.cards}
        cards = screen.query_one("#cards", OptionList)
        assert cards.option_count == 4
        for index in range(cards.option_count):
            option = cards.get_option_at_index(index)
            assert option.id is not None and names[option.id] in str(option.prompt)
        await pilot.press("down", "down", "shift+left")  # export (1 d) back to New Issues: reset (0.5 d) stays
        total = screen.query_one("#total", Static)
        assert shown(total) == "Up next: 0.5 d of 1 d agreed: 0.5 d still free"
        await settle(pilot)
        assert call_world.list_of(call_world.cards["export"]) == "New Issues"


async def test_a_close_out_that_breaks_is_said_once_in_its_own_words(call_app: Callable[..., Any], call_world: World,
                                                                      monkeypatch: Any) -> None:
    async with call_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

        async def broken(week: Any = None) -> Any:
            raise OSError("the disk is full")

        monkeypatch.setattr(pilot.app.services.call, "close_week", broken)
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        said = [n for n in notes(pilot) if "close-out" in n or "failed" in n]
        assert said == ["The close-out did not run: network error (OSError)"]
