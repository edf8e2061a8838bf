"""The SLA clock's values: the policy, a ticket's history, and the precomputed clock with its status.

These are what the rest of the app holds and shows; :mod:`supportdesk_tui.domain.sla` replays a
history through the rules to build them (and re-exports every name here, so callers import from
there). Kept apart so the replay engine and the values it produces each read on their own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from supportdesk_tui.domain.business_time import BusinessCalendar, Schedule, calendar_for


class SlaStatus(StrEnum):
    """How a ticket stands against its target; always shown as a word and a glyph, never colour alone."""

    OK = "ok"
    AT_RISK = "at risk"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    CANCELLED = "cancelled"


GLYPHS: dict[SlaStatus, str] = {
    SlaStatus.OK: "●",
    SlaStatus.AT_RISK: "▲",
    SlaStatus.BREACHED: "✖",
    SlaStatus.PAUSED: "Ⅱ",
    SlaStatus.MET: "✔",
    SlaStatus.CANCELLED: "–",
}

RESOLVED_CLOSED = "closed"
RESOLVED_BACKLOG = "backlog"
RESOLVED_CANCELLED = "cancelled"


def _status_at(now: datetime, final: SlaStatus | None, deadline: datetime | None,
               first_warn: datetime | None) -> SlaStatus:
    """Stopped clocks keep their final status; a running one is at risk from its first warning on and
    breached from its deadline on."""
    if final is not None:
        return final
    if deadline is None:
        return SlaStatus.OK
    if now >= deadline:
        return SlaStatus.BREACHED
    if first_warn is not None and now >= first_warn:
        return SlaStatus.AT_RISK
    return SlaStatus.OK


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """The ``[sla]`` section of the config, validated."""

    target_hours: float = 48
    warn_hours: tuple[float, ...] = (12, 4)
    clock: str = "calendar"  # or "business"
    timezone: str = "Europe/London"
    business_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    business_hours: tuple[str, ...] = ("09:00-17:30",)
    holidays: tuple[date, ...] = ()
    pause_states: tuple[str, ...] = ()

    @property
    def is_business(self) -> bool:
        return self.clock == "business"

    @property
    def pausing(self) -> frozenset[str]:
        """``pause_states`` as the clock compares them (trimmed, lower-case)."""
        return frozenset(_norm(s) for s in self.pause_states)


@dataclass(frozen=True, slots=True)
class StateEvent:
    """The app saw the ticket in ``state`` at ``at`` (the first sighting of that state change)."""

    at: datetime
    state: str


@dataclass(frozen=True, slots=True)
class TicketHistory:
    """Everything the clock needs to know about one ticket, as the store recorded it.

    Groove v1 keeps no state history, so ``events`` are the state changes the app observed (every
    change, in time order; ``state_changed_at`` where a payload carries it). The ticket starts in an
    open state at ``created_at``, so an ``unread`` event there is optional.
    """

    created_at: datetime
    events: tuple[StateEvent, ...] = ()
    customer_replies: tuple[datetime, ...] = ()
    resolved_by_backlog_at: datetime | None = None
    target_hours_override: float | None = None
    target_changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SlaClock:
    """One ticket's clock (one cycle of it), precomputed so each tick only compares and subtracts.

    ``final`` is set when the clock no longer runs: PAUSED, MET, BREACHED (resolved late) or
    CANCELLED. An open ticket past its deadline has ``final=None`` and reports BREACHED from
    :meth:`status`, with the lateness still growing.
    """

    deadline: datetime | None
    warn_at: tuple[datetime, ...] = ()
    final: SlaStatus | None = None
    paused_left: timedelta | None = None
    """Time left frozen when the clock stopped: while paused, or at resolution (negative if late)."""
    reason: str = ""
    """Why the clock is paused (the pause state), empty otherwise."""
    reopened: bool = False
    notes: tuple[str, ...] = field(default=())
    started_at: datetime | None = None
    """Creation, or the reopen instant for a reopened clock."""
    breached_at: datetime | None = None
    """The breach instant once known at computation time (resolved late, or breached then paused)."""
    resolved_at: datetime | None = None
    """When the clock ended: closed, backlogged or cancelled."""
    resolution: str | None = None
    """``"closed"``, ``"backlog"`` or ``"cancelled"`` once ended."""
    target: timedelta | None = None
    """The target in force for this clock (after any override)."""
    schedule: Schedule | None = field(default=None, repr=False, compare=False)
    """Business mode: the windows left until the deadline, for a cheap :meth:`time_left`."""

    def __post_init__(self) -> None:
        if len(self.warn_at) > 1 and list(self.warn_at) != sorted(self.warn_at):
            object.__setattr__(self, "warn_at", tuple(sorted(self.warn_at)))

    def status(self, now: datetime) -> SlaStatus:
        return _status_at(now, self.final, self.deadline, self.warn_at[0] if self.warn_at else None)

    def time_left(self, now: datetime) -> timedelta | None:
        """Left in the chosen clock (business time in business mode); negative = real time late."""
        if self.final is not None:
            return self.paused_left
        if self.deadline is None:
            return None
        if self.schedule is not None:
            return self.schedule.left_at(now)
        return self.deadline - now

    def summary(self) -> ClockSummary:
        """The few values that rank and count this clock, for the store to keep beside the cached ticket."""
        return ClockSummary(self.final, self.deadline, self.warn_at[0] if self.warn_at else None, self.paused_left)

    @property
    def status_changes(self) -> tuple[datetime, ...]:
        """The instants at which :meth:`status` may read differently (none once the clock stopped)."""
        if self.final is not None:
            return ()
        return (*self.warn_at, self.deadline) if self.deadline is not None else self.warn_at

    def status_text(self, now: datetime) -> str:
        """The status word with its reason: ``paused (pending)``, ``breached``, ``met``."""
        status = self.status(now)
        if status is SlaStatus.PAUSED and self.reason:
            return f"paused ({self.reason})"
        return str(status)

    def breach_time(self, now: datetime) -> datetime | None:
        """When this clock breached, if it has by ``now`` (None for met, cancelled or not yet due)."""
        if self.resolution == RESOLVED_CANCELLED or self.final is SlaStatus.MET:
            return None
        if self.breached_at is not None:
            return self.breached_at if self.breached_at <= now else None
        if self.final is None and self.deadline is not None and self.deadline <= now:
            return self.deadline
        return None


def business_calendar(policy: SlaPolicy) -> BusinessCalendar:
    """The policy's business calendar, built once per distinct schedule and shared."""
    return calendar_for(policy.timezone, tuple(policy.business_days), tuple(policy.business_hours),
                        tuple(policy.holidays))


