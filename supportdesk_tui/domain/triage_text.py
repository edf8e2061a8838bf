"""The words triage writes: card descriptions, notes, reply drafts, and the markers that make steps idempotent.

Kept pure (no I/O) so the dialogs can preview exactly what will be sent, and so the "look before
writing" checks and the texts they look for can never drift apart: the same functions build a
text and recognise it later.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.tickets import Message, Ticket

MARKER_PREFIX = "Groove ticket: "
NOTE_PREFIX = "Backlogged to Trello: "
URGENT_PREFIX = "Urgent (business impact): "
SUMMARY_LIMIT = 300
GROOVE_SUMMARY_CHARS = 100
"""Groove's ``summary`` is the first 100 characters of the first message (its docs), so a summary that
long was most likely cut by Groove, mid-word. UNCONFIRMED: the exact length; a shorter cut is then shown
whole, as it came."""


def cut_at_word(text: str, limit: int, *, already_cut: bool = False) -> str:
    """``text`` in at most ``limit`` characters, cut after a whole word with "…" when anything is left out.

    ``already_cut``: the text was cut upstream at an unknown point (Groove's summary), so its last word
    may be a fragment: it is dropped too. A text with no space to cut at is cut where it must be.
    """
    if len(text) <= limit and not already_cut:
        return text
    room = text[:limit - 1] if len(text) > limit else text
    head, space, _fragment = room.rpartition(" ")
    kept = head.rstrip(" ,;:-–—") if space and head.strip() else room
    return kept + "…"


def marker_line(ticket_url: str) -> str:
    """The line every backlog card carries; the create step looks for it before creating."""
    return f"{MARKER_PREFIX}{ticket_url}"


def carries_ticket(text: str, ticket_url: str) -> bool:
    """Whether ``text`` links this ticket (and not e.g. ticket 120 when looking for 12).

    Cards made by hand or by the demo seed say ``Ticket: <url>``; ours say ``Groove ticket: <url>``.
    Any of them counts: one card per ticket, whoever made it.
    """
    return re.search(re.escape(ticket_url) + r"(?![0-9])", text) is not None


def carries_our_marker(text: str, ticket_url: str) -> bool:
    return any(line.strip() == marker_line(ticket_url) for line in text.splitlines())


def received_text(when: datetime, timezone: str) -> str:
    local = when.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %Y %H:%M ") + (local.tzname() or timezone)


def card_description(ticket: Ticket, customer: Customer, ticket_url: str, timezone: str) -> str:
    """The card's description: the customer's words first, then where it came from, then the marker."""
    summary = " ".join(ticket.summary.split())
    summary = cut_at_word(summary, SUMMARY_LIMIT, already_cut=len(ticket.summary) >= GROOVE_SUMMARY_CHARS)
    sender = f" ({ticket.customer_email})" if ticket.customer_email else ""
    lines = [
        summary or "(the first message was empty)",
        "",
        f"Customer: {customer.name}{sender}",
        f"Received: {received_text(ticket.created_at, timezone)}",
        marker_line(ticket_url),
    ]
    return "\n".join(lines)


def backlog_note(card_url: str, customer: str, list_name: str) -> str:
    return f"{NOTE_PREFIX}{card_url} ({customer}, {list_name})"


def urgent_note(reason: str) -> str:
    return f"{URGENT_PREFIX}{one_line(reason)}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def same_text(a: str, b: str) -> bool:
    """Equal once whitespace is normalised (Groove stores HTML and gives back plain text).

    UNCONFIRMED: that ``plain_text_body`` of a posted message equals what was sent, modulo whitespace.
    """
    return one_line(a) == one_line(b)


def find_message(thread: list[Message], *, note: bool, contains: str | None = None,
                 equals: str | None = None) -> Message | None:
    """The first message of the thread that an earlier attempt of ours could have posted.

    Whitespace never decides a match (Groove stores HTML and gives back re-wrapped plain text).
    """
    piece = one_line(contains) if contains is not None else None
    for message in thread:
        if message.note != note or message.author_kind == "customer":
            continue
        if piece is not None and piece in one_line(message.body_text):
            return message
        if equals is not None and same_text(message.body_text, equals):
            return message
    return None


def first_name(ticket: Ticket) -> str:
    name = (ticket.customer_name or "").strip()
    return name.split()[0] if name else "there"


def default_reply(ticket: Ticket) -> str:
    """A short, editable draft for closing as fixed; the dialog shows it before anything is sent."""
    subject = ticket.title.strip() or "your request"
    return (f"Hello {first_name(ticket)},\n\n"
            f"Thanks for getting in touch about \"{subject}\". This is fixed now; please reply to this "
            "email if you still see the problem.\n\nBest regards,\nThe support team")


def format_timebox(left: timedelta) -> str:
    """``1:32`` (hours:minutes, rounded up so 0:00 appears only when the time is really up)."""
    minutes = max(0, -int(-left.total_seconds() // 60))
    return f"{minutes // 60}:{minutes % 60:02d}"
