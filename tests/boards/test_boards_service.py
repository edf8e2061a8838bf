"""BoardsService over loopback against the Trello and Groove fakes, with a real SQLite journal."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from supportdesk_tui.domain.epics import IssueKind, Move
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.services.boards import BoardsService
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import ACME, BLUEBIRD, EPICS, World

make_services = boards_fixtures.make_services  # the fixture, used by name below
world = boards_fixtures.world  # the fixture, used by name below

BOARD_GET = rf"^/1/boards/{ACME.board_id}/?$"
ACTIONS_GET = rf"^/1/boards/{ACME.board_id}/actions/?$"


@pytest.fixture
async def app(make_services: Callable[..., Any]) -> AsyncIterator[Any]:
    services = make_services()
    yield services
    await services.aclose()


def card_of(service: BoardsService, board_id: str, card_id: str) -> Any:
    board = service.cached(board_id)
    assert board is not None
    return next(c for c in board.cards if c.id == card_id)


def labels_named(world: World, name: str) -> list[str]:
    with world.trello.lock:
        return [lb.id for lb in world.trello.state.labels.values() if lb.board_id == EPICS and lb.name == name]


def crash_after(server: FakeServer, method: str, path: str) -> None:
    """The next ``method path`` is processed, its answer is dropped, and the service then goes down."""
    inner = server.handler

    def handler(req: Request) -> Response:
        response = inner(req)
        if req.method == method and req.path.rstrip("/").endswith(path):
            server.faults.down = True
            server.handler = inner
        return response

    server.fail_next(method, f"{path}/?$", action="drop_after")
    server.handler = handler


# ------------------------------------------------------------------------------------------- reads


async def test_a_board_loads_in_one_request_and_an_unchanged_poll_costs_one(app: Any, world: World) -> None:
    server, boards = world.trello_server, app.boards
    server.clear_log()
    first = await boards.refresh(ACME.board_id)
    assert first.reloaded and len(server.requests()) == 1
    assert {lst.name for lst in first.board.lists} == {"New Issues", "Up next", "Recently Completed", "Done"}
    await boards.refresh(ACME.board_id)  # first poll: the baseline came with the load, so no reload
    server.clear_log()
    for _ in range(3):
        update = await boards.refresh(ACME.board_id)
        assert not update.reloaded and update.board.cards == first.board.cards
    assert len(server.requests()) == 3
    assert len(server.requests("GET", ACTIONS_GET)) == 3 and not server.requests("GET", BOARD_GET)


async def test_a_change_by_someone_else_reloads_and_becomes_a_sync_job(app: Any, world: World) -> None:
    boards = app.boards
    await boards.refresh(ACME.board_id)
    await boards.refresh(ACME.board_id)
    world.trello.move_card_as_other_person(world.cards["login"], "Up next")
    world.trello.move_card_as_other_person(world.cards["export"], "Recently Completed")
    world.trello_server.clear_log()
    update = await boards.refresh(ACME.board_id)
    assert update.reloaded and len(world.trello_server.requests()) == 2  # the poll, then one reload
    moves = {(job.transition.move, job.transition.card.id) for job in update.jobs}
    assert moves == {(Move.ENTERED_UP_NEXT, world.cards["login"]), (Move.FINISHED, world.cards["export"])}
    assert all(job.customer == ACME.name for job in update.jobs)


# ------------------------------------------------------------------------------------------- epics sync


async def test_the_view_lists_what_the_seed_left_out_of_sync(app: Any, world: World) -> None:
    view = await app.boards.epics_view()
    status = view.status
    assert [i.source.id for i in status.missing if i.source] == [world.cards["reset"]]
    assert [i.link for i in status.to_done] == [world.short("vat")]
    assert [i.link for i in status.duplicates] == [world.short("seatmap")]
    assert len(status.orphans) == 1 and status.orphans[0].copy is not None
    assert status.orphans[0].copy.name == "Acme Ltd: Retired report"
    assert status.in_sync == 2 and status.complete and not view.failed


async def test_sync_run_twice_doubles_nothing(app: Any, world: World) -> None:
    first = await app.boards.epics_view()
    outcomes = await app.boards.repair_all(first.status)
    assert [o.status for o in outcomes] == ["done"] * 4
    again = await app.boards.repair_all(first.status)  # the same, stale list of problems once more
    assert [o.status for o in again] == ["done"] * 4
    after = await app.boards.epics_view()
    assert after.status.clean, after.status.issues
    for key in ("export", "reset", "seatmap", "prices"):
        assert len(world.open_copies(key)) == 1, key
    assert world.list_of(world.open_copies("vat")[0]["id"]) == "Done"
    assert len(world.trello_server.requests("POST", r"^/1/cards/?$")) == 1  # only the missing one was created
    made = world.open_copies("reset")[0]
    assert made["name"] == "Acme Ltd: Password reset email never arrives"
    assert labels_named(world, ACME.name) == [lb for lb in made["idLabels"] if lb in labels_named(world, ACME.name)]
    assert len(labels_named(world, ACME.name)) == 1


async def test_a_crash_between_create_and_record_still_leaves_one_copy(make_services: Callable[..., Any],
                                                                       world: World) -> None:
    first = make_services()
    missing = (await first.boards.epics_view()).status.missing[0]
    # The copy is created, its answer never arrives, and Trello is gone before anything more can be
    # recorded: as far as the journal knows, the "copy" step never finished (what a crash leaves).
    crash_after(world.trello_server, "POST", "/1/cards")
    outcome = await first.boards.repair(missing)
    assert outcome.status == "pending" and "copy" not in outcome.done
    assert len(world.open_copies("reset")) == 1
    await first.aclose()
    world.trello_server.faults.down = False
    restarted = make_services()  # same data dir: the journal entry is still pending
    try:
        (resumed,) = await restarted.journal.resume()
        assert resumed.status == "done" and resumed.kind == "epics.copy"
        assert len(world.open_copies("reset")) == 1
        assert len(world.trello_server.requests("POST", r"^/1/cards/?$")) == 1  # looked up, not created again
        assert world.open_copies("reset")[0]["idLabels"]  # and the remaining steps ran
    finally:
        await restarted.aclose()


async def test_two_app_instances_syncing_at_once_end_with_one_copy(make_services: Callable[..., Any],
                                                                   world: World) -> None:
    one, two = make_services("one"), make_services("two")
    try:
        issue_one = (await one.boards.epics_view()).status.missing[0]
        issue_two = (await two.boards.epics_view()).status.missing[0]
        # Hold both marker look-ups until each instance has made its own: both see "no copy" and create.
        gate = threading.Barrier(2, timeout=10)
        passed: list[int] = []
        inner = world.trello.handle

        def gated(req: Request) -> Response:
            if req.method == "GET" and req.path.rstrip("/") == f"/1/boards/{EPICS}" \
                    and req.query.get("cards") == "all" and len(passed) < 2:
                passed.append(1)
                gate.wait()
            return inner(req)

        world.trello_server.handler = gated
        results = await asyncio.gather(one.boards.repair(issue_one), two.boards.repair(issue_two))
        assert [r.status for r in results] == ["done", "done"]
        assert len(world.trello_server.requests("POST", r"^/1/cards/?$")) == 2  # the race really happened
        assert len(world.open_copies("reset")) == 1
        archived = [c for c in world.trello.cards_on(EPICS, include_closed=True)
                    if c["closed"] and world.short("reset") in c["desc"]]
        assert len(archived) == 1
    finally:
        await one.aclose()
        await two.aclose()


async def test_a_card_moved_out_of_up_next_by_someone_else_moves_its_copy_to_done(app: Any, world: World) -> None:
    boards = app.boards
    await boards.refresh(ACME.board_id)
    await boards.refresh(ACME.board_id)
    (copy,) = world.open_copies("export")
    assert world.list_of(copy["id"]) == "Up next"
    world.trello.move_card_as_other_person(world.cards["export"], "Recently Completed")
    update = await boards.refresh(ACME.board_id)
    outcomes = await boards.run_jobs(update.jobs)
    assert [o.status for o in outcomes] == ["done"]
    assert world.list_of(copy["id"]) == "Done" and len(world.open_copies("export")) == 1


async def test_a_card_moved_into_up_next_is_copied_once(app: Any, world: World) -> None:
    boards = app.boards
    await boards.refresh(ACME.board_id)
    await boards.refresh(ACME.board_id)
    world.trello.move_card_as_other_person(world.cards["login"], "Up next")
    update = await boards.refresh(ACME.board_id)
    assert [o.status for o in await boards.run_jobs(update.jobs)] == ["done"]
    assert [o.status for o in await boards.run_jobs(update.jobs)] == ["done"]  # replayed: still one
    (copy,) = world.open_copies("login")
    assert world.list_of(copy["id"]) == "Up next" and copy["name"] == "Acme Ltd: Login page slow on Mondays"


async def test_orphan_and_duplicate_repairs_archive_the_right_cards(app: Any, world: World) -> None:
    status = (await app.boards.epics_view()).status
    (dup,) = status.duplicates
    (orphan,) = status.orphans
    assert dup.copy is not None and orphan.copy is not None
    keep, extra = dup.copy.id, dup.extras[0].id
    assert (await app.boards.repair(dup)).ok and (await app.boards.repair(orphan)).ok
    assert world.trello.card(extra)["closed"] and not world.trello.card(keep)["closed"]
    assert world.trello.card(orphan.copy.id)["closed"]
    assert {i.kind for i in (await app.boards.epics_view()).status.issues} == {IssueKind.MISSING, IssueKind.TO_DONE}


# ------------------------------------------------------------------------------------------- moves and done


async def test_a_refused_move_fails_with_trellos_reason(app: Any, world: World) -> None:
    board = (await app.boards.refresh(ACME.board_id)).board
    up_next = board.list_named("Up next")
    assert up_next is not None
    world.trello_server.fail_next("PUT", r"/cards/[^/]+/idList", status=400)
    outcome = await app.boards.move_card(card_of(app.boards, ACME.board_id, world.cards["dark"]), up_next.id)
    assert outcome.status == "failed" and "refused" in outcome.message
    assert world.list_of(world.cards["dark"]) == "New Issues"
    ok = await app.boards.move_card(card_of(app.boards, ACME.board_id, world.cards["dark"]), up_next.id)
    assert ok.ok and world.list_of(world.cards["dark"]) == "Up next"


async def test_done_sends_exactly_one_reply_and_closes_the_ticket(app: Any, world: World) -> None:
    await app.boards.refresh(ACME.board_id)
    card = card_of(app.boards, ACME.board_id, world.cards["reset"])
    number = world.tickets["reset"]
    assert app.boards.linked_ticket(card) == number
    reply = app.boards.reply_preview(card) + "\n\nP.S. edited by hand."
    assert "Password reset email never arrives" in reply
    outcome = await app.boards.done(card, reply)
    assert outcome.ok and outcome.done["reply"]["message"]
    assert world.list_of(card.id) == "Done"
    replies = [m for m in world.groove.fake.messages_of(number) if m.author_kind == "agent"]
    assert [m.plain_text for m in replies] == [reply.strip()] and not replies[0].note
    assert world.groove.fake.tickets_snapshot()[number].state == "closed"


async def test_done_with_a_lost_answer_half_way_is_finished_on_restart_without_a_second_reply(
        make_services: Callable[..., Any], world: World) -> None:
    first = make_services()
    await first.boards.refresh(ACME.board_id)
    card = card_of(first.boards, ACME.board_id, world.cards["reset"])
    number = world.tickets["reset"]
    crash_after(world.groove.server, "POST", f"/tickets/{number}/messages")
    outcome = await first.boards.done(card, first.boards.reply_preview(card))
    assert outcome.status == "pending" and "move" in outcome.done and "reply" not in outcome.done
    assert len([m for m in world.groove.fake.messages_of(number) if m.author_kind == "agent"]) == 1
    await first.aclose()
    world.groove.server.faults.down = False
    restarted = make_services()
    try:
        (resumed,) = await restarted.journal.resume()
        assert resumed.ok and resumed.done["reply"].get("found") is True
        agent = [m for m in world.groove.fake.messages_of(number) if m.author_kind == "agent"]
        assert len(agent) == 1
        assert len(world.groove.server.requests("POST", rf"/tickets/{number}/messages")) == 1
        assert world.groove.fake.tickets_snapshot()[number].state == "closed"
    finally:
        await restarted.aclose()


async def test_done_without_a_linked_ticket_or_with_an_empty_reply_only_moves(app: Any, world: World) -> None:
    await app.boards.refresh(ACME.board_id)
    plain = card_of(app.boards, ACME.board_id, world.cards["export"])
    assert app.boards.linked_ticket(plain) is None
    assert (await app.boards.done(plain, "ignored: no ticket")).ok
    linked = card_of(app.boards, ACME.board_id, world.cards["reset"])
    assert (await app.boards.done(linked, "   ")).ok
    assert world.list_of(plain.id) == world.list_of(linked.id) == "Done"
    assert not world.groove.server.requests("POST") and not world.groove.server.requests("PUT")
    assert world.groove.fake.tickets_snapshot()[world.tickets["reset"]].state == "pending"


async def test_a_board_that_fails_to_load_hides_orphans_but_not_the_rest(app: Any, world: World) -> None:
    world.trello_server.fail_next("GET", rf"^/1/boards/{BLUEBIRD.board_id}/?$", status=404)
    view = await app.boards.epics_view()
    assert set(view.failed) == {BLUEBIRD.name}
    assert not view.status.complete and view.status.orphans == ()
    assert [i.source.id for i in view.status.missing if i.source] == [world.cards["reset"]]
