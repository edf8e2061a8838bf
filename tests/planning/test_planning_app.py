"""The Planning screen through Textual's Pilot: every key, against both loopback fakes and a real SQLite file."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input

from supportdesk_tui.domain.planning import TRIAGE, IsoWeek, Plan, WorkItem
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.planning.confirmations import ConfirmationsScreen
from supportdesk_tui.screens.planning.dialogs import (
    EstimateScreen,
    PoolPicker,
    RotaScreen,
)
from supportdesk_tui.screens.planning.screen import PlanningScreen
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.plan_grid import WHO_WIDTH, PlanGrid, TotalsPanel, fit
from tests.support import NOW, settle

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()
SIZE = (120, 36)


async def open_planning(pilot: Any) -> PlanningScreen:
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanningScreen)
    assert screen.plan is not None and screen.pool_items
    return screen


def plan_of(pilot: Any) -> Plan:
    screen = pilot.app.screen
    assert isinstance(screen, PlanningScreen) and screen.plan is not None
    return screen.plan


def cell(pilot: Any, developer: str, column: str) -> str:
    return str(pilot.app.screen.query_one(PlanGrid).get_cell(developer, column).plain)


def text_of(widget: Any) -> str:
    """What a Static shows, as plain text (Rich tables rendered without colour)."""
    content = widget.content
    if isinstance(content, Text):
        return content.plain
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()


def notes(pilot: Any) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def needle_for(pilot: Any, work: WorkItem) -> str:
    """The fewest leading words of "customer title" that pick ``work`` first (each typed key costs a render)."""
    screen = pilot.app.screen
    assert isinstance(screen, PoolPicker)
    words = f"{work.customer} {work.title}".split()
    for n in range(1, len(words) + 1):
        needle = " ".join(words[:n]).casefold()
        hits = [t.item for t in screen._items if " ".join(f"{t.item.customer} {t.item.title}".split()).casefold()
                .startswith(needle)]
        if hits and hits[0] == work:
            return " ".join(words[:n])
    raise AssertionError(f"no needle finds {work}")


async def assign(pilot: Any, work: WorkItem | None = None, *keys: str, typed: bool = False) -> None:
    """On the highlighted cell: enter, filter to ``work`` (else the first item), optional keys (tab), enter.

    The filter is pasted into the box in one go unless ``typed`` (each typed key costs a full render).
    """
    await pilot.press("enter")
    await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, PoolPicker)
    if work is not None:
        needle = needle_for(pilot, work)
        if typed:
            await pilot.press(*["space" if ch == " " else ch for ch in needle])
        else:
            picker.query_one(Input).insert_text_at_cursor(needle)
            await pilot.pause()
    await pilot.press(*keys, "enter")
    await settle(pilot, 1)


async def test_opens_this_week_then_enter_assigns_whole_or_half_days(make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        header = screen.query_one(DeskHeader)
        assert "Planning · 2026-W48 · 23–27 Nov 2026" in header.left
        assert "triage: ana + chloe (suggested" in header.left
        assert "new plan" in header.right and f"pool: {len(screen.pool_items)} cards as of 10:00" in header.right
        grid = screen.query_one(PlanGrid)
        assert [str(r.value) for r in grid.rows] == ["ana", "ben", "chloe", "dev"]
        assert cell(pilot, "ana", "who").splitlines() == ["ana", "0 d of 5 d · 0 %", "▽ under by 5 d"]
        assert cell(pilot, "ben", MON.isoformat()).startswith("free")
        assert "Team: 0 d planned of 20 d available" in text_of(screen.query_one("#customers", TotalsPanel))

        first, second = screen.pool_items[:2]
        await assign(pilot, first, typed=True)  # enter, type to filter, enter: the whole day
        assert cell(pilot, "ana", MON.isoformat()).splitlines() == [first.customer, fit(first.title, grid.day_width),
                                                                   "whole day"]
        assert plan_of(pilot).cell("ana", MON) == (first.card_id, first.card_id)
        assert cell(pilot, "ana", "who").splitlines()[1] == "1 d of 5 d · 20 %"
        assert "customers 1 d + triage 0 d = 1 d" in text_of(screen.query_one("#customers", TotalsPanel))
        assert "saved" in header.right and "triage: ana + chloe  " in header.left + "  "
        stored = pilot.app.services.store.load_plan("2026-W48")
        assert stored is not None and stored["cells"][0]["developer"] == "ana"

        await pilot.press("j")
        await assign(pilot, first, "tab")  # tab: half a day
        assert plan_of(pilot).cell("ben", MON) == (first.card_id,)
        assert cell(pilot, "ben", MON.isoformat()).splitlines()[1] == "½ free"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PoolPicker)
        await pilot.press("escape")
        await settle(pilot, 1)
        assert plan_of(pilot).cell("ben", MON) == (first.card_id,)
        await assign(pilot, second)  # only the free half is left to fill
        assert plan_of(pilot).cell("ben", MON) == (first.card_id, second.card_id)
        await pilot.press("enter")
        await settle(pilot, 1)
        assert not isinstance(pilot.app.screen, PoolPicker)
        assert "ben's Mon 23 Nov is full (two half days); x clears it." in notes(pilot)



async def test_arrows_and_vim_keys_move_x_clears_and_t_marks_triage(make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        grid = screen.query_one(PlanGrid)
        assert tuple(grid.cursor_coordinate) == (0, 1)
        await pilot.press("l", "l", "j", "right", "down")
        assert tuple(grid.cursor_coordinate) == (2, 4)
        await pilot.press("h", "k", "left", "up")
        assert tuple(grid.cursor_coordinate) == (0, 2)
        await assign(pilot)
        assert plan_of(pilot).cell("ana", TUE)
        await pilot.press("x")
        await settle(pilot)
        assert plan_of(pilot).cell("ana", TUE) == ()
        assert cell(pilot, "ana", TUE.isoformat()).startswith("free")
        await pilot.press("h", "h", "x")  # on the Developer column: a hint, no change
        assert "Move to a day first (→ or l)." in notes(pilot)
        await pilot.press("l", "t", "t")
        await settle(pilot, 1)
        assert plan_of(pilot).cell("ana", MON) == (TRIAGE, TRIAGE)
        assert cell(pilot, "ana", MON.isoformat()).splitlines()[:2] == ["TRIAGE", "whole day"]
        await pilot.press("j", "t")
        await settle(pilot, 1)
        assert plan_of(pilot).cell("ben", MON) == (TRIAGE,)
        assert "ben is not in this week's triage pair (ana + chloe)." in notes(pilot)


async def test_plus_minus_change_availability_and_over_allocation_is_a_warning(
        make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        await open_planning(pilot)
        await pilot.press("plus")  # already the whole week: stays at 5 d
        assert plan_of(pilot).available["ana"] == 10
        await pilot.press(*["minus"] * 10)
        await settle(pilot)
        assert plan_of(pilot).available["ana"] == 0
        assert cell(pilot, "ana", "who").splitlines()[1:] == ["0 d of 0 d · —", "not available"]
        await pilot.press("plus")
        assert plan_of(pilot).available["ana"] == 1
        await assign(pilot)
        assert "ana is over-allocated by 0.5 d (1 d planned, 0.5 d available)." in notes(pilot)
        assert cell(pilot, "ana", "who").splitlines()[2] == "✖ over-allocated by 0.5 d"


async def test_w_and_shift_w_move_between_weeks_and_a_new_week_starts_from_the_last(
        make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        await assign(pilot)
        await pilot.press("W")
        await settle(pilot)
        assert plan_of(pilot).week == W48.next() and "2026-W49" in screen.query_one(DeskHeader).left
        assert "Started from 2026-W48's plan (not saved until you change it)." in notes(pilot)
        assert plan_of(pilot).cell("ana", W48.next().monday)  # the card is still in Up next, so it carried over
        assert "from last week, not saved yet" in screen.query_one(DeskHeader).right
        await pilot.press("w", "w")
        await settle(pilot)
        assert plan_of(pilot).week == W48.prev() and plan_of(pilot).cells == {}
        await pilot.press("W")
        await settle(pilot)
        assert plan_of(pilot).week == W48 and plan_of(pilot).cell("ana", MON)


async def test_p_publishes_once_and_again_changes_nothing(make_plan_app: Callable[..., Any],
                                                          trello: TrelloEnv) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        await open_planning(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "Nothing to publish: no card has work planned this week." in notes(pilot)
        await assign(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        # One planned card, written on both boards (the customer's and its Support Epics copy).
        assert "Published 1 card and 1 Support Epics copy: 0 members added, 2 due dates set, 2 comments." \
            in notes(pilot)
        writes = len(trello.writes())
        await pilot.press("p", "y")
        await settle(pilot)
        assert any("Trello already shows this plan (1 card); nothing changed." in n for n in notes(pilot))
        assert len(trello.writes()) == writes
        await pilot.press("p", "n")
        await settle(pilot)
        assert len(trello.writes()) == writes


async def test_o_previews_copies_and_sends_each_confirmation_once(make_plan_app: Callable[..., Any],
                                                                  groove: Any) -> None:
    number = groove.fake.add_ticket(customer_email="wile@acme.example", subject="Weekly call", body="Hi",
                                    created_at=NOW - timedelta(hours=3))
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        acme = next(i for i in screen.pool_items if i.customer == "Acme Ltd")
        bluebird = next(i for i in screen.pool_items if i.customer == "Bluebird Travel")
        await assign(pilot, acme)
        await pilot.press("l")
        await assign(pilot, bluebird)
        await pilot.press("o")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmationsScreen)
        # The confirmation goes out as its own new ticket (never a reply on ticket #number, which is unrelated).
        assert "Send as a new ticket to wile@acme.example, “Support plan for week 2026-W48”" in \
            text_of(dialog.query_one("#where"))
        assert acme.title in text_of(dialog.query_one("#text"))
        await pilot.press("c")
        assert pilot.app.clipboard.startswith("Hello,\n\nHere is the support plan for Acme Ltd")
        await pilot.press("a")
        assert pilot.app.clipboard.startswith("# Support plan 2026-W48")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        made = [t for t in groove.fake.tickets_snapshot().values() if t.title == "Support plan for week 2026-W48"]
        assert len(made) == 1 and made[0].customer_email == "wile@acme.example"
        assert f"Acme Ltd: confirmation sent as ticket #{made[0].number} to wile@acme.example." in notes(pilot)
        assert not [m for m in groove.fake.messages_of(number) if "support plan" in m.plain_text]
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmationsScreen)
        assert f"Already sent as Groove ticket #{made[0].number}." in notes(pilot)
        await pilot.press("down")
        assert "No address is known for Bluebird Travel: set contact in its [[customers]] entry" in \
            text_of(dialog.query_one("#where"))
        await pilot.press("s")
        assert len([t for t in groove.fake.tickets_snapshot().values() if t.title.startswith("Support plan")]) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanningScreen)


async def test_shift_r_edits_the_rota_and_every_header_shows_it(make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RotaScreen)
        await pilot.press("down", "tab", "up", "enter")  # lead ana -> ben; other chloe -> ben: refused
        await pilot.pause()
        assert isinstance(pilot.app.screen, RotaScreen)
        assert "Triage needs two different people." in notes(pilot)
        await pilot.press("down", "down", "enter")  # other: dev
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanningScreen)
        assert "triage: ben + dev" in screen.query_one(DeskHeader).left
        assert pilot.app.services.store.load_rota() == {"2026-W48": ("ben", "dev")}
        assert plan_of(pilot).triage_pair == ("ben", "dev")
        assert pilot.app.services.planning.current_pair() == ("ben", "dev")
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("s")  # back to the fair suggestion
        await settle(pilot)
        assert "triage: ana + chloe" in screen.query_one(DeskHeader).left


async def test_e_sets_an_estimate_and_shift_p_toggles_projector_mode(make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("e")
        assert "No card in this cell to estimate." in notes(pilot)
        await assign(pilot)
        card_id = plan_of(pilot).cell("ana", MON)[0]
        assert isinstance(card_id, str)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EstimateScreen)
        await pilot.press("x", "enter")
        assert "Give the estimate in days, e.g. 0.5, 1 or 2.5." in notes(pilot)
        await pilot.press("backspace", "1", ".", "5", "enter")
        await settle(pilot, 1)
        assert plan_of(pilot).estimates == {card_id: 3}

        grid = screen.query_one(PlanGrid)
        assert pilot.app.theme == "supportdesk" and grid.row_height == 3
        await pilot.press("P")
        await pilot.pause()
        assert pilot.app.theme == "supportdesk-projector" and screen.has_class("-projector")
        assert grid.row_height == 4 and all(r.height == 4 for r in grid.rows.values())
        assert plan_of(pilot).cell("ana", MON) and cell(pilot, "ana", MON.isoformat()).endswith("whole day")
        await pilot.press("P")
        await pilot.pause()
        assert pilot.app.theme == "supportdesk" and not screen.has_class("-projector") and grid.row_height == 3


async def test_a_mouse_click_opens_the_picker_r_reloads_and_an_outage_shows_a_banner(
        make_plan_app: Callable[..., Any], trello: TrelloEnv) -> None:
    async with make_plan_app().run_test(size=SIZE) as pilot:
        screen = await open_planning(pilot)
        grid = screen.query_one(PlanGrid)
        x = WHO_WIDTH + 2 + (grid.day_width + 2) * 2 + 2  # Wed
        y = 1 + grid.row_height * 1 + 1  # ben
        await pilot.click(PlanGrid, offset=(x, y))  # the first click moves the cursor there
        await pilot.pause()
        assert tuple(grid.cursor_coordinate) == (1, 3)
        await pilot.click(PlanGrid, offset=(x, y))  # a click on the highlighted cell opens the picker
        await pilot.pause()
        assert isinstance(pilot.app.screen, PoolPicker)
        await pilot.press("enter")
        await settle(pilot, 1)
        assert plan_of(pilot).cell("ben", WED)

        board_loads = len(trello.server.requests("GET", r"/1/boards/[^/]+$"))
        trello.server.faults.down = True
        await pilot.press("r")
        await settle(pilot)
        banner = screen.query_one(Banner)
        assert banner.shown and "could not be loaded from Trello" in text_of(banner)
        assert plan_of(pilot).cell("ben", WED)  # the plan still shows
        trello.server.faults.down = False
        await pilot.press("r")
        await settle(pilot)
        assert not banner.shown
        assert len(trello.server.requests("GET", r"/1/boards/[^/]+$")) >= board_loads + 7


async def test_holidays_are_marked_and_the_palette_and_help_know_the_keys(make_plan_app: Callable[..., Any]) -> None:
    app = make_plan_app(sla={"holidays": ["2026-11-26"], "timezone": "Europe/London"})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        grid = screen.query_one(PlanGrid)
        labels = [str(c.label) for c in grid.columns.values()]
        assert labels[4] == "Thu 26 Nov ✱ holiday"
        assert cell(pilot, "ana", THU.isoformat()).startswith("holiday")
        assert cell(pilot, "ana", "who").splitlines()[1] == "0 d of 4 d · 0 %"
        await pilot.press("l", "l", "l", "t")
        await settle(pilot, 1)
        assert "Thu 26 Nov is a public holiday, yet ana is planned to work on it." in notes(pilot)

        titles = {c.title for c in pilot.app.get_system_commands(screen)}
        assert {"Publish plan", "Confirmations", "Triage rota", "Projector mode", "Next week"} <= titles
        command = next(c for c in screen.palette_commands() if c.title == "Next week")
        command.callback()  # the same action as W
        await settle(pilot, 1)
        assert plan_of(pilot).week == W48.next()
        await pilot.press("question_mark")
        await settle(pilot)
        from supportdesk_tui.screens.help import HelpScreen

        assert isinstance(pilot.app.screen, HelpScreen)
        ids = str(pilot.app.screen._table.columns[2]._cells)
        assert all(i in ids for i in ("planning.publish", "planning.assign", "planning.projector"))


def test_every_planning_binding_has_an_id() -> None:
    classes: list[Any] = [PlanningScreen, PlanGrid, PoolPicker, RotaScreen, EstimateScreen, ConfirmationsScreen]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id and binding.id.startswith("planning."), binding
