"""The plan of record through the services of two machines on one fake Trello (no UI)."""

from __future__ import annotations

from collections.abc import Callable

from supportdesk_tui.domain.plan_record import parse_description
from supportdesk_tui.domain.planning import TRIAGE
from supportdesk_tui.services.container import Services
from tests.planning.fixtures import TrelloEnv
from tests.planning.record_fixtures import FRI, ITEM_A, ITEM_B, MON, TUE, W48, drain, local, plan_cards, poll


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
    # Two writes at the same moment: the one Trello kept first is merged with the other by the machine
    # whose write was replaced, at its next look; one more look brings that to the first machine.
    await poll(a, b)
    await poll(a, b)
    for machine in (a, b):
        plan = await local(machine)
        assert plan.cell("ana", MON) == (ITEM_A.card_id,)
        assert plan.cell("ben", TUE) == (ITEM_B.card_id,)
        assert plan.cell("chloe", MON) == (TRIAGE,)
    record = parse_description(plan_cards(trello)[0]["desc"])
    assert record.revision == 3  # crossed or not: the second write (or the merge of a replaced one) is 3


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


def writes_to_trello(trello: TrelloEnv) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in trello.server.requests() if r.method in ("POST", "PUT", "DELETE")]


async def test_a_change_costs_one_read_and_one_write_and_an_unchanged_check_one_request(
        machines: Callable[..., Services], trello: TrelloEnv) -> None:
    a = machines("a")
    await a.planning.save(a.planning.new_plan(W48))
    await drain(a)
    await poll(a)
    await poll(a)
    trello.server.clear_log()
    await poll(a)
    assert len(trello.server.requests()) == 1  # the board's actions since the last one seen: nothing
    await a.planning.save((await local(a)).assign("ana", MON, ITEM_A).plan)
    await drain(a)
    sent = [(r.method, r.path.split("?")[0]) for r in trello.server.requests()[1:]]
    assert [m for m, _ in sent] == ["GET", "PUT"]
    assert sent[1][1].endswith("/desc")


async def test_a_burst_of_edits_is_one_write(machines: Callable[..., Services], trello: TrelloEnv) -> None:
    a = machines("a")
    a.planning.record.debounce_s = 60  # the burst comes faster than the debounce
    await a.planning.save(a.planning.new_plan(W48))
    await drain(a)
    trello.server.clear_log()
    plan = await local(a)
    for day in W48.days():
        plan = plan.assign("ana", day, ITEM_A).plan
        await a.planning.save(plan)
    assert a.journal.pending_count == 1  # one entry carries the whole burst
    await drain(a)
    assert len(writes_to_trello(trello)) == 1
    assert all(parse_description(plan_cards(trello)[0]["desc"]).plan.cell("ana", d) == (ITEM_A.card_id,)
               for d in W48.days())


async def test_offline_edits_reach_the_card_when_trello_answers_again(machines: Callable[..., Services],
                                                                     trello: TrelloEnv) -> None:
    a, b = machines("a"), machines("b")
    await a.planning.save(a.planning.new_plan(W48))
    await drain(a)
    trello.server.faults.down = True
    plan = await local(a)
    for dev, day in [("ana", MON), ("ben", TUE), ("ana", MON), ("chloe", FRI)]:
        plan = plan.assign(dev, day, ITEM_B if dev == "ana" else ITEM_A).plan
        await a.planning.save(plan)
        await drain(a)
    assert a.journal.pending_count == 1
    assert not (await a.planning.record.check())
    status = await a.planning.record.status(W48)
    assert a.planning.record.status_line(status).startswith("as of 10:00 (Trello not reachable)")
    trello.server.faults.down = False
    await poll(a)  # back: the queued write goes out
    assert a.journal.pending_count == 0
    await poll(b)
    mine = await local(b)
    assert mine.cell("ana", MON) == (ITEM_B.card_id, ITEM_B.card_id)
    assert mine.cell("ben", TUE) == (ITEM_A.card_id,) and mine.cell("chloe", FRI) == (ITEM_A.card_id,)


async def test_a_crash_between_local_save_and_trello_write_finishes_on_restart_once(
        machines: Callable[..., Services], trello: TrelloEnv) -> None:
    a = machines("a")
    a.planning.record.debounce_s = 60
    await a.planning.save(a.planning.new_plan(W48).assign("ana", MON, ITEM_A).plan)
    assert writes_to_trello(trello) == []
    a.planning.record.stop()  # the process ends before the debounce fired: the entry stays in the journal
    await a.aclose()
    restarted = machines("a")
    for _ in range(2):  # the App resumes the journal after the first paint; a second resume finds nothing
        await restarted.journal.resume()
    assert [m for m, _ in writes_to_trello(trello)] == ["POST", "POST"]  # the plans list, then the card
    assert parse_description(plan_cards(trello)[0]["desc"]).plan.cell("ana", MON) == (ITEM_A.card_id,)
    assert len(plan_cards(trello)) == 1
