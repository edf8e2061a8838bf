"""The fake Groove's state: tickets, messages, customers, agents, groups, behind one lock.

The helpers here are what tests, seeds and the demo drive directly; the HTTP side
(:mod:`~supportdesk_tui.fakes.groove.routes`, :mod:`~supportdesk_tui.fakes.groove.payloads`) builds on it.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.fakes.demo_customers import DEMO_AGENTS, DEMO_GROOVE_TOKEN
from supportdesk_tui.fakes.groove.records import (
    VALID_STATES,
    FakeCustomer,
    FakeFolder,
    FakeMessage,
    FakeTicket,
    Problem,
    html,
    padded,
)


class GrooveState:
    """Groove's data and the helpers that change it (no HTTP here)."""

    def __init__(self, *, clock: Clock | None = None, token: str = DEMO_GROOVE_TOKEN,
                 rate_limit: int | None = None, rate_window_s: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 agents: Iterable[tuple[str, str]] = DEMO_AGENTS) -> None:
        self.clock: Clock = clock or SystemClock()
        self.token = token
        self.rate_limit = rate_limit
        self.rate_window_s = rate_window_s
        self.latency_s = 0.0  # slept inside the handler, so it counts towards ``in_flight``
        self.quirk_last_page_next = False  # quirk 1: the last page still has a next_page
        self.quirk_next_drops_per_page = False  # quirk 2
        self.quirk_http_hrefs = False  # quirk 3: http:// instead of https:// in hrefs
        self.quirk_mixed_timestamps = False  # quirk 4
        self.accept_state_lists = False  # UNCONFIRMED whether Groove takes state=a,b; off by default
        self.paginate_agents = False  # UNCONFIRMED whether GET /agents pages; its known answers have no meta
        self.in_flight = 0
        self.max_in_flight = 0
        self._monotonic = monotonic
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.RLock()
        self._tickets: dict[int, FakeTicket] = {}
        self._messages: dict[str, FakeMessage] = {}
        self._customers: dict[str, FakeCustomer] = {}  # by lower-cased email
        self._agents: dict[str, dict[str, Any]] = {}
        for i, (name, email) in enumerate(agents):
            first, _, last = name.partition(" ")
            self._agents[email.lower()] = {"id": padded(3001 + i), "email": email, "first_name": first,
                                           "last_name": last}
        self.me = next(iter(self._agents.values()))["email"] if self._agents else "agent@example.com"
        self.mailboxes = [{"id": "0000000011", "name": "Support", "email": "support@consultancy.example"}]
        self.folders = [  # ours: real folders are rule-based; these are by state
            FakeFolder("0000000101", "All New & Open", "0000000011", ("unread", "opened")),
            FakeFolder("0000000102", "Pending", "0000000011", ("pending",)),
            FakeFolder("0000000103", "Closed", "0000000011", ("closed",)),
            FakeFolder("0000000104", "Spam", "0000000011", ("spam",)),
        ]
        agent_ids = [a["id"] for a in self._agents.values()]
        self.groups = {"0000000201": {"id": "0000000201", "name": "Support", "description": "Front line",
                                      "agent_ids": agent_ids},
                       "0000000202": {"id": "0000000202", "name": "Developers", "description": "",
                                      "agent_ids": agent_ids[1:]}}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self._next_number = 1
        self._next_message = 70883940
        self._next_customer = 4500001
        self._next_webhook = 9001

    # -- helpers for tests, seeds and the demo ---------------------------------------------------

    def add_customer(self, email: str, name: str | None = None, **fields: Any) -> FakeCustomer:
        with self._lock:
            customer = self._customers.get(email.lower())
            if customer is None:
                customer = FakeCustomer(padded(self._next_customer), email, name)
                self._next_customer += 1
                self._customers[email.lower()] = customer
            if name:
                customer.name = name
            customer.fields.update({k: v for k, v in fields.items() if v is not None})
            return customer

    def add_ticket(self, *, customer_email: str, subject: str, body: str, customer_name: str | None = None,
                   created_at: datetime | None = None, state: str = "unread", priority: str | None = None,
                   assignee: str | None = None, tags: Iterable[str] = (), assigned_group: str | None = None,
                   first_author: str | None = None, note: bool = False) -> int:
        """A new ticket whose first message comes from the customer (or ``first_author``, an agent)."""
        with self._lock:
            when = (created_at or self.clock.now()).astimezone(UTC)
            self.add_customer(customer_email, customer_name)
            number = self._next_number
            self._next_number += 1
            self._tickets[number] = FakeTicket(number, subject, customer_email, state, when, when, when,
                                               priority, assignee, assigned_group, list(tags),
                                               self.mailboxes[0]["id"])
            self.add_message(number, author=first_author or customer_email, body=body, note=note, at=when,
                             reopen=False)
            return number

    def add_message(self, number: int, *, author: str, body: str, note: bool = False,
                    at: datetime | None = None, emailed: bool = False, reopen: bool = True) -> str:
        """Append a message. A customer's reopens a closed or pending ticket, as Groove does; an agent's
        public reply marks an unread ticket opened (ours: UNCONFIRMED)."""
        with self._lock:
            ticket = self._ticket(number)
            when = (at or self.clock.now()).astimezone(UTC)
            kind = "agent" if author.lower() in self._agents else "customer"
            message_id = padded(self._next_message)
            self._next_message += 1
            recipient = ticket.customer_email if kind == "agent" else self.mailboxes[0]["email"]
            self._messages[message_id] = FakeMessage(message_id, number, author, kind, html(body), body, note,
                                                     when, recipient, emailed)
            ticket.message_ids.append(message_id)
            ticket.updated_at = max(ticket.updated_at, when)
            wakes = (kind == "customer" and ticket.state in ("closed", "pending")) or (
                kind == "agent" and not note and ticket.state == "unread")
            if reopen and wakes:
                self._change_state(ticket, "opened", when)
            return message_id

    def add_customer_reply(self, number: int, body: str, *, at: datetime | None = None) -> str:
        with self._lock:
            return self.add_message(number, author=self._ticket(number).customer_email, body=body, at=at)

    def set_state(self, number: int, state: str, *, at: datetime | None = None, by: str | None = None) -> None:
        with self._lock:
            ticket = self._ticket(number)
            self._change_state(ticket, state, (at or self.clock.now()).astimezone(UTC), by)

    def tickets_snapshot(self) -> dict[int, FakeTicket]:
        with self._lock:
            return copy.deepcopy(self._tickets)

    def messages_of(self, number: int) -> list[FakeMessage]:
        """The thread, oldest first."""
        with self._lock:
            return [copy.deepcopy(self._messages[m]) for m in self._ticket(number).message_ids]

    # -- lookups and parsing ---------------------------------------------------------------------

    def _ticket(self, n: int) -> FakeTicket:
        ticket = self._tickets.get(n)
        if ticket is None:
            raise Problem(404, f"Ticket {n} not found")
        return ticket

    def _message(self, message_id: str) -> FakeMessage:
        message = self._messages.get(message_id)
        if message is None:
            raise Problem(404, "Message not found")
        return message

    def _customer(self, key: str) -> FakeCustomer:
        """By email or by id (the docs mix both, quirk 7)."""
        found = self._customers.get(key.lower()) or next((c for c in self._customers.values() if c.id == key), None)
        if found is None:
            raise Problem(404, "Customer not found")
        return found

    def _agent(self, email: str, status: int = 404) -> dict[str, Any]:
        agent = self._agents.get(email.lower())
        if agent is None:
            raise Problem(status, f"Agent {email!r} not found")
        return agent

    def _group(self, key: str) -> dict[str, Any]:
        group = self.groups.get(key)
        if group is None:
            raise Problem(404, "Group not found")
        return group

    def _mailbox_email(self, mailbox_id: str) -> str | None:
        return next((b["email"] for b in self.mailboxes if b["id"] == mailbox_id), None)

    def _check_state(self, state: object) -> None:
        if state not in VALID_STATES:
            raise Problem(422, f"State {state!r} is not included in the list")

    def _change_state(self, ticket: FakeTicket, state: str, when: datetime, by: str | None = None) -> None:
        if ticket.state != state:
            ticket.state = state
            ticket.state_changed_at = when
            ticket.closed_by = by if state == "closed" else None
        ticket.updated_at = max(ticket.updated_at, when)
