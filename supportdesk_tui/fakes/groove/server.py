"""An in-memory Groove v1 REST API, served on loopback by :class:`FakeServer`.

It follows the checklist in groove-v1.md §10 and can reproduce Groove's documented misbehaviour
(quirks 1–5) through switches, so the client is tested against Groove's worst rather than its
best. Items the reference marks "ours" or UNCONFIRMED (error bodies, ordering, the unassigned
``/assignee`` form, what a reply does to the state) are this fake's choices, marked as such.
"""

from __future__ import annotations

import copy
import json
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any, TypeVar
from urllib.parse import parse_qs, quote, unquote, urlencode

from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.fakes.base import FakeServer, Faults, Request, Response
from supportdesk_tui.fakes.demo_customers import DEMO_AGENTS, DEMO_GROOVE_TOKEN
from supportdesk_tui.fakes.groove.seed import random_arrival

T = TypeVar("T")
VALID_STATES = ("unread", "opened", "pending", "closed", "spam")
# UNCONFIRMED: v1 shows only low/high; medium/urgent are inferred from the v2 enum.
VALID_PRIORITIES = (None, "low", "medium", "high", "urgent")
WEBHOOK_EVENTS = ("ticket_started", "ticket_opened", "ticket_closed", "ticket_assigned",
                  "ticket_priority_changed", "ticket_deleted", "ticket_tagged", "ticket_moved",
                  "customer_replied", "customer_added", "agent_invited", "agent_archived", "note_added",
                  "agent_replied")
_OFFSETS = (timedelta(hours=5, minutes=30), timedelta(hours=-7), timedelta(hours=1))


@dataclass
class FakeTicket:
    number: int
    title: str
    customer_email: str
    state: str
    created_at: datetime
    updated_at: datetime
    state_changed_at: datetime
    priority: str | None = None
    assignee: str | None = None
    assigned_group: str | None = None
    tags: list[str] = field(default_factory=list)
    mailbox_id: str = ""
    closed_by: str | None = None
    starred: bool = False
    message_ids: list[str] = field(default_factory=list)


@dataclass
class FakeMessage:
    id: str
    ticket_number: int
    author: str
    author_kind: str  # "customer" or "agent"
    body_html: str
    plain_text: str
    note: bool
    created_at: datetime
    recipient: str | None = None
    emailed_to_customer: bool = False


@dataclass
class FakeCustomer:
    id: str
    email: str
    name: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeFolder:
    id: str
    name: str
    mailbox: str
    states: tuple[str, ...]


class _Problem(Exception):
    """Aborts a handler with an error answer (``{"errors": [...]}`` is our format, not Groove's)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return value is True or value == 1


def _padded(n: int) -> str:
    """Groove's ids are digit strings with leading zeros (quirk 5)."""
    return f"{n:010d}"


def _html(text: str) -> str:
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))


