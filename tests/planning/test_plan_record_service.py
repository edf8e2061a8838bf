"""The plan of record through the services of two machines on one fake Trello (no UI)."""

from __future__ import annotations

from collections.abc import Callable

from supportdesk_tui.domain.plan_record import parse_description
from supportdesk_tui.domain.planning import TRIAGE
from supportdesk_tui.services.container import Services
from tests.planning.fixtures import TrelloEnv
from tests.planning.record_fixtures import ITEM_A, ITEM_B, MON, TUE, W48, drain, local, plan_cards, poll

pytest_plugins = ["tests.planning.fixtures", "tests.planning.record_fixtures"]


async def test_a_plan_made_on_a_shows_on_b_after_one_poll(machines: Callable[..., Services],
                                                          trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    plan = a.planning.new_plan(W48).assign("ana", MON, ITEM_A).plan.assign("ana", MON, ITEM_A).plan
    await a.planning.save(plan)
    await drain(a)
    cards = plan_cards(trello)
    assert [c["name"] for c in cards] == ["Support plan 2026-W48"]
    record = parse_description(cards[0]["desc"])
    assert record.revision == 1 and record.saved_by == "ana"
    assert record.plan.cell("ana", MON) == (ITEM_A.card_id, ITEM_A.card_id)
    await poll(b)
    assert (await local(b)).cell("ana", MON) == (ITEM_A.card_id, ITEM_A.card_id)
    status = await b.planning.record.status(W48)
    assert status.revision == 1 and status.saved_by == "ana" and status.card_url


async def test_different_cells_edited_at_once_are_both_kept(machines: Callable[..., Services],
                                                           trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    await a.planning.save(a.planning.new_plan(W48).assign("ana", MON, ITEM_A).plan)
    await drain(a)
    await poll(b)
    # both edit before seeing the other's change
    await a.planning.save((await local(a)).assign("ben", TUE, ITEM_B).plan)
    await b.planning.save((await local(b)).mark_triage("chloe", MON).plan)
    await drain(a, b)
    await poll(a, b)
    for machine in (a, b):
        plan = await local(machine)
        assert plan.cell("ana", MON) == (ITEM_A.card_id,)
        assert plan.cell("ben", TUE) == (ITEM_B.card_id,)
        assert plan.cell("chloe", MON) == (TRIAGE,)
    record = parse_description(plan_cards(trello)[0]["desc"])
    assert record.revision == 3


async def test_the_same_cell_keeps_theirs_and_tells_the_later_one(machines: Callable[..., Services],
                                                                 trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    await a.planning.save(a.planning.new_plan(W48))
    await drain(a)
    await poll(b)
    await a.planning.save((await local(a)).assign("ana", MON, ITEM_A).plan)
    await drain(a)
    await b.planning.save((await local(b)).assign("ana", MON, ITEM_B).plan)
    await drain(b)
    status = await b.planning.record.status(W48)
    assert status.conflicts == ("ana changed Mon ana to Acme Ltd: VAT number at 10:00; your change to that cell "
                                "was not applied",)
    assert (await local(b)).cell("ana", MON) == (ITEM_A.card_id,)
    # one key applies mine over it, and that reaches the card
    await b.planning.record.apply_mine(W48)
    await drain(b)
    await poll(a)
    assert (await local(a)).cell("ana", MON) == (ITEM_B.card_id,)
    assert (await b.planning.record.status(W48)).conflicts == ()
