"""The fake Groove's records and request parsing: plain data and helpers, no HTTP and no state.

Error bodies (``{"errors": [...]}``) and what counts as a flag are this fake's choices (UNCONFIRMED
for Groove), as the module docstring of :mod:`supportdesk_tui.fakes.groove.server` explains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

from supportdesk_tui.fakes.base import Request

VALID_STATES = ("unread", "opened", "pending", "closed", "spam")
# UNCONFIRMED: v1 shows only low/high; medium/urgent are inferred from the v2 enum.
VALID_PRIORITIES = (None, "low", "medium", "high", "urgent")
WEBHOOK_EVENTS = ("ticket_started", "ticket_opened", "ticket_closed", "ticket_assigned",
                  "ticket_priority_changed", "ticket_deleted", "ticket_tagged", "ticket_moved",
                  "customer_replied", "customer_added", "agent_invited", "agent_archived", "note_added",
                  "agent_replied")
OFFSETS = (timedelta(hours=5, minutes=30), timedelta(hours=-7), timedelta(hours=1))


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


class Problem(Exception):
    """Aborts a handler with an error answer (``{"errors": [...]}`` is our format, not Groove's)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return value is True or value == 1


def padded(n: int) -> str:
    """Groove's ids are digit strings with leading zeros (quirk 5)."""
    return f"{n:010d}"


def html(text: str) -> str:
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))



def email_of(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("email")
    return value.strip() if isinstance(value, str) and value.strip() else None

def sent_at(data: dict[str, Any]) -> datetime | None:
    raw = data.get("sent_at")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise Problem(422, f"sent_at {raw!r} is not a date") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)

def parse_body(req: Request) -> dict[str, Any]:
    """JSON or form-encoded (``from[email]=…``, ``tags[]=…``), as Groove accepts both."""
    if not req.body:
        return {}
    ctype = req.headers.get("content-type", "")
    text = req.body.decode("utf-8", errors="replace")
    if "json" in ctype or ("form" not in ctype and text.lstrip().startswith("{")):
        try:
            data = json.loads(text)
        except ValueError:
            raise Problem(400, "Body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Problem(400, "Body must be a JSON object")
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

