"""The agenda for a customer's call, as pure values and text.

On the call the lead and the customer agree next week's commitment: which New Issues move to Up next.
The agenda gathers what they need, since the last call: the cards finished (with the day they got there),
the New Issues waiting (age, linked Groove ticket and its state), Up next with its estimates against the
commitment, the customer's SLA figures and the tickets open now. While cards are moved during the call
the running total says in words whether Up next fits the days agreed ("Up next: 3.5 d of 3 d agreed:
over by 0.5 d").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from supportdesk_tui.domain.planning import day_label, format_days
from supportdesk_tui.domain.words import count_of


@dataclass(frozen=True, slots=True)
class AgendaCard:
    name: str
    estimate_half_days: int | None = None
    since: date | None = None  # finished on, or waiting since
    ticket: str = ""  # "#123 opened" when the card links a Groove ticket
    too_big: str = ""  # "bigger than support work (25 d): consider a project team"
    card_id: str = ""  # the Trello card it stands for: what the call's screen pairs it with a card by


@dataclass(frozen=True, slots=True)
class SlaSince:
    received: int = 0
    in_time: int = 0
    breached: int = 0
    backlogged: int = 0


@dataclass(frozen=True, slots=True)
class Agenda:
    customer: str
    today: date
    last_call: date
    next_call_words: str
    agreed_days: float | None
    finished: tuple[AgendaCard, ...] = ()
    waiting: tuple[AgendaCard, ...] = ()
    up_next: tuple[AgendaCard, ...] = ()
    sla: SlaSince = field(default_factory=SlaSince)
    open_tickets: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()


def up_next_words(estimates: Sequence[int | None], agreed_days: float | None) -> str:
    """The running total of Up next against the commitment, in words."""
    known = sum(e for e in estimates if e is not None)
    missing = sum(1 for e in estimates if e is None)
    total = format_days(Fraction(known, 2))
    unestimated = f" ({count_of(missing, 'card')} without an estimate)" if missing else ""
    if agreed_days is None:
        return f"Up next: {total}, no commitment agreed{unestimated}"
    agreed = Fraction(str(agreed_days))
    planned = Fraction(known, 2)
    head = f"Up next: {total} of {format_days(agreed)} agreed"
    if planned > agreed:
        return f"{head}: over by {format_days(planned - agreed)}{unestimated}"
    if planned < agreed:
        return f"{head}: {format_days(agreed - planned)} still free{unestimated}"
    return f"{head}: exactly as agreed{unestimated}"


def render_agenda(agenda: Agenda, *, markdown: bool = True) -> str:
    """The agenda as Markdown (to paste into the call's notes) or plain text."""
    h2, h3, item = ("## ", "### ", "- ") if markdown else ("", "", "  ")
    a = agenda
    lines = [f"{h2}Call with {a.customer}: {day_label(a.today)} {a.today.year}",
             f"Since the last call on {day_label(a.last_call)}; {a.next_call_words}."]

    def section(title: str, rows: Sequence[str], empty: str) -> None:
        lines.extend(["", f"{h3}{title}" if markdown else f"{title}:"])
        lines.extend(f"{item}{row}" for row in rows) if rows else lines.append(f"{item}{empty}")

    section("Finished", [_card(c, "finished") for c in a.finished], "nothing finished since the last call")
    section("New Issues waiting", [_card(c, "waiting since") for c in a.waiting], "none")
    section(up_next_words([c.estimate_half_days for c in a.up_next], a.agreed_days),
            [_card(c, "") for c in a.up_next], "nothing in Up next yet")
    s = a.sla
    section("Support since the last call",
            [f"{s.received} tickets received, {s.in_time} resolved in time, {s.breached} breached, "
             f"{s.backlogged} backlogged"], "")
    section("Tickets open now", list(a.open_tickets), "none")
    if a.unread:
        section("Could not read", list(a.unread), "")
    return "\n".join(lines) + "\n"


def _card(card: AgendaCard, when: str) -> str:
    parts = [" ".join(card.name.split())]
    if card.estimate_half_days is not None:
        parts.append(format_days(Fraction(card.estimate_half_days, 2)))
    if card.since is not None and when:
        parts.append(f"{when} {day_label(card.since)}")
    if card.ticket:
        parts.append(card.ticket)
    if card.too_big:
        parts.append(card.too_big)
    return parts[0] + (f" ({', '.join(parts[1:])})" if parts[1:] else "")
