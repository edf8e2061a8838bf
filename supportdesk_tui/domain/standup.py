"""The daily stand-up as pure values: who is on what today, what moved since yesterday, and each commitment in words.

Every developer on support reports progress on their assignments and flags what threatens the week's
commitment. The plan of record says who should be on what; the boards' actions say what moved; the
journal and the SLA figures say how triage went. This module joins them for one working day, so the
Standup screen and ``supportdesk standup`` show the same thing. Nothing here reads a clock: the day and
the instant "now" come in as arguments.

The commitment rule, per customer with ``commitment_days`` (in this order):

1. planned more than agreed: **over** ("over: 4 d planned for 3 d agreed");
2. finished cards' estimates reach the commitment: **on track** ("on track: 3 d of 3 d agreed finished");
3. planned less than agreed: **at risk** ("at risk: 2 d planned for 3 d agreed");
4. work planned on days already gone whose card has not moved, been commented on or finished this week:
   **at risk** ("at risk: 1.5 d planned but not started with 2 days left");
5. otherwise **on track** ("on track: 3 d planned, 1 d finished").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from fractions import Fraction

from supportdesk_tui.domain.cadence import matches_week_pattern
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.planning import (
    TRIAGE,
    IsoWeek,
    Plan,
    Slot,
    day_label,
    format_days,
    format_half_days,
    plan_totals,
)
from supportdesk_tui.domain.sla_clock import RESOLVED_BACKLOG, RESOLVED_CLOSED, SlaClock, SlaStatus
from supportdesk_tui.domain.words import count_of


# ---------------------------------------------------------------------------------------------- the days
def standup_day(today: date) -> date:
    """The stand-up a given date reads: itself on a weekday, the Friday before on a weekend."""
    return today - timedelta(days=max(0, today.weekday() - 4))


def previous_working_day(day: date, holidays: Iterable[date] = ()) -> date:
    """The working day before ``day``, skipping weekends and holidays."""
    off = set(holidays)
    prev = day - timedelta(days=1)
    while prev.weekday() > 4 or prev in off:
        prev -= timedelta(days=1)
    return prev


def next_working_day(day: date, holidays: Iterable[date] = ()) -> date:
    off = set(holidays)
    nxt = day + timedelta(days=1)
    while nxt.weekday() > 4 or nxt in off:
        nxt += timedelta(days=1)
    return nxt


def working_days_left(day: date, holidays: Iterable[date] = ()) -> int:
    """Working days from ``day`` (included) to the end of its week."""
    off = set(holidays)
    friday = day + timedelta(days=4 - day.weekday())
    return sum(1 for n in range((friday - day).days + 1)
               if (d := day + timedelta(days=n)).weekday() < 5 and d not in off)


# ------------------------------------------------------------------------------------- what moved on boards
class EventKind(Enum):
    MOVED = "moved"
    COMMENTED = "commented"


@dataclass(frozen=True, slots=True)
class CardEvent:
    """One thing that happened to a card, read from its board's actions."""

    card_id: str
    kind: EventKind
    at: datetime
    by: str = ""
    to_list: str = ""  # for a move: the list's name
    text: str = ""  # for a comment


class Progress(Enum):
    FINISHED = "finished"
    MOVED = "moved"
    COMMENTED = "commented"
    UNTOUCHED = "untouched"


@dataclass(frozen=True, slots=True)
class CardProgress:
    card_id: str
    progress: Progress
    words: str


def card_progress(card_id: str, events: Iterable[CardEvent], finished_lists: Sequence[str],
                  current_list: str | None = None) -> CardProgress:
    """What happened to a card since a moment, in words: the last move wins over comments.

    ``finished_lists`` are list names or week patterns (``Done {week}`` finishes a card in any week's
    Done list, as :func:`~supportdesk_tui.domain.cadence.matches_week_pattern` reads it).
    """
    mine = sorted((e for e in events if e.card_id == card_id), key=lambda e: e.at)
    moves = [e for e in mine if e.kind is EventKind.MOVED]
    comments = [e for e in mine if e.kind is EventKind.COMMENTED]

    def finished(name: str) -> bool:
        return any(matches_week_pattern(pattern, name) for pattern in finished_lists)

    if moves:
        last = moves[-1]
        by = f" by {last.by}" if last.by else ""
        progress = Progress.FINISHED if finished(last.to_list) else Progress.MOVED
        extra = f", {count_of(len(comments), 'comment')}" if comments else ""
        return CardProgress(card_id, progress, f"moved to {last.to_list}{by}{extra}")
    if comments:
        last = comments[-1]
        quote = " ".join(last.text.split())
        quote = quote if len(quote) <= 60 else quote[:59] + "…"
        by = f"{last.by}: " if last.by else ""
        return CardProgress(card_id, Progress.COMMENTED, f"commented ({by}{quote})")
    where = f"still in {current_list}" if current_list else "no change"
    if current_list and finished(current_list):
        return CardProgress(card_id, Progress.FINISHED, f"in {current_list}")
    return CardProgress(card_id, Progress.UNTOUCHED, where)


