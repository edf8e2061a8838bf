"""The call's services over loopback: the close-out (a fault half-way, a restart, a second run),
confirmations as their own tickets (a dropped answer, a customer with no contact) and the agenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.call import confirmation_subject
from tests.boards.fixtures import ACME, BLUEBIRD, EPICS, World
from tests.call import fixtures as call_fixtures
from tests.call.fixtures import PLAN_CARD
from tests.support import NOW

world = call_fixtures.world
call_world = call_fixtures.call_world
make_call_services = call_fixtures.make_call_services
W48 = IsoWeek(2026, 48)
DONE = "Done 2026-W48"


def lists_named(world: World, board_id: str, name: str) -> list[str]:
    with world.trello.lock:
        return [lst.id for lst in world.trello.state.lists_on(board_id) if lst.name == name]


def moves_into(world: World, board_id: str, card_id: str, list_name: str) -> int:
    return sum(1 for a in world.trello.actions_on(board_id, "updateCard:idList")
               if a["data"]["card"]["id"] == card_id and a["data"]["listAfter"]["name"] == list_name)


async def test_close_out_cut_short_then_restarted_moves_each_card_once_and_hands_over_once(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    world = call_world
    spike, invoice, vat = world.cards["spike"], world.cards["invoice"], world.cards["vat"]
    services = make_call_services()
    # The second card's move fails for good after the first card and the list are done: Trello "goes away".
    world.trello_server.fail_next("PUT", rf"/cards/{invoice}/idList$", status=503, times=10)
    first = await services.call.close_week(W48)
    assert first.outcome is not None and first.outcome.status is JournalStatus.PENDING
    assert {c.card_id for c in first.cards} == {spike, invoice}  # vat entered Recently Completed this week
    assert world.list_of(spike) == DONE and world.list_of(invoice) == "Recently Completed"
    await services.aclose()

    world.trello_server.faults.scripted.clear()
    restarted = make_call_services()  # same store: the journal finishes what was cut short
    again = await restarted.call.close_week(W48)
    assert again.cards == ()  # nothing left in Recently Completed from before the week's start
    assert again.outcome is not None and again.outcome.ok
    assert world.list_of(spike) == DONE and world.list_of(invoice) == DONE and world.list_of(vat) == \
        "Recently Completed"
    assert [moves_into(world, ACME.board_id, c, DONE) for c in (spike, invoice)] == [1, 1]
    assert len(lists_named(world, ACME.board_id, DONE)) == 1 and len(lists_named(world, EPICS, DONE)) == 1
    assert [c["name"] for c in world.trello.cards_on(EPICS, DONE)] == ["Acme Ltd: Spike: PDF export"]
    handovers = [t for t in world.trello.comments_on(world.cards["plan"]) if "Triage handover for 2026-W49" in t]
    assert len(handovers) == 1
    assert "Actions pending" in handovers[0] and "Fix-now timeboxes running" in handovers[0]
    assert "The handover was already on next week's plan card" in again.summary()
    third = await restarted.call.close_week(W48)
    assert third.cards == () and len([t for t in world.trello.comments_on(world.cards["plan"])
                                      if "Triage handover" in t]) == 1
    await restarted.aclose()


async def test_close_out_without_next_weeks_plan_card_prints_the_handover_only(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    world = call_world
    with world.trello.lock:
        world.trello.state.card(world.cards["plan"]).closed = True
    services = make_call_services()
    report = await services.call.close_week(W48)
    assert report.outcome is not None and report.outcome.ok and report.plan_card == ""
    assert "“Support plan 2026-W49”) does not exist" in report.summary()
    assert report.handover.startswith("**Triage handover for 2026-W49**")
    await services.aclose()


async def test_the_handover_goes_on_the_older_of_two_twin_plan_cards(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    world = call_world
    twin = world.trello.add_card(EPICS, "Support plans", PLAN_CARD, desc="Made again by hand.")
    world.trello.move_card_as_other_person(twin, "Support plans", pos="top")  # the newer card shows first
    services = make_call_services()
    report = await services.call.close_week(W48)
    assert report.plan_card == world.cards["plan"]  # the card the plan of record reads (the older)
    assert any("Triage handover for 2026-W49" in t for t in world.trello.comments_on(world.cards["plan"]))
    assert world.trello.comments_on(twin) == []
    await services.aclose()


async def test_the_handover_rounds_a_timebox_up_as_the_inbox_does_from_the_shared_marks(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    services = make_call_services()
    await services.load_triage_marks()
    # 30 min 30 s left: the Inbox's row says "fixing 0:31", and so does the handover.
    services.triage_marks.start_timebox(4711, NOW - timedelta(minutes=89, seconds=30), 2)
    services.triage_marks.start_timebox(4712, NOW - timedelta(hours=3), 2)
    assert services.call.closeout.marks is services.triage_marks
    report = await services.call.close_week(W48)
    assert "#4711: 0:31 left" in report.handover and "#4712: timebox over" in report.handover
    assert services.row_mark(4711, NOW) == "fixing 0:31"
    await services.aclose()


async def test_a_confirmation_ticket_is_made_once_under_a_dropped_answer(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    groove = call_world.groove
    services = make_call_services()
    drafts_for = services.call.confirmations
    from supportdesk_tui.domain.planning import Plan, WorkItem

    item = WorkItem("c1", ACME.name, "Export to CSV times out", 2, None, "")
    plan = Plan.new(W48, ("ana", "ben")).assign("ana", W48.days()[0], item).plan
    (draft,) = await drafts_for.drafts(plan, [item])
    assert draft.to == "daisy@acme.example"  # the contact first, then recent senders (wile@, daisy@)
    assert "wile@acme.example" in draft.addresses
    groove.server.fail_next("POST", r"/tickets$", action="drop_after")
    outcome = await drafts_for.send(W48, draft)
    assert not isinstance(outcome, str) and outcome.ok
    made = [t for t in groove.fake.tickets_snapshot().values() if t.title == confirmation_subject(W48)]
    assert len(made) == 1 and made[0].customer_email == "daisy@acme.example"
    assert outcome.done["create"] == {"number": made[0].number, "found": True}
    assert made[0].state == "closed"  # [triage] confirmation_state = "closed"
    first = groove.fake.messages_of(made[0].number)[0]
    assert "support plan for Acme Ltd" in first.plain_text and first.emailed_to_customer
    (again,) = await drafts_for.drafts(plan, [item])
    assert again.sent_on == made[0].number and "Already sent" in again.where(W48)
    assert isinstance(await drafts_for.send(W48, again), str)
    assert len([t for t in groove.fake.tickets_snapshot().values() if t.title == confirmation_subject(W48)]) == 1
    await services.aclose()


async def test_a_customer_with_no_contact_and_no_senders_says_which_key_to_set(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    services = make_call_services()
    from supportdesk_tui.domain.planning import Plan, WorkItem

    item = WorkItem("c2", BLUEBIRD.name, "Seat map broken on iPad", 2, None, "")
    plan = Plan.new(W48, ("ana",)).assign("ana", W48.days()[1], item).plan
    (draft,) = await services.call.confirmations.drafts(plan, [item])
    assert draft.to is None
    assert "set contact in its [[customers]] entry" in draft.where(W48)
    assert await services.call.confirmations.send(W48, draft) == draft.where(W48)
    assert not [t for t in call_world.groove.fake.tickets_snapshot().values() if t.title.startswith("Support plan")]
    await services.aclose()


async def test_the_agenda_reads_like_the_calls_notes(call_world: World, make_call_services: Callable[..., Any]
                                                     ) -> None:
    services = make_call_services()
    text = await services.call.agenda_text("acme ltd", markdown=True)
    assert text.startswith("## Call with Acme Ltd: Wed 25 Nov 2026\nSince the last call on Thu 19 Nov; call due Thu.")
    assert "- Add VAT number to invoices (finished Wed 25 Nov)" in text  # entered Recently Completed today
    assert "Spike: PDF export" not in text  # finished before the last call
    assert "### Up next: 1.5 d of 1 d agreed: over by 0.5 d" in text
    assert f"#{call_world.tickets['reset']} pending" in text
    assert "- Login page slow on Mondays (waiting since Wed 25 Nov)" in text
    assert "### Tickets open now" in text and "Password reset never arrives (pending, 0 d old)" in text
    await services.aclose()


async def test_d_makes_the_weeks_done_list_once_at_the_right_end(call_world: World,
                                                                 make_call_services: Callable[..., Any]) -> None:
    world = call_world
    services = make_call_services()
    boards = services.boards
    board = (await boards.refresh(ACME.board_id)).board
    assert boards.done_name() == DONE and boards.done_list(ACME.board_id) == ""  # made with its first card
    export = next(c for c in board.cards if c.id == world.cards["export"])
    assert (await boards.done(export, None)).ok and world.list_of(export.id) == DONE
    with world.trello.lock:
        names = [lst.name for lst in sorted(world.trello.state.lists_on(ACME.board_id), key=lambda x: x.pos)]
    assert names[-1] == DONE and "Done" in names  # at the right end; the older plain Done list stays
    update = await boards.refresh(ACME.board_id)
    assert boards.done_list(ACME.board_id) == lists_named(world, ACME.board_id, DONE)[0]
    assert all(o.ok for o in await boards.run_jobs(update.jobs))  # the move is seen: its epics copy follows
    assert [c["name"] for c in world.trello.cards_on(EPICS, DONE)] == ["Acme Ltd: Export to CSV times out"]
    login = next(c for c in update.board.cards if c.id == world.cards["login"])
    assert (await boards.done(login, None)).ok and len(lists_named(world, ACME.board_id, DONE)) == 1

    seatmap = next(c for c in (await boards.refresh(BLUEBIRD.board_id)).board.cards
                   if c.id == world.cards["seatmap"])
    world.trello_server.fail_next("POST", r"/lists$", action="drop_after")  # made, but the answer is lost
    assert (await boards.done(seatmap, None)).ok and world.list_of(seatmap.id) == DONE
    assert len(lists_named(world, BLUEBIRD.board_id, DONE)) == 1
    await services.aclose()


async def test_the_close_out_uses_the_week_lists_d_and_the_sync_already_found(
        call_world: World, make_call_services: Callable[..., Any]) -> None:
    world = call_world
    services = make_call_services()
    boards = services.boards
    board = (await boards.refresh(ACME.board_id)).board
    export = next(c for c in board.cards if c.id == world.cards["export"])
    assert (await boards.done(export, None)).ok  # makes Acme's "Done 2026-W48"
    update = await boards.refresh(ACME.board_id)
    assert all(o.ok for o in await boards.run_jobs(update.jobs))  # the sync makes the epics board's
    asked = len(world.trello_server.requests("GET", r"/lists$"))
    report = await services.call.close_week(W48)
    assert report.outcome is not None and report.outcome.ok
    assert len(world.trello_server.requests("GET", r"/lists$")) == asked  # neither board's lists read again
    assert world.list_of(world.cards["spike"]) == DONE
    assert "Acme Ltd: Spike: PDF export" in [c["name"] for c in world.trello.cards_on(EPICS, DONE)]
    assert len(lists_named(world, ACME.board_id, DONE)) == 1 and len(lists_named(world, EPICS, DONE)) == 1
    await services.aclose()
