"""The SLA clock: when each ticket is due, and how it stands.

The clock is computed *on read* from a ticket's history (what the app observed and when) and the
``[sla]`` policy, never from accumulated ticks, so it is right after a restart, a spell offline or a
laptop sleep. :func:`clock_for` does all the work once per ticket (again only when its history or the
policy changes) and returns an :class:`SlaClock` whose per-tick answers are comparisons and one
subtraction (a bisect plus a subtraction in business mode).

The rules (the README carries the same text):

1. **Two clocks.** ``calendar``: 48 h is 48 elapsed hours. ``business``: only time inside the
   working windows counts (working days, one or more windows a day, holidays as whole dates, in the
   policy's IANA zone); see :mod:`supportdesk_tui.domain.business_time` for windows, DST gaps and folds.
   All arithmetic is on UTC instants; local time is used only to build each day's windows.
2. **Start.** The clock starts when the ticket was created (Groove's ``created_at``). In business
   mode an arrival outside hours starts counting at the next opening.
3. **Deadline.** The instant the target runs out. It is the first late instant: resolving before it
   is in time, resolving at or after it is a breach. In business mode it lies inside a window or
   exactly on its closing edge (time that runs out at 17:30 is due at 17:30, not next morning).
4. **Time left.** Calendar: real time to the deadline. Business: business time left, so it stands
   still at night, at weekends and on holidays. Past the deadline, both count real time since it
   ("2:10 late"): a breach is a fact and the customer waits in real time.
5. **At risk** from the first ``warn_hours`` threshold, counted in the chosen clock (business hours
   in business mode). Thresholds not below the target in force are ignored.
6. **Pauses.** Entering one of ``pause_states`` stops the clock (status paused, with the state as the
   reason; time left frozen). A state change out of it, or any customer reply, resumes it, even if the
   ticket still shows the pause state. A pause never undoes a breach that already happened.
7. **Reopen.** A ticket that was closed (or spam/deleted) and is then seen in an open state gets a
   new clock from the reopen instant, with the full target and the "reopened" mark. The earlier
   clock keeps its outcome (see :func:`sla_cycles`).
8. **Target change in flight** (``target_hours_override`` at ``target_changed_at``, e.g. urgent):
   the elapsed time is kept, so the new deadline = change + (new target - elapsed). If the new
   target is already used up, the ticket is breached from the moment of the change. Without
   ``target_changed_at`` the override applies from creation. Reopened clocks use the target in force.
9. **Breach is sticky.** Once the deadline has passed unresolved, the ticket is breached for good:
   resolving it later gives a final BREACHED, never MET, and a later target change does not undo it.
10. **Resolved** = closed, or backlogged by the app (``resolved_by_backlog_at``), before the
    deadline: MET. A backlog counts as the resolution even when the app saw the ticket closed just
    before it recorded the backlog (resolved at the earlier instant). After resolution, moves between
    open states are ignored; only a reopen from closed starts a new clock.
11. **Cancelled.** spam or deleted ends an unresolved clock as CANCELLED (dropped from the week's
    met/breached figures, even if it had breached: spam is not a request). A clock already resolved
    keeps its outcome.
12. **Unknown states** (neither open, closed, cancelled nor a pause state) count as running and are
    listed in :attr:`SlaClock.notes`. States compare case-insensitively.
13. **Inputs** must be aware datetimes (naive ones are refused); events before ``created_at`` are
    moved to it. Events at the same instant apply in this order: state changes, customer replies,
    target change, backlog.

The values (policy, history, :class:`SlaClock`, :class:`ClockSummary`, formatting) live in
:mod:`supportdesk_tui.domain.sla_clock`; this module replays histories into them and re-exports them
all, so the rest of the app imports from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from supportdesk_tui.domain.business_time import BusinessCalendar, Schedule
from supportdesk_tui.domain.sla_clock import (
    GLYPHS,
    RESOLVED_BACKLOG,
    RESOLVED_CANCELLED,
    RESOLVED_CLOSED,
    ClockSummary,
    SlaClock,
    SlaPolicy,
    SlaStatus,
    StateEvent,
    TicketHistory,
    _aware_utc,
    _norm,
    business_calendar,
    describe_policy,
    format_time_left,
    policy_version,
    queue_key,
)
from supportdesk_tui.domain.tickets import CANCELLED_STATES, DONE_STATES, OPEN_STATES, Ticket

__all__ = [
    "GLYPHS", "RESOLVED_BACKLOG", "RESOLVED_CANCELLED", "RESOLVED_CLOSED", "ClockSummary", "SlaClock", "SlaPolicy",
    "SlaStatus", "StateEvent", "TicketHistory", "business_calendar", "clock_for", "clocks_for", "describe_policy",
    "format_time_left", "history_from_ticket", "policy_version", "queue_key", "sla_cycles",
]

_ZERO = timedelta(0)
_ENDED_STATES = DONE_STATES | CANCELLED_STATES


class _Meter(Protocol):
    """Counts time in one clock: calendar (plain UTC) or business (windows)."""

    def add(self, start: datetime, amount: timedelta) -> datetime: ...

    def between(self, begin: datetime, end: datetime) -> timedelta: ...


class _CalendarMeter:
    def add(self, start: datetime, amount: timedelta) -> datetime:
        return start + amount

    def between(self, begin: datetime, end: datetime) -> timedelta:
        return end - begin if end > begin else _ZERO


_CALENDAR = _CalendarMeter()


@dataclass(slots=True)
class _Cycle:
    """One clock while the history is replayed (mutable working state)."""

    started_at: datetime
    target: timedelta
    reopened: bool
    running: bool
    seg_start: datetime
    elapsed: timedelta = _ZERO
    deadline: datetime | None = None
    reason: str = ""
    breached_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    frozen_left: timedelta | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.resolution is not None


class _Replay:
    """Replays a history through the rules of the module docstring, one event at a time."""

    _STATE, _REPLY, _TARGET, _BACKLOG = 0, 1, 2, 3

    def __init__(self, policy: SlaPolicy) -> None:
        self.policy = policy
        self.pause_states = policy.pausing
        self.meter: _Meter = _CALENDAR
        self.calendar: BusinessCalendar | None = None
        self.setup_notes: list[str] = []
        if policy.is_business:
            calendar = business_calendar(policy)
            if calendar.has_hours:
                self.meter = self.calendar = calendar
            else:
                self.setup_notes.append("business clock has no working days or hours: counted calendar time")
        elif policy.clock != "calendar":
            self.setup_notes.append(f"unknown clock {policy.clock!r}: counted calendar time")
        self.cycles: list[_Cycle] = []

    # -- helpers -----------------------------------------------------------------------------------

    def _used(self, c: _Cycle, at: datetime) -> timedelta:
        if c.running:
            return c.elapsed + self.meter.between(c.seg_start, at)
        return c.elapsed

    def _check_breach(self, c: _Cycle, at: datetime) -> None:
        if not c.ended and c.running and c.breached_at is None and c.deadline is not None and at >= c.deadline:
            c.breached_at = c.deadline

    def _run_from(self, c: _Cycle, at: datetime) -> None:
        c.running = True
        c.reason = ""
        c.seg_start = at
        if c.breached_at is None:
            c.deadline = self.meter.add(at, c.target - c.elapsed)

    def _new_cycle(self, at: datetime, target: timedelta, reopened: bool, state_class: str, state: str) -> _Cycle:
        c = _Cycle(started_at=at, target=target, reopened=reopened, running=False, seg_start=at)
        if state_class == "pause":
            c.reason = state
        else:
            self._run_from(c, at)
        self.cycles.append(c)
        return c

    def _end(self, c: _Cycle, at: datetime, resolution: str) -> None:
        c.resolved_at = at
        c.resolution = resolution
        if resolution == RESOLVED_CANCELLED:
            c.frozen_left = None
        elif c.breached_at is not None:
            c.frozen_left = c.breached_at - at
        else:
            c.frozen_left = c.target - self._used(c, at)
        c.running = False

    def _classify(self, state: str) -> str:
        if state in CANCELLED_STATES:
            return "cancelled"
        if state in DONE_STATES:
            return "done"
        if state in self.pause_states:
            return "pause"
        return "open"

    # -- the replay --------------------------------------------------------------------------------

    def run(self, history: TicketHistory) -> tuple[SlaClock, ...]:
        created = _aware_utc(history.created_at, "created_at")
        base_target = timedelta(hours=self.policy.target_hours)
        override = history.target_hours_override
        target = base_target
        timeline: list[tuple[datetime, int, int, str]] = []
        notes: list[str] = list(self.setup_notes)
        for i, event in enumerate(history.events):
            timeline.append((max(_aware_utc(event.at, "event"), created), self._STATE, i, _norm(event.state)))
        for i, reply in enumerate(history.customer_replies):
            timeline.append((max(_aware_utc(reply, "customer reply"), created), self._REPLY, i, ""))
        if override is not None:
            if history.target_changed_at is None:
                target = timedelta(hours=override)
            else:
                at = max(_aware_utc(history.target_changed_at, "target_changed_at"), created)
                timeline.append((at, self._TARGET, 0, ""))
        if history.resolved_by_backlog_at is not None:
            at = max(_aware_utc(history.resolved_by_backlog_at, "resolved_by_backlog_at"), created)
            timeline.append((at, self._BACKLOG, 0, ""))
        timeline.sort()

        c = self._new_cycle(created, target, reopened=False, state_class="open", state="unread")
        c.notes.extend(notes)
        last_state = "unread"
        for at, kind, _i, state in timeline:
            self._check_breach(c, at)
            if kind == self._STATE:
                state_class = self._classify(state)
                if c.ended:
                    if last_state in _ENDED_STATES and state_class in ("open", "pause"):
                        c = self._new_cycle(at, target, reopened=True, state_class=state_class, state=state)
                        if last_state in CANCELLED_STATES:
                            c.notes.append(f"restored from {last_state}")
                    elif state_class == "cancelled" and c.resolution != RESOLVED_CANCELLED:
                        c.notes.append(f"marked {state} after it was resolved; the outcome stands")
                elif state_class == "cancelled":
                    self._end(c, at, RESOLVED_CANCELLED)
                elif state_class == "done":
                    self._end(c, at, RESOLVED_CLOSED)
                elif state_class == "pause":
                    if c.running:
                        c.elapsed = self._used(c, at)
                        c.running = False
                        c.deadline = c.deadline if c.breached_at is not None else None
                    c.reason = state
                elif not c.running:
                    self._run_from(c, at)
                if state_class == "open" and state not in OPEN_STATES:
                    note = f"unknown state {state!r} counted as running"
                    if note not in c.notes:
                        c.notes.append(note)
                last_state = state
            elif kind == self._REPLY:
                if not c.ended and not c.running:
                    self._run_from(c, at)
            elif kind == self._TARGET:
                assert override is not None
                target = timedelta(hours=override)
                if not c.ended:
                    self._change_target(c, at, target)
            elif kind == self._BACKLOG:
                if not c.ended:
                    self._end(c, at, RESOLVED_BACKLOG)
                elif c.resolution == RESOLVED_CLOSED:
                    c.resolution = RESOLVED_BACKLOG
        return tuple(self._clock(cycle) for cycle in self.cycles)

    def _change_target(self, c: _Cycle, at: datetime, target: timedelta) -> None:
        if c.breached_at is not None:
            c.notes.append(f"target changed to {target.total_seconds() / 3600:g} h after the breach; "
                           "the breach stands")
            c.target = target
            return
        used = self._used(c, at)
        c.target = target
        if used >= target:
            c.breached_at = at
            c.deadline = at
            c.elapsed = used
            if c.running:
                c.seg_start = at
            return
        if c.running:
            c.elapsed = used
            self._run_from(c, at)

    def _warn_at(self, c: _Cycle, schedule: Schedule | None) -> tuple[datetime, ...]:
        left = c.target - c.elapsed
        assert c.deadline is not None
        instants: list[datetime] = []
        for hours in self.policy.warn_hours:
            threshold = timedelta(hours=hours)
            if threshold <= _ZERO or threshold >= c.target:
                continue
            if left <= threshold:
                instants.append(c.seg_start)  # resumed or re-targeted with less than that left
            elif schedule is not None:
                instants.append(schedule.when_left(threshold) or c.seg_start)
            else:
                instants.append(c.deadline - threshold)
        return tuple(sorted(instants))

    def _clock(self, c: _Cycle) -> SlaClock:
        deadline = c.deadline
        warn_at: tuple[datetime, ...] = ()
        schedule: Schedule | None = None
        final: SlaStatus | None = None
        frozen = c.frozen_left
        if c.ended:
            deadline = c.breached_at or c.deadline
            if c.resolution == RESOLVED_CANCELLED:
                final = SlaStatus.CANCELLED
            else:
                final = SlaStatus.BREACHED if c.breached_at is not None else SlaStatus.MET
        elif c.breached_at is not None:
            deadline = c.breached_at  # open and late: the lateness keeps growing
        elif not c.running:
            deadline, final, frozen = None, SlaStatus.PAUSED, c.target - c.elapsed
        else:
            assert deadline is not None
            if self.calendar is not None:
                schedule = self.calendar.schedule(c.seg_start, c.target - c.elapsed)
            warn_at = self._warn_at(c, schedule)
        return SlaClock(deadline, warn_at, final=final, paused_left=frozen,
                        reason=c.reason if not c.ended else "", reopened=c.reopened, notes=tuple(c.notes),
                        started_at=c.started_at, breached_at=c.breached_at, resolved_at=c.resolved_at,
                        resolution=c.resolution, target=c.target, schedule=schedule)


def sla_cycles(history: TicketHistory, policy: SlaPolicy) -> tuple[SlaClock, ...]:
    """Every clock the ticket has had, oldest first: one, plus one per reopen. The last is current.

    Earlier clocks keep their outcomes, which is what the week's figures count.
    """
    return _Replay(policy).run(history)


def history_from_ticket(ticket: Ticket) -> TicketHistory:
    """The least history a ticket implies: created, then its current state since it last changed."""
    at = ticket.state_changed_at or ticket.updated_at
    return TicketHistory(created_at=ticket.created_at, events=(StateEvent(at, ticket.state),))


def clock_for(ticket: Ticket, policy: SlaPolicy, history: TicketHistory | None = None) -> SlaClock:
    """The ticket's current clock.

    Without a history, one is derived from the ticket (created, then its state at ``state_changed_at``
    or ``updated_at``). With one, the ticket's state is added at the end when the history has not
    caught up with it yet (a different state, changed no earlier than the last recorded event), with a
    note saying so; a ticket older than the history is ignored.
    """
    if history is None:
        return sla_cycles(history_from_ticket(ticket), policy)[-1]
    last = _norm(history.events[-1].state) if history.events else "unread"
    at = _aware_utc(ticket.state_changed_at or ticket.updated_at, "state_changed_at")
    if _norm(ticket.state) == last or (history.events and at < _aware_utc(history.events[-1].at, "event")):
        return sla_cycles(history, policy)[-1]  # in step, or the ticket is older news than the history
    caught_up = replace(history, events=(*history.events, StateEvent(at, ticket.state)))
    clock = sla_cycles(caught_up, policy)[-1]
    return replace(clock, notes=(*clock.notes, f"state {ticket.state!r} taken from the ticket, not yet in the history"))


def clocks_for(tickets: Iterable[Ticket], policy: SlaPolicy,
               histories: dict[int, TicketHistory] | None = None) -> dict[int, SlaClock]:
    """Clocks for many tickets at once, by ticket number (a convenience for the inbox and the store)."""
    known = histories or {}
    return {t.number: clock_for(t, policy, known.get(t.number)) for t in tickets}
