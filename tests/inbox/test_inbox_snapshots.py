"""A few pictures of the Inbox with a frozen clock and fixed data (behaviour is tested elsewhere)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support import NOW, settle


def seed(groove: Any) -> None:
    rows = [
        (50, "Checkout button does nothing on the order portal", "wile@acme.example", "opened", None),
        (45, "Password reset email never arrives", "hannah@bluebird.example", "pending", "ben@consultancy.example"),
        (38, "Invoice export shows the wrong VAT rate [bold]x[/]", "grace@copperleaf.example", "unread", None),
        (20, "Mobile layout broken on iPhone", "lucy@driftwood.example", "opened", "ana@consultancy.example"),
        (2, "How do I add a new user?", "someone@gmail.com", "unread", None),
    ]
    for hours, subject, email, state, assignee in rows:
        groove.fake.add_ticket(customer_email=email, subject=subject, body=f"About: {subject}",
                               created_at=NOW - timedelta(hours=hours), state=state, assignee=assignee)


def test_inbox_snapshot(groove: Any, make_app: Any, snap_compare: Any) -> None:
    seed(groove)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(130, 16), run_before=run_before)


def test_inbox_offline_snapshot(groove: Any, make_app: Any, snap_compare: Any) -> None:
    seed(groove)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        groove.server.faults.down = True
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(130, 16), run_before=run_before)


def test_ticket_detail_snapshot(groove: Any, make_app: Any, snap_compare: Any) -> None:
    seed(groove)
    groove.fake.add_customer_reply(1, "Any news? Orders are stuck since this morning.")

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(110, 24), run_before=run_before)
