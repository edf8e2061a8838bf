"""The Groove replies that Boards (``board.done``) and Planning (``plan.confirm``) post go through the same
"look in the thread, then post once" rule as triage: only our own reply of the same kind counts as sent,
and an answer that is lost or unreadable is looked for, not failed and not sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from supportdesk_tui.fakes.base import FakeServer, Request, Response
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import ACME, World

make_services = boards_fixtures.make_services  # the fixture, used by name below
world = boards_fixtures.world  # the fixture, used by name below

PLAN = "Your plan for 2026-W48:\nana works on the VAT numbers on Monday."
AGENT = "ana@consultancy.example"


@pytest.fixture
async def app(make_services: Callable[..., Any]) -> AsyncIterator[Any]:
    services = make_services()
    _ = services.planning  # registers the planning handlers with the journal
    yield services
    await services.aclose()


def unreadable_answer_after(server: FakeServer, method: str, path: str) -> None:
    """The next ``method path`` is processed, but its answer is not JSON (a proxy's error page, say)."""
    inner = server.handler

    def handler(req: Request) -> Response:
        response = inner(req)
        if req.method == method and req.path.rstrip("/").endswith(path):
            server.handler = inner
            return Response(201, b"<html>Bad gateway</html>", {"Content-Type": "text/html"})
        return response

    server.handler = handler


def replies(world: World, number: int, text: str) -> list[Any]:
    return [m for m in world.groove.fake.messages_of(number)
            if not m.note and m.author_kind == "agent" and " ".join(text.split()) in " ".join(m.plain_text.split())]


async def confirm(app: Any, world: World) -> Any:
    number = world.tickets["vat"]
    return await app.journal.submit("plan.confirm", {"week": "2026-W48", "customer": ACME.name, "ticket": number,
                                                     "text": PLAN, "author": AGENT}, ticket=number)


async def test_a_private_note_holding_the_plan_does_not_count_as_the_confirmation(app: Any, world: World) -> None:
    number = world.tickets["vat"]
    world.groove.fake.add_message(number, author=AGENT, body=f"Draft for the customer:\n{PLAN}", note=True)
    outcome = await confirm(app, world)
    assert outcome.ok and outcome.done["reply"]["already"] is False
    assert len(replies(world, number, PLAN)) == 1  # the customer got it: a note is never emailed


async def test_a_confirmation_whose_answer_is_unreadable_is_found_again_not_failed(app: Any, world: World) -> None:
    number = world.tickets["vat"]
    unreadable_answer_after(world.groove.server, "POST", f"/tickets/{number}/messages")
    outcome = await confirm(app, world)
    assert outcome.ok and outcome.done["reply"]["already"] is True
    assert len(replies(world, number, PLAN)) == 1
    assert len(world.groove.server.requests("POST", rf"/tickets/{number}/messages")) == 1


async def test_a_confirmation_already_in_the_thread_is_not_sent_again(app: Any, world: World) -> None:
    number = world.tickets["vat"]
    world.groove.fake.add_message(number, author=AGENT, body=PLAN.replace("\n", "\n\n"))  # re-wrapped by Groove
    outcome = await confirm(app, world)
    assert outcome.ok and outcome.done["reply"]["already"] is True
    assert not world.groove.server.requests("POST")


async def test_done_sends_its_reply_even_when_the_customer_wrote_the_same_words(app: Any, world: World) -> None:
    await app.boards.refresh(ACME.board_id)
    card = next(c for c in app.boards.cached(ACME.board_id).cards if c.id == world.cards["reset"])
    number = world.tickets["reset"]
    reply = "Thanks, that works now."
    world.groove.fake.add_message(number, author="wile@acme.example", body=reply)  # the customer's, not ours
    outcome = await app.boards.done(card, reply)
    assert outcome.ok and "found" not in outcome.done["reply"]
    assert len(replies(world, number, reply)) == 1
