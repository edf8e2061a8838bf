"""The week's SLA figures, for the Week panel and the triage handover.

A week is an ISO week (``"2026-W48"``) in the policy's time zone: local Monday 00:00 to the next local
Monday 00:00, converted to UTC, so a week that contains a clock change is 167 or 169 hours long.

Each figure counts one kind of event by the week *the event happened in*, as of ``now`` (events after
``now`` are not counted yet). The unit is one clock (:func:`~supportdesk_tui.domain.sla.sla_cycles`):
a ticket has one clock, plus one more per reopen.

* ``received``: tickets created in the week. ``reopened``: clocks started by a reopen in the week.
* ``resolved_in_time``: clocks resolved (closed or backlogged) in the week before their deadline.
* ``breached``: clocks whose deadline passed unresolved in the week. Sticky: a ticket that breached
  on Tuesday and was closed on Wednesday stays in Tuesday's week as breached, and is never counted as
  resolved in time. It still counts as ``fixed`` in the week it was closed.
* ``backlogged`` / ``fixed``: clocks resolved in the week by a backlog card / by closing, in time or late.
* ``cancelled``: clocks ended in the week by spam or delete (and so in neither met nor breached).
* ``open``: clocks still unresolved at the end of the week (or at ``now`` for the current week).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from supportdesk_tui.domain.business_time import local_to_utc
from supportdesk_tui.domain.sla import (
    RESOLVED_BACKLOG,
    RESOLVED_CANCELLED,
    RESOLVED_CLOSED,
    SlaClock,
    SlaPolicy,
    SlaStatus,
    TicketHistory,
    sla_cycles,
)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True)
class WeekFigures:
    """One ISO week's counts (see the module docstring for exactly what each one counts)."""

    week: str
    received: int = 0
    reopened: int = 0
    resolved_in_time: int = 0
    breached: int = 0
    backlogged: int = 0
    fixed: int = 0
    cancelled: int = 0
    open: int = 0

    def as_dict(self) -> dict[str, int | str]:
        """Plain values for the store to keep for the handover."""
        return asdict(self)


def parse_week(week: str) -> tuple[int, int]:
    """``"2026-W48"`` as ``(2026, 48)``; raises ValueError for a malformed or impossible week."""
    match = _WEEK.match(week.strip())
    if not match:
        raise ValueError(f"week {week!r} is not like '2026-W48'")
    year, number = int(match.group(1)), int(match.group(2))
    date.fromisocalendar(year, number, 1)  # raises for week 0, or 53 in a 52-week year
    return year, number


def week_bounds(week: str, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants of local Monday 00:00 of ``week`` and of the Monday after."""
    year, number = parse_week(week)
    monday = date.fromisocalendar(year, number, 1)
    zone = ZoneInfo(timezone)
    start = local_to_utc(datetime(monday.year, monday.month, monday.day), zone)
    nxt = monday + timedelta(days=7)
    end = local_to_utc(datetime(nxt.year, nxt.month, nxt.day), zone)
    return start, end


def iso_week(instant: datetime, timezone: str) -> str:
    """The ISO week (``"2026-W48"``) that ``instant`` falls in, in the given zone."""
    year, number, _day = instant.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year:04d}-W{number:02d}"


def tally_week(week: str, clocks: Iterable[SlaClock], timezone: str, now: datetime) -> WeekFigures:
    """Count already-computed clocks (every cycle of every ticket) into one week's figures.

    Clocks without ``started_at`` (built by hand, not by :func:`sla_cycles`) are skipped.
    """
    start, end = week_bounds(week, timezone)
    now = now.astimezone(UTC)
    cutoff = min(end, now)

    def within(instant: datetime | None) -> bool:
        return instant is not None and start <= instant < end and instant <= now

    counts = dict.fromkeys(("received", "reopened", "resolved_in_time", "breached", "backlogged", "fixed",
                            "cancelled", "open"), 0)
    for clock in clocks:
        if clock.started_at is None:
            continue
        if within(clock.started_at):
            counts["reopened" if clock.reopened else "received"] += 1
        if within(clock.breach_time(now)):
            counts["breached"] += 1
        if within(clock.resolved_at):
            if clock.final is SlaStatus.MET:
                counts["resolved_in_time"] += 1
            if clock.resolution == RESOLVED_BACKLOG:
                counts["backlogged"] += 1
            elif clock.resolution == RESOLVED_CLOSED:
                counts["fixed"] += 1
            elif clock.resolution == RESOLVED_CANCELLED:
                counts["cancelled"] += 1
        if clock.started_at < cutoff and (clock.resolved_at is None or clock.resolved_at >= cutoff):
            counts["open"] += 1
    return WeekFigures(week=week, **counts)


def week_figures(week: str, histories: Iterable[TicketHistory], policy: SlaPolicy, now: datetime) -> WeekFigures:
    """One week's figures from the tickets' histories, recomputed on read with ``policy``.

    Feed it every ticket that may have had an event in the week (created, reopened, breached,
    resolved or still open then); tickets with nothing in the week simply add nothing.
    """
    clocks = chain.from_iterable(sla_cycles(history, policy) for history in histories)
    return tally_week(week, clocks, policy.timezone, now)