class GrooveFake:
    """Groove's state behind one lock, answering :class:`Request`s like the v1 REST API."""

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
            self._agents[email.lower()] = {"id": _padded(3001 + i), "email": email, "first_name": first,
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
                customer = FakeCustomer(_padded(self._next_customer), email, name)
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
            message_id = _padded(self._next_message)
            self._next_message += 1
            recipient = ticket.customer_email if kind == "agent" else self.mailboxes[0]["email"]
            self._messages[message_id] = FakeMessage(message_id, number, author, kind, _html(body), body, note,
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

    def simulate_arrival(self, rng: random.Random) -> int:
        """A believable new ticket from a random demo customer, arriving now."""
        arrival = random_arrival(rng)
        return self.add_ticket(customer_email=arrival.email, customer_name=arrival.name,
                               subject=arrival.subject, body=arrival.body)

    def reset_in_flight(self) -> None:
        with self._lock:
            self.max_in_flight = self.in_flight

    # -- HTTP ------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s > 0:
                time.sleep(self.latency_s)
            return self._handle(req)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _handle(self, req: Request) -> Response:
        token = self._token_of(req)
        if token is None:
            return Response.json({"errors": ["Unauthorized: send Authorization: Bearer <token>"]}, 401,
                                 {"WWW-Authenticate": 'Bearer realm="groove"'})
        wait = self._rate_check(token)
        if wait is not None:
            return Response.json({"errors": ["Rate limit exceeded"]}, 429,
                                 {"Retry-After": str(max(1, math.ceil(wait)))})
        try:
            with self._lock:
                return self._route(req)
        except _Problem as problem:
            return Response.json({"errors": [str(problem)]}, problem.status)

    def _token_of(self, req: Request) -> str | None:
        auth = req.headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and auth[7:].strip() == self.token:
            return self.token
        return self.token if req.query.get("access_token") == self.token else None

    def _rate_check(self, token: str) -> float | None:
        if not self.rate_limit:
            return None
        with self._lock:
            now = self._monotonic()
            hits = self._hits.setdefault(token, deque())
            while hits and hits[0] <= now - self.rate_window_s:
                hits.popleft()
            if len(hits) >= self.rate_limit:
                return hits[0] + self.rate_window_s - now
            hits.append(now)
            return None

    def _route(self, req: Request) -> Response:
        if not req.path.startswith("/v1/"):
            raise _Problem(404, "Not found")
        seg = [unquote(s) for s in req.path[len("/v1/"):].split("/") if s]
        m = req.method
        routes: dict[str, Callable[[], Response]] = {}
        if seg == ["tickets"]:
            routes = {"GET": lambda: self._list_tickets(req), "POST": lambda: self._create_ticket(req)}
        elif seg == ["tickets", "count"]:
            routes = {"GET": lambda: self._count(req)}
        elif seg[:1] == ["tickets"] and len(seg) in (2, 3) and seg[1].isdigit():
            n = int(seg[1])
            sub = seg[2] if len(seg) == 3 else ""
            routes = {
                "": {"GET": lambda: Response.json({"ticket": self._ticket_json(self._ticket(n))})},
                "state": {"GET": lambda: Response.json({"state": self._ticket(n).state}),
                          "PUT": lambda: self._put_state(req, n)},
                "assignee": {"GET": lambda: self._get_assignee(n), "PUT": lambda: self._put_assignee(req, n)},
                "priority": {"PUT": lambda: self._put_priority(req, n)},
                "assigned_group": {"PUT": lambda: self._put_group(req, n)},
                "messages": {"GET": lambda: self._list_messages(req, n),
                             "POST": lambda: self._post_message(req, n)},
            }.get(sub, {})
        elif seg[:1] == ["messages"] and len(seg) == 2:
            routes = {"GET": lambda: Response.json({"message": self._message_json(self._message(seg[1]))})}
        elif seg[:1] == ["customers"] and len(seg) <= 2:
            routes = ({"GET": lambda: self._list_customers(req)} if len(seg) == 1 else
                      {"GET": lambda: Response.json({"customer": self._customer_json(self._customer(seg[1]))}),
                       "PUT": lambda: self._put_customer(req, seg[1])})
        elif seg == ["mailboxes"]:
            routes = {"GET": lambda: Response.json({"mailboxes": [self._mailbox_json(b) for b in self.mailboxes]})}
        elif seg == ["folders"]:
            routes = {"GET": lambda: self._list_folders(req)}
        elif seg[:1] == ["agents"] and len(seg) <= 2:
            routes = {"GET": (lambda: self._list_agents(req)) if len(seg) == 1 else
                      (lambda: Response.json({"agent": self._agent_json(self._agent(seg[1]))}))}
        elif seg[:1] == ["groups"] and len(seg) <= 2:
            routes = {"GET": (lambda: Response.json({"groups": [self._group_json(g) for g in self.groups.values()]}))
                      if len(seg) == 1 else (lambda: Response.json({"group": self._group_json(self._group(seg[1]))}))}
        elif seg == ["webhooks"]:
            routes = {"POST": lambda: self._post_webhook(req)}
        elif seg[:1] == ["webhooks"] and len(seg) == 2:
            routes = {"DELETE": lambda: self._delete_webhook(seg[1])}
        if not routes:
            raise _Problem(404, "Not found")
        handler = routes.get(m)
        if handler is None:
            raise _Problem(405, f"{m} is not allowed here")
        return handler()

    # -- payloads --------------------------------------------------------------------------------

    @property
    def api(self) -> str:
        """The host Groove's hrefs point at (quirk 3 switches the scheme); never this server's."""
        return ("http" if self.quirk_http_hrefs else "https") + "://api.groovehq.com/v1"

    def _ts(self, when: datetime, salt: int) -> str:
        utc = when.astimezone(UTC).replace(microsecond=0)
        if not self.quirk_mixed_timestamps or salt % 3 == 0:
            return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
        if salt % 3 == 1:
            return utc.astimezone(timezone(_OFFSETS[salt % len(_OFFSETS)])).strftime("%Y-%m-%d %H:%M:%S %z")
        return utc.strftime("%Y-%m-%d %H:%M:%S UTC")

    def _customer_href(self, email: str) -> str:
        return f"{self.api}/customers/{quote(email, safe='@')}"

    def _ticket_json(self, t: FakeTicket) -> dict[str, Any]:
        first = self._messages[t.message_ids[0]].plain_text if t.message_ids else ""
        customer = self._customers.get(t.customer_email.lower())
        links: dict[str, Any] = {
            "customer": {"id": customer.id if customer else None, "href": self._customer_href(t.customer_email)},
            "state": {"href": f"{self.api}/tickets/{t.number}/state"},
            "messages": {"href": f"{self.api}/tickets/{t.number}/messages"},
        }
        if t.assignee:
            agent = self._agents.get(t.assignee.lower())
            links["assignee"] = {"id": agent["id"] if agent else None,
                                 "href": f"{self.api}/agents/{quote(t.assignee, safe='@')}"}
        closed = t.state == "closed"
        return {
            "number": t.number, "title": t.title, "summary": first[:100], "state": t.state,
            "priority": t.priority, "tags": list(t.tags), "assigned_group": t.assigned_group,
            "assignee": t.assignee, "message_count": len(t.message_ids), "starred": t.starred,
            "created_at": self._ts(t.created_at, t.number), "updated_at": self._ts(t.updated_at, t.number + 1),
            "resolution_time": int((t.state_changed_at - t.created_at).total_seconds()) if closed else None,
            "closed_by": t.closed_by if closed else None,
            # UNCONFIRMED for REST: these two appear in webhook payloads (zulip fixtures).
            "state_changed_at": self._ts(t.state_changed_at, t.number + 2),
            "customer_name": customer.name if customer else None,
            "mailbox_id": t.mailbox_id, "href": f"{self.api}/tickets/{t.number}", "links": links,
        }

    def _message_json(self, msg: FakeMessage) -> dict[str, Any]:
        author_href = (f"{self.api}/agents/{quote(msg.author, safe='@')}" if msg.author_kind == "agent"
                       else self._customer_href(msg.author))
        links: dict[str, Any] = {"author": {"href": author_href},
                                 "ticket": {"href": f"{self.api}/tickets/{msg.ticket_number}"},
                                 "attachments": {"href": f"{self.api}/attachments?message={msg.id}"}}
        if msg.recipient:
            links["recipient"] = {"href": self._customer_href(msg.recipient)}
        salt = int(msg.id)
        return {"href": f"{self.api}/messages/{msg.id}", "created_at": self._ts(msg.created_at, salt),
                "updated_at": self._ts(msg.created_at, salt), "note": msg.note, "body": msg.body_html,
                "plain_text_body": msg.plain_text, "links": links}

    def _customer_json(self, c: FakeCustomer) -> dict[str, Any]:
        first, _, last = (c.name or "").partition(" ")
        return {"id": c.id, "type": "Customer", "email": c.email, "name": c.name, "first_name": first or None,
                "last_name": last or None, **c.fields, "href": self._customer_href(c.email),
                "links": {"tickets": {"href": f"{self.api}/tickets?customer={quote(c.email, safe='')}"}}}

    def _agent_json(self, a: dict[str, Any]) -> dict[str, Any]:
        return {**a, "href": f"{self.api}/agents/{quote(a['email'], safe='@')}",
                "links": {"tickets": {"href": f"{self.api}/tickets?assignee={quote(a['email'], safe='')}"}}}

    def _group_json(self, g: dict[str, Any]) -> dict[str, Any]:
        return {**g, "href": f"{self.api}/groups/{g['id']}",
                "links": {"agents": {"href": f"{self.api}/agents?group={g['id']}"}}}

    def _mailbox_json(self, b: dict[str, Any]) -> dict[str, Any]:
        return {**b, "links": {"folders": {"href": f"{self.api}/folders?mailbox={b['id']}"}}}

    def _paginate(self, req: Request, key: str, items: Sequence[T], render: Callable[[T], Any]) -> Response:
        """``page``/``per_page`` (default 25, capped at 50) with an absolute ``next_page`` URL; only the
        page's own items are rendered, so big listings stay cheap."""
        page = int(req.query["page"]) if req.query.get("page", "").isdigit() else 1
        page = max(page, 1)
        asked = req.query.get("per_page", "")
        per_page = min(int(asked), 50) if asked.isdigit() and int(asked) > 0 else 25
        total_pages = math.ceil(len(items) / per_page)
        chunk = items[(page - 1) * per_page:page * per_page]
        base = f"http://{req.headers.get('host', '127.0.0.1')}{req.path}"
        keep = {k: v for k, v in req.query.items() if k not in ("page", "per_page", "access_token")}

        def link(n: int | None) -> str:
            query = dict(keep)
            if n is not None:
                query["page"] = str(n)
                if not self.quirk_next_drops_per_page:
                    query["per_page"] = str(per_page)
            return base + ("?" + urlencode(query) if query else "")

        next_page = link(page + 1) if page < total_pages else (link(None) if self.quirk_last_page_next else None)
        return Response.json({key: [render(item) for item in chunk], "meta": {"pagination": {
            "current_page": page, "total_pages": total_pages, "total_count": len(items),
            "next_page": next_page, "prev_page": link(page - 1) if page > 1 else None}}})  # prev name UNCONFIRMED

    # -- routes ----------------------------------------------------------------------------------

    def _list_tickets(self, req: Request) -> Response:
        q = req.query
        tickets = sorted(self._tickets.values(), key=lambda t: -t.number)  # newest first (ours)
        if q.get("state"):
            wanted = q["state"].split(",") if self.accept_state_lists else [q["state"]]
            tickets = [t for t in tickets if t.state in wanted]
        if q.get("assignee"):
            who = q["assignee"].lower()
            tickets = [t for t in tickets if (t.assignee is None if who == "unassigned"
                                              else (t.assignee or "").lower() == who)]
        if q.get("customer"):
            customer = self._customer(q["customer"])
            tickets = [t for t in tickets if t.customer_email.lower() == customer.email.lower()]
        if q.get("folder"):
            states = next((f.states for f in self.folders if f.id == q["folder"]), None)
            if states is None:
                raise _Problem(404, "Folder not found")
            tickets = [t for t in tickets if t.state in states]
        return self._paginate(req, "tickets", tickets, self._ticket_json)

    def _create_ticket(self, req: Request) -> Response:
        data = self._body(req)
        body, sender, to = data.get("body"), self._email_of(data.get("from")), self._email_of(data.get("to"))
        missing = [k for k, v in (("body", body), ("from", sender), ("to", to)) if not v]
        if missing:
            raise _Problem(422, f"{', '.join(missing)} can't be blank")
        state = data.get("state") or "unread"
        self._check_state(state)
        assignee = data.get("assignee") or None
        if assignee is not None:
            self._agent(assignee, status=422)
        sender, to = str(sender), str(to)
        agent_created = sender.lower() in self._agents
        customer_hash = data.get("to") if agent_created else data.get("from")
        customer_email = to if agent_created else sender
        name = customer_hash.get("name") if isinstance(customer_hash, dict) else None
        tags = data.get("tags") or []
        number = self.add_ticket(customer_email=customer_email, customer_name=name, subject=data.get("subject") or "",
                                 body=str(body), created_at=self._sent_at(data), state=state, assignee=assignee,
                                 tags=[str(t) for t in (tags if isinstance(tags, list) else [tags])],
                                 assigned_group=data.get("assigned_group") or None,
                                 first_author=sender if agent_created else None, note=_flag(data.get("note")))
        self._tickets[number].starred = _flag(data.get("starred"))
        location = f"http://{req.headers.get('host', '127.0.0.1')}/v1/tickets/{number}"
        return Response.json({"ticket": self._ticket_json(self._tickets[number])}, 201, {"Location": location})

    def _count(self, req: Request) -> Response:
        box = req.query.get("mailbox")
        folders = [f for f in self.folders if box in (None, f.mailbox, self._mailbox_email(f.mailbox))]
        return Response.json({f.id: sum(t.state in f.states for t in self._tickets.values()) for f in folders})

    def _put_state(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        state = self._body(req).get("state")
        self._check_state(state)
        self._change_state(ticket, str(state), self.clock.now(), self.me)
        return Response(204)  # UNCONFIRMED: Groove's status for this PUT

    def _get_assignee(self, n: int) -> Response:
        ticket = self._ticket(n)
        if not ticket.assignee:
            return Response(200, b"", {"Content-Type": "application/json"})  # UNCONFIRMED: the empty form
        return Response.json({"agent": self._agent_json(self._agent(ticket.assignee))})

    def _put_assignee(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        email = self._body(req).get("assignee")
        if email:
            ticket.assignee = self._agent(str(email), status=422)["email"]
        else:
            ticket.assignee = None  # UNCONFIRMED: how Groove unassigns
        ticket.updated_at = self.clock.now()
        return Response(204)

    def _put_priority(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        priority = self._body(req).get("priority") or None
        if priority not in VALID_PRIORITIES:
            raise _Problem(422, f"Priority {priority!r} is not included in the list")
        ticket.priority = priority
        ticket.updated_at = self.clock.now()
        return Response(204)

    def _put_group(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        name = self._body(req).get("group") or None
        if name is not None and not any(g["name"] == name for g in self.groups.values()):
            raise _Problem(422, f"Group {name!r} not found")
        ticket.assigned_group = name
        ticket.updated_at = self.clock.now()
        return Response(204)

    def _list_messages(self, req: Request, n: int) -> Response:
        ids = list(reversed(self._ticket(n).message_ids))  # newest first (ours; Groove's order is unknown)
        return self._paginate(req, "messages", [self._messages[i] for i in ids], self._message_json)

    def _post_message(self, req: Request, n: int) -> Response:
        self._ticket(n)
        data = self._body(req)
        body = data.get("body")
        if not isinstance(body, str) or not body.strip():
            raise _Problem(422, "body can't be blank")
        author = str(data.get("author") or self.me)
        if author.lower() not in self._agents and author.lower() not in self._customers:
            raise _Problem(422, f"author {author!r} is neither an agent nor a customer")
        message_id = self.add_message(n, author=author, body=body, note=_flag(data.get("note")),
                                      at=self._sent_at(data), emailed=_flag(data.get("send_copy_to_customer")))
        return Response.json({"message": self._message_json(self._messages[message_id])}, 201)  # 201 UNCONFIRMED

    def _list_customers(self, req: Request) -> Response:
        customers = sorted(self._customers.values(), key=lambda c: c.id)
        return self._paginate(req, "customers", customers, self._customer_json)

    def _put_customer(self, req: Request, key: str) -> Response:
        data = self._body(req)
        if not data.get("email"):
            raise _Problem(422, "email can't be blank")
        allowed = ("about", "twitter_username", "title", "company_name", "phone_number", "location",
                   "linkedin_username", "website_url", "custom")
        existing = self._customers.get(key.lower())
        customer = self.add_customer(existing.email if existing else str(data["email"]), data.get("name"),
                                     **{k: data[k] for k in allowed if k in data})  # upsert: UNCONFIRMED
        return Response.json({"customer": self._customer_json(customer)})

    def _list_folders(self, req: Request) -> Response:
        box = req.query.get("mailbox")
        folders = [f for f in self.folders if box in (None, f.mailbox, self._mailbox_email(f.mailbox))]
        return Response.json({"folders": [{"id": f.id, "name": f.name} for f in folders]})

    def _list_agents(self, req: Request) -> Response:
        agents = list(self._agents.values())
        if req.query.get("group"):
            members = set(self._group(req.query["group"])["agent_ids"])
            agents = [a for a in agents if a["id"] in members]
        return Response.json({"agents": [self._agent_json(a) for a in agents]})

    def _post_webhook(self, req: Request) -> Response:
        data = self._body(req)
        if data.get("event") not in WEBHOOK_EVENTS or not data.get("url"):
            raise _Problem(422, "event must be a known event and url can't be blank")
        hook_id = _padded(self._next_webhook)
        self._next_webhook += 1
        self.webhooks[hook_id] = {"id": hook_id, "event": data["event"], "url": data["url"], "state": "active"}
        return Response.json({"webhook": self.webhooks[hook_id]}, 201)

    def _delete_webhook(self, hook_id: str) -> Response:
        if self.webhooks.pop(hook_id, None) is None:
            raise _Problem(404, "Webhook not found")
        return Response(204)

    # -- lookups and parsing ---------------------------------------------------------------------

    def _ticket(self, n: int) -> FakeTicket:
        ticket = self._tickets.get(n)
        if ticket is None:
            raise _Problem(404, f"Ticket {n} not found")
        return ticket

    def _message(self, message_id: str) -> FakeMessage:
        message = self._messages.get(message_id)
        if message is None:
            raise _Problem(404, "Message not found")
        return message

    def _customer(self, key: str) -> FakeCustomer:
        """By email or by id (the docs mix both, quirk 7)."""
        found = self._customers.get(key.lower()) or next((c for c in self._customers.values() if c.id == key), None)
        if found is None:
            raise _Problem(404, "Customer not found")
        return found

    def _agent(self, email: str, status: int = 404) -> dict[str, Any]:
        agent = self._agents.get(email.lower())
        if agent is None:
            raise _Problem(status, f"Agent {email!r} not found")
        return agent

    def _group(self, key: str) -> dict[str, Any]:
        group = self.groups.get(key)
        if group is None:
            raise _Problem(404, "Group not found")
        return group

    def _mailbox_email(self, mailbox_id: str) -> str | None:
        return next((b["email"] for b in self.mailboxes if b["id"] == mailbox_id), None)

    def _check_state(self, state: object) -> None:
        if state not in VALID_STATES:
            raise _Problem(422, f"State {state!r} is not included in the list")

    def _change_state(self, ticket: FakeTicket, state: str, when: datetime, by: str | None = None) -> None:
        if ticket.state != state:
            ticket.state = state
            ticket.state_changed_at = when
            ticket.closed_by = by if state == "closed" else None
        ticket.updated_at = max(ticket.updated_at, when)

    @staticmethod
    def _email_of(value: object) -> str | None:
        if isinstance(value, dict):
            value = value.get("email")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @staticmethod
    def _sent_at(data: dict[str, Any]) -> datetime | None:
        raw = data.get("sent_at")
        if not raw:
            return None
        try:
            when = parsedate_to_datetime(str(raw))
        except (TypeError, ValueError):
            try:
                when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
            except ValueError:
                raise _Problem(422, f"sent_at {raw!r} is not a date") from None
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)

    @staticmethod
    def _body(req: Request) -> dict[str, Any]:
        """JSON or form-encoded (``from[email]=…``, ``tags[]=…``), as Groove accepts both."""
        if not req.body:
            return {}
        ctype = req.headers.get("content-type", "")
        text = req.body.decode("utf-8", errors="replace")
        if "json" in ctype or ("form" not in ctype and text.lstrip().startswith("{")):
            try:
                data = json.loads(text)
            except ValueError:
                raise _Problem(400, "Body is not valid JSON") from None
            if not isinstance(data, dict):
                raise _Problem(400, "Body must be a JSON object")
            return data
        out: dict[str, Any] = {}
        for key, values in parse_qs(text, keep_blank_values=True).items():
            if key.endswith("[]"):
                out[key[:-2]] = values
            elif "[" in key and key.endswith("]"):
                outer, inner = key[:-1].split("[", 1)
                nested = out.setdefault(outer, {})
                if isinstance(nested, dict):
                    nested[inner] = values[-1]
            else:
                out[key] = values[-1]
        return out


def start_groove_fake(state: GrooveFake, *, port: int = 0, faults: Faults | None = None) -> FakeServer:
    """Serve ``state`` on 127.0.0.1; ``server.url`` is the base URL (``http://127.0.0.1:PORT/v1``)."""
    server = FakeServer("groove", state.handle, faults=faults, port=port, prefix="/v1")
    return server.start()
