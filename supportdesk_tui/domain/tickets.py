"""Help-desk tickets as plain values.

Groove's states and priorities are open strings (v1 documents ``unread, opened, pending, closed,
spam``; older accounts send ``follow_up``, v2 has ``snoozed``), so they stay strings here and the
code that needs a decision maps unknown values to a safe bucket instead of crashing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from supportdesk_tui.domain.mail_domains import email_domain

OPEN_STATES = frozenset({"unread", "opened", "pending", "follow_up", "snoozed"})
"""States in which a ticket is still waiting on us (or on the customer)."""

DONE_STATES = frozenset({"closed"})
CANCELLED_STATES = frozenset({"spam", "deleted"})


@dataclass(frozen=True, slots=True)
class Ticket:
    """One Groove conversation, as the app needs it (ids that Groove sends as strings stay strings)."""

    number: int
    title: str
    state: str
    created_at: datetime
    updated_at: datetime
    customer_email: str | None = None
    customer_name: str | None = None
    assignee: str | None = None
    priority: str | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    message_count: int = 0
    state_changed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state not in DONE_STATES and self.state not in CANCELLED_STATES

    @property
    def customer_domain(self) -> str | None:
        return email_domain(self.customer_email)


@dataclass(frozen=True, slots=True)
class Message:
    """One message in a ticket's thread: a customer email, an agent reply or a private note."""

    id: str
    ticket_number: int
    created_at: datetime
    body_text: str
    author: str | None = None
    author_kind: str = "unknown"  # "customer", "agent" or "unknown" (read from links.author.href)
    note: bool = False


@dataclass(frozen=True, slots=True)
class InboxSnapshot:
    """The open queue as of one successful sync."""

    tickets: tuple[Ticket, ...]
    synced_at: datetime
    from_cache: bool = False
    by_number: dict[int, Ticket] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_number.update({t.number: t for t in self.tickets})
