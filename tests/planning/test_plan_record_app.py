"""The plan of record through Pilot: two apps (two data dirs, one fake Trello, the same settings)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.plan_record import parse_description
from supportdesk_tui.domain.planning import TRIAGE
from supportdesk_tui.services.planning.export import export_week_from
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import DeskHeader
from tests.planning.fixtures import TrelloEnv, record_settled
from tests.planning.record_fixtures import MON, machine_settings, plan_cards
from tests.planning.test_planning_app import SIZE, open_planning, plan_of
from tests.support import FAST_RETRIES, fast_trello_options, settle


class Machines:
    def __init__(self, tmp_path: Path, groove: Any, trello: TrelloEnv, clock: FixedClock) -> None:
        self.tmp_path, self.groove, self.trello, self.clock = tmp_path, groove, trello, clock

    def app(self, name: str) -> Any:
        from supportdesk_tui.bootstrap import make_app
        from supportdesk_tui.demo import demo_credentials

        settings = machine_settings(self.tmp_path, name, self.groove, self.trello)
        app = make_app(settings, demo_credentials(), self.clock, groove_options=FAST_RETRIES,
                       trello_options=fast_trello_options())
        app.services.planning.record.debounce_s = 0
        return app


async def written(pilot: Any) -> None:
    """Let the app's queued plan write reach Trello, and the screen show the result."""
    await settle(pilot)
    await pilot.app.services.planning.record.drain()
    await settle(pilot)


def header(pilot: Any) -> str:
    return str(pilot.app.screen.query_one(DeskHeader).right)


def banner(pilot: Any) -> str:
    shown = pilot.app.screen.query_one(Banner)
    return str(shown.render()) if shown.shown else ""


