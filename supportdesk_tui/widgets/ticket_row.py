"""What one row of the ticket table shows: plain data, no Textual, so the Inbox's view model can build
rows and be tested without a running app."""

from __future__ import annotations

from dataclasses import dataclass

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import SlaClock
from supportdesk_tui.domain.tickets import Ticket


@dataclass(frozen=True, slots=True)
class Row:
    """What one row shows, apart from the ticking cells."""

    ticket: Ticket
    clock: SlaClock
    customer: Customer | None
    new: bool = False
    mark: str = ""  # e.g. "urgent", "fixing 1:32" (set by triage actions)