# ------------------------------------------------------------------------------------------- the commitment
class Standing(Enum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OVER = "over"
    NONE = "no commitment"


@dataclass(frozen=True, slots=True)
class Commitment:
    customer: str
    agreed: Fraction | None  # days
    planned: int  # half days
    finished: int  # half days (estimates of cards finished this week)
    standing: Standing
    words: str


def commitment(customer: str, agreed_days: float | None, plan: Plan, day: date, progress: Mapping[str, Progress],
               holidays: Iterable[date] = ()) -> Commitment:
    """One customer's commitment for the week of ``plan``, seen on ``day``, in words (rule in the module doc)."""
    cards = {cid: item for cid, item in plan.items.items() if item.customer == customer}
    planned = sum(1 for slots in plan.cells.values() for s in slots if isinstance(s, str) and s in cards)
    finished = sum(plan.estimate_for(item) or plan.planned(cid)
                   for cid, item in cards.items() if progress.get(cid) is Progress.FINISHED)
    untouched = {cid for cid in cards if progress.get(cid, Progress.UNTOUCHED) is Progress.UNTOUCHED}
    not_started = sum(1 for (_, d), slots in plan.cells.items() if d < day for s in slots if s in untouched)
    if agreed_days is None:
        return Commitment(customer, None, planned, finished, Standing.NONE,
                          f"no commitment agreed; {format_half_days(planned)} planned")
    agreed = Fraction(str(agreed_days))
    agreed_text = format_days(agreed)
    if Fraction(planned, 2) > agreed:
        return Commitment(customer, agreed, planned, finished, Standing.OVER,
                          f"over: {format_half_days(planned)} planned for {agreed_text} agreed")
    if agreed and Fraction(finished, 2) >= agreed:
        return Commitment(customer, agreed, planned, finished, Standing.ON_TRACK,
                          f"on track: {agreed_text} of {agreed_text} agreed finished")
    if Fraction(planned, 2) < agreed:
        return Commitment(customer, agreed, planned, finished, Standing.AT_RISK,
                          f"at risk: {format_half_days(planned)} planned for {agreed_text} agreed")
    if not_started:
        left = working_days_left(day, holidays)
        return Commitment(customer, agreed, planned, finished, Standing.AT_RISK,
                          f"at risk: {format_half_days(not_started)} planned but not started with "
                          f"{count_of(left, 'day')} left")
    return Commitment(customer, agreed, planned, finished, Standing.ON_TRACK,
                      f"on track: {format_half_days(planned)} planned, {format_half_days(finished)} finished")


# --------------------------------------------------------------------------------------------- per developer
@dataclass(frozen=True, slots=True)
class Assignment:
    """One card (or triage) in a developer's day: whole or half day, who they pair with, how it is going."""

    card_id: str | None  # None: triage
    words: str  # "Acme Ltd: VAT number" or "triage"
    half_days: int
    pair_with: tuple[str, ...] = ()
    progress: str = ""
    blocked: str = ""  # the open impediment's reason, if any

    @property
    def amount(self) -> str:
        return "whole day" if self.half_days == 2 else "half day"


@dataclass(frozen=True, slots=True)
class DeveloperDay:
    developer: str
    today: tuple[Assignment, ...]
    previous: tuple[Assignment, ...]
    impediments: tuple[str, ...] = ()

    @property
    def nothing_today(self) -> bool:
        return not self.today


def assignments(plan: Plan, developer: str, day: date, progress: Mapping[str, CardProgress] | None = None,
                blocked: Mapping[str, str] | None = None) -> tuple[Assignment, ...]:
    """A developer's cells on a day, one entry per card (two halves of one card are a whole day)."""
    if day not in plan.days:
        return ()
    slots = plan.cell(developer, day)
    out: list[Assignment] = []
    for slot in dict.fromkeys(slots):
        partners = tuple(d for d in plan.developers if d != developer and slot in plan.cell(d, day)
                         and slot is not TRIAGE)
        card_id = slot if isinstance(slot, str) else None
        seen = (progress or {}).get(card_id) if card_id else None
        out.append(Assignment(card_id, _slot_words(plan, slot), slots.count(slot), partners,
                              seen.words if seen else "", (blocked or {}).get(card_id or "", "")))
    return tuple(out)


# ------------------------------------------------------------------------------------------------- triage
@dataclass(frozen=True, slots=True)
class TriageSince:
    """Triage since the last stand-up: from the week's figures and the journal."""

    received: int = 0
    backlogged: int = 0
    fixed: int = 0
    breached: int = 0
    at_risk_now: int = 0
    pending_actions: int = 0
    caveat: str = ""
    """Why the figures may be short, in a sentence (:func:`watch_caveat`); empty when they are whole."""

    def lines(self) -> tuple[str, ...]:
        """The lines every stand-up shows: what came and went, what is open now, and the caveat if any."""
        counts = (f"{self.received} received, {self.backlogged} backlogged, {self.fixed} fixed, "
                  f"{self.breached} breached",
                  f"{self.at_risk_now} at risk now; {count_of(self.pending_actions, 'action')} still pending")
        return (*counts, self.caveat) if self.caveat else counts


def watch_caveat(watched_from: datetime | None, since: datetime, zone: tzinfo) -> str:
    """The triage figures come from what this machine saw of the inbox (Groove keeps no state history):
    when it started watching after ``since``, a ticket that came and went before then is not counted,
    and the stand-up says so rather than show short figures as whole."""
    if watched_from is None:
        return "Not counted: this machine has never read the Groove inbox (the app reads it when it starts)."
    if watched_from <= since:
        return ""
    local = watched_from.astimezone(zone)
    when = f"{day_label(local.date())} {local:%H:%M}"
    return f"Counted since this machine first read the inbox ({when}): some may be missing."


def triage_since(clocks: Iterable[SlaClock], since: datetime, now: datetime, pending_actions: int = 0,
                 caveat: str = "") -> TriageSince:
    """Count what triage saw between ``since`` (the last stand-up) and ``now``, from every ticket's SLA clocks.

    Received: clocks started (created, not reopened); backlogged / fixed: clocks resolved that way;
    breached: deadlines passed unresolved; at risk now: running clocks past their first warning.
    """
    received = backlogged = fixed = breached = at_risk = 0
    for clock in clocks:
        if clock.started_at is not None and not clock.reopened and since <= clock.started_at <= now:
            received += 1
        if clock.resolved_at is not None and since <= clock.resolved_at <= now:
            backlogged += clock.resolution == RESOLVED_BACKLOG
            fixed += clock.resolution == RESOLVED_CLOSED
        breach = clock.breach_time(now)
        if breach is not None and since <= breach:
            breached += 1
        if clock.final is None and clock.status(now) is SlaStatus.AT_RISK:
            at_risk += 1
    return TriageSince(received, backlogged, fixed, breached, at_risk, pending_actions, caveat)


# ------------------------------------------------------------------------------------------------ the whole
@dataclass(frozen=True, slots=True)
class Standup:
    day: date
    previous: date
    week: IsoWeek
    pair: tuple[str, str] | None
    developers: tuple[DeveloperDay, ...]
    customers: tuple[Commitment, ...]
    triage: TriageSince
    unread: tuple[str, ...] = ()  # what could not be read, one sentence each


def build_standup(plan: Plan, day: date, *, events: Iterable[CardEvent] = (), finished_lists: Sequence[str] = (),
                  current_lists: Mapping[str, str] | None = None, impediments: Mapping[str, str] | None = None,
                  customers: Sequence[Customer] = (), holidays: Iterable[date] = (),
                  triage: TriageSince = TriageSince(), unread: Sequence[str] = ()) -> Standup:
    """The stand-up for ``day`` from the plan of its week and what the boards said since the previous working day.

    ``current_lists`` maps card id to the name of the list it is in now; ``impediments`` card id to reason.
    """
    holidays = tuple(holidays)
    previous = previous_working_day(day, holidays)
    events = tuple(events)
    current = current_lists or {}
    blocked = impediments or {}
    progress = {cid: card_progress(cid, events, finished_lists, current.get(cid)) for cid in plan.items}
    developers = []
    for dev in plan.developers:
        today = assignments(plan, dev, day, progress, blocked)
        before = assignments(plan, dev, previous, progress, blocked)
        cards = {a.card_id for a in (*today, *before) if a.card_id}
        reasons = tuple(f"{_slot_words(plan, cid)}: {blocked[cid]}" for cid in plan.items
                        if cid in blocked and cid in cards)
        developers.append(DeveloperDay(dev, today, before, reasons))
    states = {cid: p.progress for cid, p in progress.items()}
    names = [c.name for c in customers]
    totals = plan_totals(plan, customers)
    names += [t.customer for t in totals.customers if t.customer not in names]
    agreed = {c.name: c.commitment_days for c in customers}
    commitments = tuple(commitment(name, agreed.get(name), plan, day, states, holidays) for name in names)
    return Standup(day, previous, plan.week, plan.triage_pair, tuple(developers), commitments, triage, tuple(unread))


def _slot_words(plan: Plan, slot: Slot) -> str:
    if slot is TRIAGE or not isinstance(slot, str):
        return "triage"
    item = plan.items.get(slot)
    return f"{item.customer}: {' '.join(item.title.split())}" if item else slot


