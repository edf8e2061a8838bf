"""Boards and Support Epics rough edges: a card back from Up next has its copy listed and archived; the
headers carry the triage pair and do not repeat themselves; `j`/`k` move in the sync list."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from textual.widgets import OptionList

from supportdesk_tui.domain.epics import IssueKind
from supportdesk_tui.screens.boards.dialogs import EpicsScreen
from supportdesk_tui.widgets.desk_header import DeskHeader
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import World
from tests.boards.test_boards_app import SIZE, open_boards
from tests.support import settle

boards_app = boards_fixtures.boards_app
make_services = boards_fixtures.make_services
world = boards_fixtures.world


@pytest.fixture
async def services(make_services: Callable[..., Any]) -> AsyncIterator[Any]:
    built = make_services()
    yield built
    await built.aclose()


async def test_a_card_back_in_new_issues_has_its_copy_listed_then_archived(services: Any, world: World) -> None:
    export = world.cards["export"]  # in Up next, with one copy on the epics board
    (copy,) = world.open_copies("export")
    world.trello.move_card_as_other_person(export, "New Issues")
    status = (await services.boards.epics_view()).status
    (left,) = status.left_up_next
    assert left.kind is IssueKind.LEFT_UP_NEXT and left.copy is not None and left.copy.id == copy["id"]
    assert "left Up next for New Issues" in left.describe() and "1 left Up next" in status.summary()
    assert (await services.boards.repair(left)).ok
    assert world.open_copies("export") == [] and world.trello.card(copy["id"])["closed"]
    assert not (await services.boards.epics_view()).status.left_up_next


async def test_boards_and_epics_headers_and_j_k_in_the_sync_list(boards_app: Callable[..., Any],
                                                                 world: World) -> None:
    world.trello.move_card_as_other_person(world.cards["export"], "New Issues")
    async with boards_app().run_test(size=SIZE) as pilot:
        await open_boards(pilot)
        header = pilot.app.screen.query_one(DeskHeader)
        assert "triage: ana + chloe" in header.left + header.right
        await pilot.press("e")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, EpicsScreen)
        header = screen.query_one(DeskHeader)
        assert "triage: ana + chloe" in header.left + header.right
        assert (header.left + header.right).count("Support Epics") == 1
        issues = screen.query_one("#issues", OptionList)
        kinds = [str(issues.get_option_at_index(i).id).split(":")[0] for i in range(issues.option_count)]
        assert "left_up_next" in kinds
        assert "← left Up next" in str(issues.get_option_at_index(kinds.index("left_up_next")).prompt)
        assert screen.focused is issues and issues.highlighted == 0
        await pilot.press("j", "j")
        assert issues.highlighted == 2
        await pilot.press("k")
        assert issues.highlighted == 1