def policy_version(policy: SlaPolicy) -> str:
    """A short stable fingerprint of the policy, for the store to save beside figures it keeps.

    Clocks are recomputed on read with the policy in force; figures frozen for a handover record the
    version they were computed with, so a later schedule edit is visible rather than silent.
    """
    text = repr((policy.target_hours, policy.warn_hours, policy.clock, policy.timezone, policy.business_days,
                 policy.business_hours, tuple(d.isoformat() for d in policy.holidays), policy.pause_states))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class ClockSummary:
    """Enough of a clock to count it in the header and rank it in the queue, without rebuilding it.

    The store keeps one per cached ticket so a cold start can paint the top of a long queue, with the
    right counts, before it has replayed every ticket's history (see ``services.inbox``). Ranking:
    a running clock's time left, in either clock, only grows with its deadline (at any moment after its
    current run began, as every recorded run has by the time the app starts); a stopped one's is frozen.
    """

    final: SlaStatus | None
    deadline: datetime | None
    first_warn: datetime | None
    frozen_left: timedelta | None

    def status(self, now: datetime) -> SlaStatus:
        """The same answer as :meth:`SlaClock.status` of the clock it summarises."""
        return _status_at(now, self.final, self.deadline, self.first_warn)

    @property
    def status_changes(self) -> tuple[datetime, ...]:
        if self.final is not None:
            return ()
        return tuple(t for t in (self.first_warn, self.deadline) if t is not None)


def _aware_utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} {value!r} has no time zone")
    return value.astimezone(UTC)


def _norm(state: str) -> str:
    return state.strip().lower()


def queue_key(clock: SlaClock, now: datetime, number: int) -> tuple[float, int]:
    """Where a ticket goes in the queue: least time left first, no deadline last, then by number."""
    left = clock.time_left(now)
    return (left.total_seconds() if left is not None else float("inf"), number)


def describe_policy(policy: SlaPolicy) -> str:
    """The rule in force, in words, for the header: "48 h calendar" or "48 business hours, Europe/London"."""
    hours = f"{policy.target_hours:g}"
    if policy.is_business:
        unit = "business hour" if policy.target_hours == 1 else "business hours"
        return f"{hours} {unit}, {policy.timezone}"
    return f"{hours} h calendar"


_TWO = tuple(f"{i:02d}" for i in range(100))


def format_time_left(left: timedelta | None) -> str:
    """``1d 04:12``, ``04:12:09`` or ``2:10 late``: short, fixed-ish width, readable at a glance.

    Seconds are floored, so a clock a fraction of a second past its deadline already reads late.
    Written for the tick: it runs for every visible row every second, so it avoids format specs.
    """
    if left is None:
        return "—"
    days, seconds = left.days, left.seconds  # normalised: 0 <= seconds < 86400, whatever the sign
    if days < 0:
        hours, rest = divmod(-(days * 86400 + seconds), 3600)
        return f"{hours}:{_TWO[rest // 60]} late"
    hours, rest = divmod(seconds, 3600)
    if days:
        return f"{days}d {_TWO[hours]}:{_TWO[rest // 60]}"
    return f"{_TWO[hours]}:{_TWO[rest // 60]}:{_TWO[rest % 60]}"
