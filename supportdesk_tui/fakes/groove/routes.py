"""The fake Groove's routes: which path and method go to which handler (a layer of ``GrooveFake``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from supportdesk_tui.fakes.base import Request, Response
from supportdesk_tui.fakes.groove.payloads import GroovePayloads
from supportdesk_tui.fakes.groove.records import (
    VALID_PRIORITIES,
    WEBHOOK_EVENTS,
    Problem,
    email_of,
    flag,
    padded,
    parse_body,
    sent_at,
)


class GrooveRoutes(GroovePayloads):
    """Every v1 route the fake serves; handlers run under the state's lock."""

    def _route(self, req: Request) -> Response:
        if not req.path.startswith("/v1/"):
            raise Problem(404, "Not found")
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
            raise Problem(404, "Not found")
        handler = routes.get(m)
        if handler is None:
            raise Problem(405, f"{m} is not allowed here")
        return handler()

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
                raise Problem(404, "Folder not found")
            tickets = [t for t in tickets if t.state in states]
        return self._paginate(req, "tickets", tickets, self._ticket_json)

    def _create_ticket(self, req: Request) -> Response:
        data = parse_body(req)
        body, sender, to = data.get("body"), email_of(data.get("from")), email_of(data.get("to"))
        missing = [k for k, v in (("body", body), ("from", sender), ("to", to)) if not v]
        if missing:
            raise Problem(422, f"{', '.join(missing)} can't be blank")
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
                                 body=str(body), created_at=sent_at(data), state=state, assignee=assignee,
                                 tags=[str(t) for t in (tags if isinstance(tags, list) else [tags])],
                                 assigned_group=data.get("assigned_group") or None,
                                 first_author=sender if agent_created else None, note=flag(data.get("note")))
        self._tickets[number].starred = flag(data.get("starred"))
        first = self._messages[self._tickets[number].message_ids[0]]
        first.emailed_to_customer = agent_created and flag(data.get("send_copy_to_customer"))
        location = f"http://{req.headers.get('host', '127.0.0.1')}/v1/tickets/{number}"
        return Response.json({"ticket": self._ticket_json(self._tickets[number])}, 201, {"Location": location})

    def _count(self, req: Request) -> Response:
        box = req.query.get("mailbox")
        folders = [f for f in self.folders if box in (None, f.mailbox, self._mailbox_email(f.mailbox))]
        return Response.json({f.id: sum(t.state in f.states for t in self._tickets.values()) for f in folders})

    def _put_state(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        state = parse_body(req).get("state")
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
        email = parse_body(req).get("assignee")
        if email:
            ticket.assignee = self._agent(str(email), status=422)["email"]
        else:
            ticket.assignee = None  # UNCONFIRMED: how Groove unassigns
        ticket.updated_at = self.clock.now()
        return Response(204)

    def _put_priority(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        priority = parse_body(req).get("priority") or None
        if priority not in VALID_PRIORITIES:
            raise Problem(422, f"Priority {priority!r} is not included in the list")
        ticket.priority = priority
        ticket.updated_at = self.clock.now()
        return Response(204)

    def _put_group(self, req: Request, n: int) -> Response:
        ticket = self._ticket(n)
        name = parse_body(req).get("group") or None
        if name is not None and not any(g["name"] == name for g in self.groups.values()):
            raise Problem(422, f"Group {name!r} not found")
        ticket.assigned_group = name
        ticket.updated_at = self.clock.now()
        return Response(204)

    def _list_messages(self, req: Request, n: int) -> Response:
        ids = list(reversed(self._ticket(n).message_ids))  # newest first (ours; Groove's order is unknown)
        return self._paginate(req, "messages", [self._messages[i] for i in ids], self._message_json)

    def _post_message(self, req: Request, n: int) -> Response:
        self._ticket(n)
        data = parse_body(req)
        body = data.get("body")
        if not isinstance(body, str) or not body.strip():
            raise Problem(422, "body can't be blank")
        author = str(data.get("author") or self.me)
        if author.lower() not in self._agents and author.lower() not in self._customers:
            raise Problem(422, f"author {author!r} is neither an agent nor a customer")
        message_id = self.add_message(n, author=author, body=body, note=flag(data.get("note")),
                                      at=sent_at(data), emailed=flag(data.get("send_copy_to_customer")))
        return Response.json({"message": self._message_json(self._messages[message_id])}, 201)  # 201 UNCONFIRMED

    def _list_customers(self, req: Request) -> Response:
        customers = sorted(self._customers.values(), key=lambda c: c.id)
        return self._paginate(req, "customers", customers, self._customer_json)

    def _put_customer(self, req: Request, key: str) -> Response:
        data = parse_body(req)
        if not data.get("email"):
            raise Problem(422, "email can't be blank")
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
        if self.paginate_agents:
            return self._paginate(req, "agents", agents, self._agent_json)
        return Response.json({"agents": [self._agent_json(a) for a in agents]})

    def _post_webhook(self, req: Request) -> Response:
        data = parse_body(req)
        if data.get("event") not in WEBHOOK_EVENTS or not data.get("url"):
            raise Problem(422, "event must be a known event and url can't be blank")
        hook_id = padded(self._next_webhook)
        self._next_webhook += 1
        self.webhooks[hook_id] = {"id": hook_id, "event": data["event"], "url": data["url"], "state": "active"}
        return Response.json({"webhook": self.webhooks[hook_id]}, 201)

    def _delete_webhook(self, hook_id: str) -> Response:
        if self.webhooks.pop(hook_id, None) is None:
            raise Problem(404, "Webhook not found")
        return Response(204)
