"""A live Groove listing shifts under a paged read: a ticket that closes after page 1 was served moves
every later ticket up one place, so the first ticket of page 2 is on no page this time. The Inbox
keeps a ticket that went missing from a listing until Groove itself (``GET /tickets/:n``) says it
left; one that did leave drops out with its final state recorded, as before.

The shift is played over loopback by wrapping the fake Groove's handler: the fake is not changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import Request, Response
from tests.support import NOW

PER_PAGE = 50


def seed(groove: Any, count: int) -> list[int]:
    """``count`` unread tickets; the fake lists them newest (highest number) first."""
    return [groove.fake.add_ticket(customer_email=f"c{i}@acme.example", subject=f"Ticket {i}", body="Help",
                                   created_at=NOW - timedelta(hours=2, minutes=i)) for i in range(count)]


@pytest.fixture
def after_page_one(groove: Any) -> Iterator[Callable[[Callable[[], None]], None]]:
    """Arrange for ``change`` to happen right after the next ``unread`` listing's page 1 is served."""
    plain = groove.server.handler
    pending: list[Callable[[], None]] = []

    def handler(req: Request) -> Response:
        answer: Response = plain(req)
        is_page_one = req.path.rstrip("/").endswith("/tickets") and req.query.get("state") == "unread" \
            and req.query.get("page") == "1"
        if is_page_one and pending:
            pending.pop()()
        return answer

    groove.server.handler = handler
    yield pending.append
    groove.server.handler = plain


def ticket_reads(groove: Any, number: int) -> int:
    return len(groove.server.requests("GET", rf"/v1/tickets/{number}$"))


async def test_a_ticket_shifted_off_a_page_stays_on_screen(groove: Any, make_app: Any, clock: FixedClock,
                                                           after_page_one: Callable[[Callable[[], None]], None]
                                                           ) -> None:
    numbers = seed(groove, PER_PAGE + 10)
    newest_first = sorted(numbers, reverse=True)
    closing, shifted = newest_first[0], newest_first[PER_PAGE]  # on page 1; first of page 2
    app = make_app()
    inbox = app.services.inbox
    try:
        first = await inbox.refresh()
        assert {t.number for t in first.tickets} == set(numbers)
        clock.set(NOW + timedelta(minutes=5))
        after_page_one(lambda: groove.fake.set_state(closing, "closed", at=NOW + timedelta(minutes=4)))
        second = await inbox.refresh()
        shown = [t.number for t in second.tickets]
        assert shifted in shown  # missing from the listing, but Groove says it is still unread
        assert sorted(shown) == sorted(numbers)  # nothing lost, nothing twice (page 1 still listed the closer)
        assert ticket_reads(groove, shifted) == 1
        cached, _ = app.services.store.load_inbox()
        assert shifted in {t.number for t in cached if t.is_open}  # a cold start shows it too
        # The next poll's listing is stable: the ticket that closed is missing, and Groove confirms it left.
        clock.set(NOW + timedelta(minutes=10))
        third = await inbox.refresh()
        assert sorted(t.number for t in third.tickets) == sorted(set(numbers) - {closing})
        assert ticket_reads(groove, closing) == 1 and ticket_reads(groove, shifted) == 1
        assert app.services.store.all_state_histories([closing])[closing][-1][0] == "closed"
    finally:
        await app.services.aclose()


async def test_a_missing_ticket_stays_until_groove_can_be_asked(groove: Any, make_app: Any, clock: FixedClock,
                                                               after_page_one: Callable[[Callable[[], None]], None]
                                                               ) -> None:
    numbers = seed(groove, PER_PAGE + 5)
    newest_first = sorted(numbers, reverse=True)
    closing, shifted = newest_first[0], newest_first[PER_PAGE]
    app = make_app()
    inbox = app.services.inbox
    try:
        await inbox.refresh()
        after_page_one(lambda: groove.fake.set_state(closing, "closed"))
        groove.server.fail_next("GET", rf"/v1/tickets/{shifted}$", status=503, times=10)
        second = await inbox.refresh()
        assert shifted in {t.number for t in second.tickets}  # unconfirmed: kept as last seen
        assert ticket_reads(groove, shifted) >= 1  # it was asked about, and the answer failed
        groove.server.faults.scripted.clear()
        third = await inbox.refresh()  # a stable listing: it is back in it, nothing left to ask
        assert shifted in {t.number for t in third.tickets}
    finally:
        await app.services.aclose()


async def test_a_ticket_that_really_left_is_dropped_and_its_end_recorded(groove: Any, make_app: Any,
                                                                        clock: FixedClock) -> None:
    numbers = seed(groove, 3)
    app = make_app()
    inbox = app.services.inbox
    try:
        await inbox.refresh()
        clock.set(NOW + timedelta(minutes=10))
        groove.fake.set_state(numbers[1], "closed")
        data = await inbox.refresh()
        assert sorted(t.number for t in data.tickets) == sorted({numbers[0], numbers[2]})
        assert ticket_reads(groove, numbers[1]) == 1
        states = app.services.store.all_state_histories([numbers[1]])[numbers[1]]
        assert states[-1][0] == "closed"
    finally:
        await app.services.aclose()