async def test_plan_on_a_shows_on_b_in_grid_header_and_export(tmp_path: Path, groove: Any, trello: TrelloEnv,
                                                               clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    async with machines.app("a").run_test(size=SIZE, notifications=True) as pa:
        await open_planning(pa)
        await pa.press("t")
        await written(pa)
        assert "plan r1 by ana 10:00" in header(pa)
        assert any("Created the list Support plans on Support Epics" in n.message for n in pa.app._notifications)
        plan = plan_of(pa).with_triage_pair(("ben", "dev"))
        await pa.app.services.planning.save(plan)
        await written(pa)
    async with machines.app("b").run_test(size=SIZE, notifications=True) as pb:
        await open_planning(pb)
        await settle(pb)
        assert plan_of(pb).cell("ana", MON) == (TRIAGE,)
        assert "plan r2 by ana 10:00" in header(pb)
        assert pb.app.triage_pair() == ("ben", "dev")  # the headers' pair is the plan's
    fresh = machine_settings(tmp_path, "c", groove, trello)  # never ran the app
    from supportdesk_tui.demo import demo_credentials

    text, source = await asyncio.to_thread(export_week_from, fresh, "2026-W48", "md", credentials=demo_credentials(),
                                           trello_options=fast_trello_options())
    assert text.startswith("# Support plan 2026-W48")
    card = plan_cards(trello)[0]
    assert source == (f"From the Trello card {card['shortUrl']} (revision 2, saved by ana on 2026-11-25 10:00 UTC).")


async def test_same_cell_at_once_the_later_one_is_told_and_m_applies_theirs_over(
        tmp_path: Path, groove: Any, trello: TrelloEnv, clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    async with machines.app("a").run_test(size=SIZE, notifications=True) as pa, \
            machines.app("b").run_test(size=SIZE, notifications=True) as pb:
        await open_planning(pa)
        await open_planning(pb)
        await pa.press("t", "t")  # a whole day of triage
        await written(pa)
        revision = parse_description(plan_cards(trello)[0]["desc"]).revision
        await pb.press("t")  # b, not having looked since, plans half a day in the same cell
        await written(pb)
        assert plan_of(pb).cell("ana", MON) == (TRIAGE, TRIAGE)  # theirs kept
        assert banner(pb).startswith("⚠ ana changed Mon ana to triage at 10:00; your change to that cell was not "
                                     "applied. m applies yours over theirs")
        await pb.press("m")
        await written(pb)
        assert plan_of(pb).cell("ana", MON) == (TRIAGE,)
        assert banner(pb) == ""
        await pa.press("r")
        await settle(pa)
        assert plan_of(pa).cell("ana", MON) == (TRIAGE,)
        assert parse_description(plan_cards(trello)[0]["desc"]).revision == revision + 1


async def test_a_hand_broken_card_is_named_and_f_repairs_it(tmp_path: Path, groove: Any, trello: TrelloEnv,
                                                            clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    async with machines.app("a").run_test(size=SIZE, notifications=True) as pa:
        await open_planning(pa)
        await pa.press("t")
        await written(pa)
        card = plan_cards(trello)[0]
        trello.fake.edit_card_as_other_person(card["id"], desc="I tidied this up\n\n```supportdesk-plan\n{}\n```")
        await pa.press("r")
        await settle(pa)
        assert banner(pa).startswith(f"⚠ The plan card for 2026-W48 ({card['shortUrl']}) cannot be read: its plan "
                                     "block has no format version. This machine's copy stays")
        assert "F rewrites the card" in banner(pa) and "T takes" not in banner(pa)
        assert plan_of(pa).cell("ana", MON) == (TRIAGE,)
        await pa.press("F")
        await written(pa)
        assert banner(pa) == ""
        assert parse_description(trello.fake.card(card["id"])["desc"]).plan.cell("ana", MON) == (TRIAGE,)


async def test_a_offline_for_a_while_of_edits_then_back_b_sees_them_all(
        tmp_path: Path, groove: Any, trello: TrelloEnv, clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    async with machines.app("a").run_test(size=SIZE, notifications=True) as pa:
        await open_planning(pa)
        await pa.press("t")
        await written(pa)
        trello.server.faults.down = True
        await pa.press("j", "t", "t", "j", "t", "minus")  # ben Mon whole day, chloe Mon half, chloe gives less
        await written(pa)
        await pa.press("r")
        await settle(pa)
        assert "as of 10:00 (Trello not reachable)" in header(pa)
        assert pa.app.pending_actions() == 1  # one journaled write carries the whole spell offline
        trello.server.faults.down = False
        await pa.press("r")  # back: the check finds Trello again and the queued write goes out
        await written(pa)
        assert pa.app.pending_actions() == 0
        assert "plan r2 by ana" in header(pa)
    async with machines.app("b").run_test(size=SIZE, notifications=True) as pb:
        await open_planning(pb)
        await settle(pb)
        plan = plan_of(pb)
        assert plan.cell("ana", MON) == (TRIAGE,) and plan.cell("ben", MON) == (TRIAGE, TRIAGE)
        assert plan.cell("chloe", MON) == (TRIAGE,) and plan.available["chloe"] == 9


async def test_a_crash_between_the_local_save_and_the_trello_write_finishes_on_restart_once(
        tmp_path: Path, groove: Any, trello: TrelloEnv, clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    app = machines.app("a")
    async with app.run_test(size=SIZE, notifications=True) as pa:
        await open_planning(pa)
        # The write must not reach Trello before the process ends. A debounce alone cannot promise that:
        # a background read of the record, or a poll that finds Trello answering, may run the journal
        # first (as it should). Trello refusing every request makes the crash's moment certain.
        trello.server.faults.down = True
        await pa.press("t")
        await settle(pa)
        assert pa.app.pending_actions() == 1
        app.services.planning.record.stop()
    assert plan_cards(trello) == []
    trello.server.faults.down = False
    trello.server.clear_log()
    async with machines.app("a").run_test(size=SIZE, notifications=True) as again:
        await settle(again)  # the journal is resumed after the first paint
        await open_planning(again)
        await written(again)
        assert again.app.pending_actions() == 0
    writes = [(r.method, r.path) for r in trello.server.requests() if r.method != "GET"]
    assert [m for m, _ in writes] == ["POST", "POST"]  # the plans list, then the week's card: once each
    assert len(plan_cards(trello)) == 1
    assert parse_description(plan_cards(trello)[0]["desc"]).plan.cell("ana", MON) == (TRIAGE,)


async def test_a_dialog_closing_reads_nothing_coming_back_from_another_mode_checks_the_record(
        tmp_path: Path, groove: Any, trello: TrelloEnv, clock: FixedClock) -> None:
    from supportdesk_tui.screens.planning.roster import AddPersonScreen
    from supportdesk_tui.screens.planning.screen import PlanningScreen

    machines = Machines(tmp_path, groove, trello, clock)
    async with machines.app("a").run_test(size=SIZE, notifications=True) as pa:
        await open_planning(pa)
        await record_settled(pa)
        before = len(trello.server.requests())
        await pa.press("N")
        await settle(pa)
        assert isinstance(pa.app.screen, AddPersonScreen)
        await pa.press("escape")
        await settle(pa)
        assert isinstance(pa.app.screen, PlanningScreen)
        assert [(r.method, r.path) for r in trello.server.requests()[before:]] == []  # a cancelled dialog asks nothing
        await pa.press("1")
        await settle(pa)
        await pa.press("3")
        await settle(pa)
        assert len(trello.server.requests()) > before  # back from the Inbox: the plan of record is checked


async def test_with_trello_down_every_header_gives_the_plans_triage_pair_its_age(
        tmp_path: Path, groove: Any, trello: TrelloEnv, clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    async with machines.app("a").run_test(size=(160, 36), notifications=True) as pa:
        await open_planning(pa)
        await pa.press("t")
        await written(pa)  # this week's plan card exists: the headers' pair is the plan's
        pair = " + ".join(pa.app.triage_pair())
        assert pair
        await pa.press("1", "r")
        await settle(pa)
        assert pa.app.screen.query_one(DeskHeader).left.startswith(f"Inbox · triage: {pair} · ")  # Trello answers

        trello.server.faults.down = True
        await pa.press("3")  # back on Planning: the plan of record is checked, and Trello does not answer
        await settle(pa)
        assert "as of 10:00 (Trello not reachable)" in header(pa)
        aged = f"triage: {pair} as of 10:00 (Trello not reachable)"
        await pa.press("1", "r")
        await settle(pa)
        assert aged in pa.app.screen.query_one(DeskHeader).left
        await pa.press("2")
        await settle(pa)
        assert aged in pa.app.screen.query_one(DeskHeader).right
        await pa.press("4")
        await settle(pa)
        assert aged in pa.app.screen.query_one(DeskHeader).right

        trello.server.faults.down = False
        await pa.press("3")
        await settle(pa)
        await pa.press("1", "r")
        await settle(pa)
        assert "as of" not in pa.app.screen.query_one(DeskHeader).left  # checked again: the pair is current


async def test_with_trello_down_a_pair_that_is_no_plan_cards_gets_no_age(tmp_path: Path, groove: Any,
                                                                          trello: TrelloEnv, clock: FixedClock) -> None:
    machines = Machines(tmp_path, groove, trello, clock)
    trello.server.faults.down = True
    async with machines.app("a").run_test(size=(160, 36), notifications=True) as pa:
        await settle(pa)
        await pa.press("3")
        await settle(pa)
        assert "(Trello not reachable)" in header(pa)  # Planning says so of its plan
        await pa.press("1", "r")
        await settle(pa)
        left = pa.app.screen.query_one(DeskHeader).left
        assert "triage: " in left and "as of" not in left  # the configured pair is no plan's: nothing to date
