"""How the fake Groove renders its records as v1 JSON, and its pagination (a layer of ``GrooveFake``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timezone
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from supportdesk_tui.fakes.base import Request, Response
from supportdesk_tui.fakes.groove.records import OFFSETS, FakeCustomer, FakeMessage, FakeTicket
from supportdesk_tui.fakes.groove.state import GrooveState

T = TypeVar("T")


class GroovePayloads(GrooveState):
    """JSON for tickets, messages, customers, agents, groups and mailboxes."""

    @property
    def api(self) -> str:
        """The host Groove's hrefs point at (quirk 3 switches the scheme); never this server's."""
        return ("http" if self.quirk_http_hrefs else "https") + "://api.groovehq.com/v1"

    def _ts(self, when: datetime, salt: int) -> str:
        utc = when.astimezone(UTC).replace(microsecond=0)
        if not self.quirk_mixed_timestamps or salt % 3 == 0:
            return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
        if salt % 3 == 1:
            return utc.astimezone(timezone(OFFSETS[salt % len(OFFSETS)])).strftime("%Y-%m-%d %H:%M:%S %z")
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
