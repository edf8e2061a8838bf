"""Plan cards people changed by hand in Trello, big plans, the shared rota and the first-start migration."""

from __future__ import annotations

from collections.abc import Callable

from supportdesk_tui.domain.plan_cards import Trouble
from supportdesk_tui.domain.plan_export import plan_to_dict
from supportdesk_tui.domain.plan_record import DESCRIPTION_LIMIT, PlanRecord, parse_description, render_description
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.services.container import Services
from tests.planning.fixtures import TrelloEnv
from tests.planning.record_fixtures import EPICS, ITEM_A, ITEM_B, MON, TUE, W48, drain, local, plan_cards, poll
from tests.support import NOW


async def planned(machine: Services, trello: TrelloEnv) -> str:
    """The machine plans W48 (ana on Monday) and it reaches the card; returns the card id."""
    await machine.planning.save(machine.planning.new_plan(W48).assign("ana", MON, ITEM_A).plan)
    await drain(machine)
    return str(plan_cards(trello)[0]["id"])


async def test_a_hand_broken_block_is_named_and_nothing_is_overwritten_until_repaired(
        machines: Callable[..., Services], trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    card_id = await planned(a, trello)
    trello.fake.edit_card_as_other_person(card_id, desc="Support plan\n\n```supportdesk-plan\n{not json\n```")
    await poll(b)
    status = await b.planning.record.status(W48)
    assert status.trouble is Trouble.UNREADABLE
    assert status.problem.startswith("The plan card for 2026-W48 (https://trello.com/c/")
    assert "cannot be read: its plan block is not valid JSON" in status.problem
    # a writes without having seen it: the write stops, the card keeps the hand edit, a's copy stays
    await a.planning.save((await local(a)).assign("ben", TUE, ITEM_B).plan)
    await drain(a)
    assert "{not json" in trello.fake.card(card_id)["desc"]
    assert (await local(a)).cell("ben", TUE) == (ITEM_B.card_id,)
    assert (await a.planning.record.status(W48)).trouble is Trouble.UNREADABLE
    assert not await a.planning.record.take_theirs(W48)  # unreadable: nothing to take
    await a.planning.record.repair(W48)
    record = parse_description(trello.fake.card(card_id)["desc"])
    assert record.plan.cell("ben", TUE) == (ITEM_B.card_id,) and record.revision == 2
    assert (await a.planning.record.status(W48)).problem == ""
    await poll(b)
    assert (await local(b)).cell("ben", TUE) == (ITEM_B.card_id,)
    assert (await b.planning.record.status(W48)).problem == ""


async def test_crlf_line_endings_are_read(machines: Callable[..., Services], trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    card_id = await planned(a, trello)
    desc = str(trello.fake.card(card_id)["desc"])
    trello.fake.edit_card_as_other_person(card_id, desc=desc.replace("\n", "\r\n"))
    await poll(b)
    assert (await b.planning.record.status(W48)).problem == ""
    assert (await local(b)).cell("ana", MON) == (ITEM_A.card_id,)


async def test_two_cards_for_one_week(machines: Callable[..., Services], trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    card_id = await planned(a, trello)
    other = Plan.new(W48, ("ana", "ben", "chloe", "dev")).assign("dev", MON, ITEM_B).plan
    second = trello.fake.add_card(EPICS, "Support plans", "Support plan 2026-W48", username="dev",
                                  desc=render_description(PlanRecord(other, 7, "dev", NOW)))
    await poll(a)
    status = await a.planning.record.status(W48)
    assert status.trouble is Trouble.DUPLICATE
    short = str(trello.fake.card(second)["shortUrl"])
    assert "There are 2 plan cards for 2026-W48" in status.problem and short in status.problem
    await a.planning.save((await local(a)).assign("ben", TUE, ITEM_B).plan)
    await drain(a)
    assert parse_description(trello.fake.card(card_id)["desc"]).revision == 1  # held until the person chooses
    await a.planning.record.repair(W48)  # this machine's copy to the card of record; the other is archived
    assert trello.fake.card(second)["closed"] is True
    assert parse_description(trello.fake.card(card_id)["desc"]).plan.cell("ben", TUE) == (ITEM_B.card_id,)
    await poll(b)
    assert (await b.planning.record.status(W48)).problem == ""


async def test_an_archived_or_moved_card_is_named_and_take_theirs_reads_it(machines: Callable[..., Services],
                                                                          trello: TrelloEnv) -> None:
    a = machines("a")
    card_id = await planned(a, trello)
    trello.fake.move_card_as_other_person(card_id, "Done")
    await poll(a)
    status = await a.planning.record.status(W48)
    assert status.trouble is Trouble.MOVED and "was moved out of the plans list" in status.problem
    assert status.theirs_readable
    trello.fake.edit_card_as_other_person(card_id, closed=True)
    await poll(a)
    assert (await a.planning.record.status(W48)).trouble is Trouble.ARCHIVED
    await a.planning.record.repair(W48)  # a new card in the list from this machine's copy; theirs untouched
    cards = [c for c in plan_cards(trello) if not c["closed"]]
    assert len(cards) == 1 and cards[0]["id"] != card_id
    assert parse_description(str(cards[0]["desc"])).plan.cell("ana", MON) == (ITEM_A.card_id,)


async def test_twenty_developers_fit_and_round_trip(machines: Callable[..., Services], trello: TrelloEnv) -> None:
    team = tuple(f"developer{i:02d}" for i in range(20))
    a = machines("a", team={"developers": team, "triage_leads": team[:2]})
    b = machines("b", team={"developers": team, "triage_leads": team[:2]})
    plan = a.planning.new_plan(W48)
    for i, dev in enumerate(team):
        for j, day in enumerate(W48.days()):  # three cards each: 60 cards, every half day planned
            item = WorkItem(f"5f1a2b3c{i:08d}{j % 3:08d}", f"Customer {i % 6}",
                            f"A reasonably long card name about an issue {i}-{j % 3}", 2, None,
                            f"https://trello.com/c/{i:04d}{j % 3:04d}")
            plan = plan.assign(dev, day, item).plan.assign(dev, day, item).plan
    plan = plan.with_triage_pair((team[0], team[5]))
    await a.planning.save(plan)
    await drain(a)
    desc = str(plan_cards(trello)[0]["desc"])
    assert len(desc) <= DESCRIPTION_LIMIT
    await poll(b)
    assert plan_to_dict(await local(b)) == plan_to_dict(plan)


async def test_the_rota_is_suggested_identically_from_the_cards(machines: Callable[..., Services],
                                                               trello: TrelloEnv) -> None:
    a = machines("a")
    b = machines("b", team={"triage": ["dev", "chloe"]})
    w46, w47 = IsoWeek(2026, 46), IsoWeek(2026, 47)
    await a.planning.save(a.planning.new_plan(w46).with_triage_pair(("ana", "chloe")))
    await a.planning.save(a.planning.new_plan(w47).with_triage_pair(("ben", "dev")))
    await drain(a)
    await poll(b)
    assert await a.planning.suggest(W48) == await b.planning.suggest(W48) == ("ana", "chloe")
    # no card names this week's pair: b's configured [team] triage wins on b only
    assert (await b.planning.rota_for(W48)).pair == ("dev", "chloe")
    await a.planning.save((await a.planning.open_week(W48)).plan.with_triage_pair(("ana", "ben")))
    await drain(a)
    await poll(b)
    choice = await b.planning.rota_for(W48)
    assert choice.pair == ("ana", "ben") and choice.source == "saved"
    assert b.planning.current_pair() == ("ana", "ben")


async def test_plans_saved_before_are_written_once_only_where_no_card_exists(
        machines: Callable[..., Services], trello: TrelloEnv) -> None:
    old = machines("a")
    w47 = IsoWeek(2026, 47)
    mine = Plan.new(W48, ("ana", "ben", "chloe", "dev")).assign("ana", MON, ITEM_B).plan
    older = Plan.new(w47, ("ana", "ben", "chloe", "dev")).assign("ben", w47.monday, ITEM_A).plan
    old.store.save_plan(str(W48), plan_to_dict(mine), NOW)  # as today's version saved them: locally only
    old.store.save_plan(str(w47), plan_to_dict(older), NOW)
    await old.aclose()
    b = machines("b")
    await planned(b, trello)  # W48 already has a card (made on another machine)
    a = machines("a")
    await poll(a)
    await drain(a)
    cards = {c["name"]: c for c in plan_cards(trello)}
    assert set(cards) == {"Support plan 2026-W47", "Support plan 2026-W48"}
    assert parse_description(str(cards["Support plan 2026-W48"]["desc"])).saved_by == "ben"  # not overwritten
    assert (await local(a)).cell("ana", MON) == (ITEM_A.card_id,)  # the card is the plan of record
    assert parse_description(str(cards["Support plan 2026-W47"]["desc"])).plan.cell("ben", w47.monday) == \
        (ITEM_A.card_id,)
    writes = len([r for r in trello.server.requests() if r.method != "GET"])
    restarted = machines("a")
    await poll(restarted)
    await drain(restarted)
    assert len([r for r in trello.server.requests() if r.method != "GET"]) == writes  # once
