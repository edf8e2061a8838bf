"""The Inbox's view model on its own: no app, no Pilot, just queues in and rows out."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import SlaPolicy, SlaStatus, clock_for
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.screens.inbox.view import CONFIRMING_SYNCS, InboxView
from supportdesk_tui.services.inbox import InboxData, InboxItem
from tests.support import NOW

POLICY = SlaPolicy()  # 48 h calendar target, warnings at 12 h and 4 h
ACME = Customer("Acme Ltd", "board-acme", ("acme.example",))
ME = "ana@consultancy.example"


def item(number: int, hours_ago: float, *, title: str = "", email: str = "wile@acme.example",
         assignee: str | None = None, state: str = "opened", mark: str = "") -> InboxItem:
    created = NOW - timedelta(hours=hours_ago)
    ticket = Ticket(number=number, title=title or f"Ticket {number}", state=state, created_at=created,
                    updated_at=created, customer_email=email, assignee=assignee)
    customer = ACME if email.endswith("@acme.example") else None
    return InboxItem(ticket, clock_for(ticket, POLICY), customer, mark)


def queue(*items: InboxItem, from_cache: bool = False, new: frozenset[int] = frozenset()) -> InboxData:
    return InboxData(items, NOW, from_cache=from_cache, new_numbers=new)


QUEUE = queue(
    item(1, 2, title="Printer on fire"),
    item(2, 40, title="Invoices", assignee=ME),
    item(3, 47, title="Login broken", email="bob@other.example"),
    item(4, 10, title="Export", assignee="bo@consultancy.example", state="pending", mark="urgent"),
)


def numbers(view: InboxView) -> list[int]:
    return [row.ticket.number for row in view.rows(NOW)]


@pytest.mark.parametrize(("needle", "mine", "me", "shown"), [
    ("", False, ME, [3, 2, 4, 1]),            # least time left first
    ("printer", False, ME, [1]),              # subject
    ("ACME", False, ME, [2, 4, 1]),           # customer name, any case
    ("bob@other", False, ME, [3]),            # sender
    ("3", False, ME, [3]),                    # number
    ("pending", False, ME, [4]),              # state
    ("bo@", False, ME, [4]),                  # assignee
    ("", True, ME, [2]),                      # mine only
    ("", True, "", []),                       # mine only without team.me: nothing is mine
    ("invoices", True, ME, [2]),              # both
    ("printer", True, ME, []),
    ("nothing like it", False, ME, []),
])
def test_filter_and_mine(needle: str, mine: bool, me: str, shown: list[int]) -> None:
    view = InboxView(me)
    view.load(QUEUE)
    view.filter, view.mine = needle, mine
    assert numbers(view) == shown


def test_ties_in_time_left_go_by_number() -> None:
    view = InboxView()
    view.load(queue(item(9, 5), item(7, 5), item(8, 5)))
    assert numbers(view) == [7, 8, 9]


def test_marks_come_from_the_queue_unless_given_as_of_now() -> None:
    view = InboxView()
    view.load(QUEUE)
    assert {r.ticket.number: r.mark for r in view.rows(NOW)} == {1: "", 2: "", 3: "", 4: "urgent"}
    live = {r.ticket.number: r.mark for r in view.rows(NOW, lambda n: "fixing 1:00" if n == 1 else "")}
    assert live == {1: "fixing 1:00", 2: "", 3: "", 4: ""}


@pytest.mark.parametrize(("new", "highlighted", "marked"), [
    (frozenset(), [], set()),
    (frozenset({1, 3}), [], {1, 3}),
    (frozenset({1, 3}), [1], {3}),
    (frozenset({1, 3}), [2, 3, 1], set()),     # highlighting a row that is not new changes nothing
])
def test_new_marks_last_until_the_row_is_highlighted(new: frozenset[int], highlighted: list[int],
                                                     marked: set[int]) -> None:
    view = InboxView()
    view.load(replace(QUEUE, new_numbers=new))
    for number in highlighted:
        view.seen(number)
    assert {r.ticket.number for r in view.rows(NOW) if r.new} == marked


def test_a_late_cache_read_does_not_replace_network_data() -> None:
    view = InboxView()
    assert view.load(queue(item(1, 2), from_cache=True))
    assert view.load(QUEUE)
    assert not view.load(queue(item(1, 2), from_cache=True))
    assert numbers(view) == [3, 2, 4, 1]
    assert view.load(queue(item(5, 1)))  # fresh data always replaces
    assert numbers(view) == [5]


# Rows a triage action took out: (what happened, then each step) -> is ticket 1 shown after each step?
# Steps: "leave" (action started), "done"/"back" (action came back), "undo", "sync" (a fresh load
# that still lists it), "gone" (a fresh load that no longer lists it), "cache" (a cached load listing it).
@pytest.mark.parametrize(("steps", "shown"), [
    (["leave"], [False]),
    (["leave", "sync", "sync", "sync"], [False, False, False, False]),   # running: stays hidden
    (["leave", "back"], [False, True]),                                   # queued or refused: back at once
    (["leave", "done", "sync"], [False, False, False]),
    (["leave", "done"] + ["sync"] * CONFIRMING_SYNCS, [False, False, False, True]),  # Groove keeps listing it
    (["leave", "done", "gone", "sync"], [False, False, False, True]),    # gone, then listed again: shows
    (["leave", "done", "cache", "cache", "cache"], [False, False, False, False, False]),  # cache never confirms
    (["leave", "done", "undo"], [False, False, False]),                   # undo: back with the next load
    (["leave", "done", "undo", "sync"], [False, False, False, True]),
])
def test_rows_hidden_until_groove_confirms(steps: list[str], shown: list[bool]) -> None:
    view = InboxView()
    view.load(QUEUE)
    seen = []
    for step in steps:
        if step == "leave":
            view.leave(1)
        elif step == "done":
            view.left(1)
        elif step == "back":
            view.back(1)
        elif step == "undo":
            view.forget(1)
        elif step == "sync":
            view.load(QUEUE)
        elif step == "gone":
            view.load(replace(QUEUE, items=QUEUE.items[1:]))
        elif step == "cache":
            view.load(replace(QUEUE, from_cache=True))
        seen.append(1 in numbers(view))
    assert seen == shown


def test_a_row_put_back_is_not_shown_twice() -> None:
    view = InboxView()
    view.load(QUEUE)
    view.back(1)  # nothing hidden: nothing changes
    assert numbers(view).count(1) == 1


def test_counts_cover_the_shown_queue_and_follow_the_clock() -> None:
    view = InboxView()
    view.load(QUEUE)
    counts = view.counts(NOW)
    assert (counts[SlaStatus.OK], counts[SlaStatus.AT_RISK], counts[SlaStatus.BREACHED]) == (2, 2, 0)
    view.leave(3)
    assert sum(view.counts(NOW).values()) == 3  # a row taken out leaves the counts too
    later = view.counts(NOW + timedelta(hours=9))
    assert later[SlaStatus.BREACHED] == 1  # ticket 2 (40 h old) passed its 48 h target


def test_the_view_model_runs_without_textual() -> None:
    """What makes the view testable without an app: importing it loads no Textual at all."""
    import subprocess
    import sys

    code = ("import sys, supportdesk_tui.screens.inbox.view; "
            "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
