"""The Standup screen through Pilot on a frozen clock: `4`, `[` `]`, `!` and clear, enter, Boards' `!`, a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from supportdesk_tui.domain.impediments import BLOCKED_LABEL
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS
from supportdesk_tui.screens.boards.dialogs import CardDetailScreen
from supportdesk_tui.screens.standup.dialogs import ImpedimentDialog
from supportdesk_tui.screens.standup.screen import StandupScreen
from supportdesk_tui.screens.standup.view import RowKind, rows
from supportdesk_tui.services.container import Services
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.kanban import KanbanBoard
from tests.planning.fixtures import record_settled
from tests.standup.fixtures import Planned, plan_week
from tests.support import settle

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv



async def planned_week(make_services: Callable[..., Services]) -> Planned:
    services = make_services()
    try:
        return await plan_week(services)
    finally:
        await services.aclose()


def labels_of(trello: TrelloEnv, card_id: str) -> list[str]:
    return [lb["name"] for lb in trello.fake.card(card_id)["labels"]]


async def open_standup(pilot: Any) -> StandupScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StandupScreen)
    return screen


async def test_screen_4_walks_working_days_and_flags_then_clears(make_services: Callable[..., Services],
                                                                make_plan_app: Callable[..., Any],
                                                                trello: TrelloEnv) -> None:
    planned = await planned_week(make_services)
    app = make_plan_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        header = screen.query_one(DeskHeader)
        assert header.left == "Standup · Wed 25 Nov 2026 (2026-W48)"
        assert "triage: ana + chloe" in header.right and "read 10:00:00" in header.right
        row = screen.current_row()
        assert row is not None and (row.developer, row.item_id) == ("ana", planned.paired.card_id)
        for key, label in (("]", "Thu 26 Nov"), ("[", "Wed 25 Nov"), ("[", "Tue 24 Nov")):
            await pilot.press(key)
            await settle(pilot)
            assert header.left.startswith(f"Standup · {label} 2026")
        await pilot.press("]")
        await settle(pilot)

        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, ImpedimentDialog)
        await pilot.press(*"No test account yet")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert labels_of(trello, planned.paired_source).count(BLOCKED_LABEL) == 1
        assert labels_of(trello, planned.paired.card_id).count(BLOCKED_LABEL) == 1
        assert trello.fake.comments_on(planned.paired_source)[-1] == "Impediment: No test account yet (ana, 2026-11-25)"
        row = screen.current_row()
        assert row is not None and row.blocked and "⛔ BLOCKED" in row.text  # the cursor stayed on the card

        await pilot.press("exclamation_mark")  # again: cleared, no question asked
        await settle(pilot)
        assert BLOCKED_LABEL not in labels_of(trello, planned.paired_source)
        assert trello.fake.comments_on(planned.paired.card_id)[-1] == "Impediment cleared"
        row = screen.current_row()
        assert row is not None and not row.blocked


async def test_enter_opens_the_customers_card_and_escape_cancels_a_flag(make_services: Callable[..., Services],
                                                                       make_plan_app: Callable[..., Any],
                                                                       trello: TrelloEnv) -> None:
    planned = await planned_week(make_services)
    app = make_plan_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and BLOCKED_LABEL not in labels_of(trello, planned.paired_source)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CardDetailScreen) and app.screen.card.id == planned.paired_source


async def test_developers_with_nothing_planned_still_appear(make_plan_app: Callable[..., Any],
                                                           trello: TrelloEnv) -> None:
    app = make_plan_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        assert screen._view is not None and not screen._view.planned
        shown = rows(screen._view.standup)
        headings = [r.text for r in shown if r.kind is RowKind.HEADING]
        assert headings[:4] == ["ana", "ben", "chloe", "dev"]
        assert sum(r.text == "  Today: nothing planned today" for r in shown) == 4


async def test_boards_bang_flags_the_card_at_hand(make_plan_app: Callable[..., Any], trello: TrelloEnv) -> None:
    app = make_plan_app()
    acme = DEMO_CUSTOMERS[0].board_id
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        wanted = trello.fake.cards_on(acme, "Up next")[0]["id"]
        app.screen.query_one(KanbanBoard).focus_card(wanted)
        card = app.screen.current_card()
        assert card is not None and card.id == wanted
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press(*"Blocked by the CDN")
        await pilot.press("enter")
        await settle(pilot)
        assert labels_of(trello, card.id).count(BLOCKED_LABEL) == 1
        assert trello.fake.comments_on(card.id)[-1] == "Impediment: Blocked by the CDN (ana, 2026-11-25)"
        shown = app.screen.current_card()
        assert shown is not None and BLOCKED_LABEL in [lb.name for lb in shown.labels]  # the board was polled again
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert BLOCKED_LABEL not in labels_of(trello, card.id)


def test_standup_snapshot(make_services: Callable[..., Services], make_plan_app: Callable[..., Any],
                          trello: TrelloEnv, snap_compare: Any) -> None:
    import asyncio

    planned = asyncio.run(planned_week(make_services))
    trello.fake.move_card_as_other_person(planned.paired_source, "Recently Completed", username="chloe")

    async def run_before(pilot: Any) -> None:
        await open_standup(pilot)

    assert snap_compare(make_plan_app(), terminal_size=(110, 34), run_before=run_before)


async def test_a_cancelled_impediment_dialog_reads_nothing_coming_back_from_another_mode_reads_again(
        make_services: Callable[..., Services], make_plan_app: Callable[..., Any], trello: TrelloEnv) -> None:
    await planned_week(make_services)
    app = make_plan_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await record_settled(pilot)
        before = len(trello.server.requests())
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, ImpedimentDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert [r.path for r in trello.server.requests()[before:]] == []  # a closed dialog is no reason to read
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.screen is screen
        assert len(trello.server.requests()) > before  # back from the Inbox: the stand-up catches up
