"""The week's roster, pairs and who knows which customer on the Planning screen, through Textual's Pilot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.widgets import Input, OptionList

from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.planning.dialogs import PoolPicker
from supportdesk_tui.screens.planning.roster import AddPersonScreen
from supportdesk_tui.screens.planning.screen import PlanningScreen
from supportdesk_tui.widgets.plan_grid import PlanGrid, TotalsPanel
from tests.planning.test_planning_app import assign, cell, notes, open_planning, plan_of, text_of
from tests.support import settle

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()
SIZE = (120, 36)
ESOTERIC = "Evergreen Housing"  # the demo board where only chloe is a member of finished cards


def customers(*names: str) -> list[dict[str, Any]]:
    """The demo's customers (``names`` only, if given), Evergreen Housing preferring pairs."""
    return [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain],
             "commitment_days": c.commitment_days, "pair": c.name == ESOTERIC}
            for c in DEMO_CUSTOMERS if not names or c.name in names]


async def type_into(pilot: Any, text: str) -> None:
    pilot.app.screen.query_one(Input).insert_text_at_cursor(text)
    await pilot.pause()


async def test_n_adds_someone_for_the_week_and_d_removes_someone_with_nothing_planned(
        make_plan_app: Callable[..., Any]) -> None:
    async with make_plan_app().run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        await assign(pilot)  # ana has work on Monday
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AddPersonScreen)
        await type_into(pilot, "eve")
        await pilot.press("enter")
        await settle(pilot, 1)
        assert plan_of(pilot).developers == ("ana", "ben", "chloe", "dev", "eve")
        assert "eve joins 2026-W48 only (no Trello member of that name, so publishing will not add them to " \
               "cards)." in notes(pilot)
        assert [str(r.value) for r in screen.query_one(PlanGrid).rows] == ["ana", "ben", "chloe", "dev", "eve"]
        stored = pilot.app.services.store.load_plan(str(W48))
        assert stored is not None and stored["developers"][-1] == "eve"

        await pilot.press("D")  # the cursor is on ana, who has work planned: refused in words, nothing asked
        await pilot.pause()
        assert isinstance(pilot.app.screen, PlanningScreen)
        assert "ana has 1 d planned in 2026-W48; clear those cells first (x), then remove them." in notes(pilot)

        await pilot.press("j", "j", "j", "D")  # dev: nothing planned, not in the triage pair
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot, 1)
        assert "dev" in plan_of(pilot).developers
        await pilot.press("D", "y")
        await settle(pilot, 1)
        assert plan_of(pilot).developers == ("ana", "ben", "chloe", "eve")
        assert "dev is off the 2026-W48 roster." in notes(pilot)

        await pilot.press("N")  # a full name finds the Trello member, and the roster uses their username
        await pilot.pause()
        await type_into(pilot, "Dev Raman")
        await pilot.press("enter")
        await settle(pilot, 1)
        assert plan_of(pilot).developers[-1] == "dev"
        assert "dev joins 2026-W48 only (the Trello member dev (Dev Raman))." in notes(pilot)
        stored = pilot.app.services.store.load_plan(str(W48))
        assert stored is not None and stored["developers"] == ["ana", "ben", "chloe", "eve", "dev"]


async def test_the_picker_knows_who_worked_there_and_assigns_the_suggested_pair(
        make_plan_app: Callable[..., Any]) -> None:
    app = make_plan_app(customers=customers())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("j", "j")  # chloe, Monday
        await pilot.press("enter")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, PoolPicker)
        await type_into(pilot, "Evergreen")
        options = picker.query_one(OptionList)
        first, hint = (str(options.get_option_at_index(i).prompt) for i in (0, 1))
        assert first.startswith(f"{ESOTERIC}: ") and first.endswith("known by chloe (2 wk ago)")
        assert hint.endswith("paired with ana: ana has not worked for Evergreen Housing; pairing spreads what "
                             "you know")
        await pilot.press("down", "enter")
        await settle(pilot, 1)
        plan = plan_of(pilot)
        card = plan.items[str(plan.cell("chloe", MON)[0])]
        assert card.customer == ESOTERIC and first.startswith(f"{ESOTERIC}: {card.title}")
        assert plan.cell("chloe", MON) == plan.cell("ana", MON) == (card.card_id, card.card_id)
        assert cell(pilot, "chloe", MON.isoformat()).splitlines()[2] == "pair with ana"
        assert cell(pilot, "ana", MON.isoformat()).splitlines()[2] == "pair with chloe"
        assert not [n for n in notes(pilot) if "alone" in n]
        pool = text_of(screen.query_one("#pool", TotalsPanel))
        assert "paired: ana + chloe, Mon" in pool and "one person knows this (chloe)" in pool
        assert "one person knows this (chloe)" in text_of(screen.query_one("#customers", TotalsPanel))

        await pilot.press("k", "l")  # ben, Tuesday: alone on a customer that prefers pairs is a warning
        await assign(pilot, card)
        assert plan_of(pilot).cell("ben", TUE) == (card.card_id, card.card_id)
        assert f"ben is alone on {ESOTERIC}: {card.title} on Tue; {ESOTERIC} prefers pairs." in notes(pilot)


def test_pool_snapshot_with_pairs_and_knowledge_marks(make_plan_app: Callable[..., Any], snap_compare: Any) -> None:
    app = make_plan_app(customers=customers(ESOTERIC, "Foxglove Media"))
    app.services.planning.record.debounce_s = 0  # the plan reaches its Trello card before the picture is taken

    async def run_before(pilot: Any) -> None:
        screen = await open_planning(pilot)
        card = next(i for i in screen.pool_items if i.customer == ESOTERIC)
        plan: Plan = plan_of(pilot)
        for person in ("ana", "chloe"):
            for _ in range(2):
                plan = plan.assign(person, MON, card).plan
        screen._change(plan)
        await settle(pilot)
        await pilot.app.services.planning.record.drain()
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(130, 40), run_before=run_before)


def test_the_roster_keys_have_ids_and_are_known_to_the_keymap() -> None:
    from supportdesk_tui.bootstrap import key_problems, known_binding_ids

    assert {"planning.add_person", "planning.remove_person", "planning.add_person.cancel"} <= known_binding_ids()
    assert key_problems({"planning.add_person": "ctrl+n"}) == []
    assert all(b.id and b.id.startswith("planning.") for b in AddPersonScreen.BINDINGS if isinstance(b, Binding))
