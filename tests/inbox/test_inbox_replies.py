"""Customer replies that change no state still resume a paused clock (README, "The SLA clock", Pauses).
The Inbox service reads the thread of a paused ticket whose message count grew,
over loopback from the fake Groove, keeps the customer's messages in the real SQLite file, and the clock
replays them; an agent's answer after the reply, with the ticket paused again, pauses it again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.sla import SlaStatus
from supportdesk_tui.fakes.demo_customers import DEMO_ME
from tests.support import NOW

PAUSING = {"target_hours": 48, "warn_hours": [12, 4], "pause_states": ["pending"]}


def thread_reads(groove: Any, number: int) -> int:
    return len(groove.server.requests("GET", f"/v1/tickets/{number}/messages"))


async def test_a_reply_without_a_state_change_resumes_the_clock(groove: Any, make_app: Any,
                                                                 clock: FixedClock) -> None:
    number = groove.fake.add_ticket(customer_email="wile@acme.example", subject="Export fails", body="Help",
                                    created_at=NOW - timedelta(hours=10))
    groove.fake.set_state(number, "pending", at=NOW - timedelta(hours=6))  # waiting on the customer
    app = make_app(sla=PAUSING)
    inbox = app.services.inbox
    try:
        first = await inbox.refresh()
        assert first.clocks[number].status(NOW) is SlaStatus.PAUSED
        left_paused = first.clocks[number].time_left(NOW)
        assert left_paused == timedelta(hours=44)  # ran 4 h before the pause
        # The customer writes back at 11:00 and Groove leaves the ticket pending (no reopen).
        clock.set(NOW + timedelta(hours=1))
        groove.fake.add_message(number, author="wile@acme.example", body="Still failing", reopen=False)
        clock.set(NOW + timedelta(hours=3))
        later = await inbox.refresh()
        assert thread_reads(groove, number) == 1
        resumed = later.clocks[number]
        assert resumed.status(clock.now()) is SlaStatus.OK  # running again, though the state says pending
        assert resumed.time_left(clock.now()) == timedelta(hours=42)  # 44 h less the 2 h since the reply
        # A quiet poll reads no thread again.
        await inbox.refresh()
        assert thread_reads(groove, number) == 1
    finally:
        await app.services.aclose()


async def test_an_answer_after_the_reply_pauses_it_again(groove: Any, make_app: Any, clock: FixedClock) -> None:
    """Between two polls: the customer replies (Groove reopens), an agent answers and sets it pending.
    The app sees pending both times; the thread tells it the clock ran from the reply to the answer."""
    number = groove.fake.add_ticket(customer_email="wile@acme.example", subject="Export fails", body="Help",
                                    created_at=NOW - timedelta(hours=10))
    groove.fake.set_state(number, "pending", at=NOW - timedelta(hours=6))
    app = make_app(sla=PAUSING)
    inbox = app.services.inbox
    try:
        await inbox.refresh()
        groove.fake.add_customer_reply(number, "Still failing", at=NOW + timedelta(minutes=10))  # reopens it
        groove.fake.add_message(number, author=DEMO_ME, body="Try again now", at=NOW + timedelta(minutes=40))
        groove.fake.set_state(number, "pending", at=NOW + timedelta(minutes=41))
        clock.set(NOW + timedelta(hours=2))
        data = await inbox.refresh()
        paused = data.clocks[number]
        assert paused.status(clock.now()) is SlaStatus.PAUSED
        assert paused.time_left(clock.now()) == timedelta(hours=44) - timedelta(minutes=30)
    finally:
        await app.services.aclose()


async def test_nothing_is_read_when_no_state_pauses_the_clock(groove: Any, make_app: Any, clock: FixedClock) -> None:
    number = groove.fake.add_ticket(customer_email="wile@acme.example", subject="Export fails", body="Help",
                                    created_at=NOW - timedelta(hours=10))
    groove.fake.set_state(number, "pending", at=NOW - timedelta(hours=6))
    app = make_app()  # the default policy: pending does not pause
    inbox = app.services.inbox
    try:
        await inbox.refresh()
        groove.fake.add_message(number, author="wile@acme.example", body="Still failing", reopen=False)
        await inbox.refresh()
        assert thread_reads(groove, number) == 0
    finally:
        await app.services.aclose()
