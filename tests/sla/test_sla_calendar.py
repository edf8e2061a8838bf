"""Calendar-mode SLA clock: 48 h is 48 elapsed hours, across weekends and both DST changes.

Also the pure display helpers (format_time_left, describe_policy) and the Ticket-only path of
clock_for, which is what the inbox uses when the store has no history yet.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportdesk_tui.domain.sla import (
    GLYPHS,
    SlaClock,
    SlaPolicy,
    SlaStatus,
    TicketHistory,
    clock_for,
    describe_policy,
    format_time_left,
    sla_cycles,
)
from supportdesk_tui.domain.tickets import Ticket

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = SlaPolicy()


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def clock(created: datetime, policy: SlaPolicy = CALENDAR) -> SlaClock:
    return sla_cycles(TicketHistory(created_at=created), policy)[-1]


@pytest.mark.parametrize(
    ("label", "created", "due_local"),
    [
        ("Friday 17:00 arrival, due Sunday 17:00",
         at(LONDON, 2026, 3, 13, 17, 0), at(LONDON, 2026, 3, 15, 17, 0)),
        ("weekend counts in calendar mode", at(LONDON, 2026, 3, 14, 9, 0), at(LONDON, 2026, 3, 16, 9, 0)),
        ("night arrival", at(LONDON, 2026, 3, 17, 2, 30), at(LONDON, 2026, 3, 19, 2, 30)),
        ("London spring forward: Sat 12:00 GMT + 48 h = Mon 13:00 BST",
         at(LONDON, 2026, 3, 28, 12, 0), at(LONDON, 2026, 3, 30, 13, 0)),
        ("London fall back: Sat 12:00 BST + 48 h = Mon 11:00 GMT",
         at(LONDON, 2026, 10, 24, 12, 0), at(LONDON, 2026, 10, 26, 11, 0)),
        ("New York spring forward: Sat 12:00 EST + 48 h = Mon 13:00 EDT",
         at(NEW_YORK, 2026, 3, 7, 12, 0), at(NEW_YORK, 2026, 3, 9, 13, 0)),
        ("New York fall back: Sat 12:00 EDT + 48 h = Mon 11:00 EST",
         at(NEW_YORK, 2026, 10, 31, 12, 0), at(NEW_YORK, 2026, 11, 2, 11, 0)),
    ],
)
def test_calendar_deadlines(label: str, created: datetime, due_local: datetime) -> None:
    result = clock(created)
    assert result.deadline == due_local, label
    assert result.deadline is not None and result.deadline.tzinfo is UTC
    assert result.deadline - created == timedelta(hours=48)


def test_calendar_deadline_is_not_wall_clock_arithmetic() -> None:
    """The wall-clock trap: adding 48 h to a London-aware datetime across the change is 47 real hours."""
    created = at(LONDON, 2026, 3, 28, 12, 0)
    wall_clock = created + timedelta(hours=48)  # same tzinfo: wall-clock arithmetic, 13:00 -> 12:00 BST
    assert clock(created).deadline != wall_clock
    assert clock(created).deadline == wall_clock + timedelta(hours=1)


@pytest.mark.parametrize(
    ("offset_hours", "expected"),
    [
        (0, SlaStatus.OK),
        (35.99, SlaStatus.OK),
        (36, SlaStatus.AT_RISK),  # 12 h left
        (44, SlaStatus.AT_RISK),  # 4 h left: still "at risk"
        (47.999, SlaStatus.AT_RISK),
        (48, SlaStatus.BREACHED),  # the deadline is the first late instant
        (100, SlaStatus.BREACHED),
    ],
)
def test_status_over_time(offset_hours: float, expected: SlaStatus) -> None:
    created = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    assert clock(created).status(created + timedelta(hours=offset_hours)) is expected


def test_warn_instants_and_time_left() -> None:
    created = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    result = clock(created)
    deadline = created + timedelta(hours=48)
    assert result.warn_at == (deadline - timedelta(hours=12), deadline - timedelta(hours=4))
    assert result.time_left(created + timedelta(hours=1)) == timedelta(hours=47)
    assert result.time_left(deadline + timedelta(minutes=130)) == -timedelta(minutes=130)
    assert result.target == timedelta(hours=48)
    assert result.started_at == created


def test_warn_hours_not_below_the_target_are_ignored() -> None:
    created = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    result = clock(created, SlaPolicy(target_hours=8, warn_hours=(12, 4)))
    assert result.warn_at == (created + timedelta(hours=4),)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (None, "—"),
        (timedelta(0), "00:00:00"),
        (timedelta(milliseconds=900), "00:00:00"),
        (timedelta(hours=4, minutes=12, seconds=9), "04:12:09"),
        (timedelta(hours=23, minutes=59, seconds=59), "23:59:59"),
        (timedelta(hours=24), "1d 00:00"),
        (timedelta(days=1, hours=4, minutes=12, seconds=30), "1d 04:12"),
        (timedelta(days=12, hours=1, minutes=2), "12d 01:02"),
        (-timedelta(milliseconds=500), "0:00 late"),
        (-timedelta(hours=2, minutes=10), "2:10 late"),
        (-timedelta(hours=2, minutes=10, seconds=59), "2:10 late"),
        (-timedelta(hours=30), "30:00 late"),
    ],
)
def test_format_time_left(left: timedelta | None, text: str) -> None:
    assert format_time_left(left) == text


@pytest.mark.parametrize(
    ("policy", "text"),
    [
        (SlaPolicy(), "48 h calendar"),
        (SlaPolicy(target_hours=8.5), "8.5 h calendar"),
        (SlaPolicy(clock="business"), "48 business hours, Europe/London"),
        (SlaPolicy(clock="business", target_hours=1, timezone="America/New_York"),
         "1 business hour, America/New_York"),
    ],
)
def test_describe_policy(policy: SlaPolicy, text: str) -> None:
    assert describe_policy(policy) == text


def test_every_status_has_a_glyph_and_a_word() -> None:
    assert set(GLYPHS) == set(SlaStatus)
    assert len(set(GLYPHS.values())) == len(SlaStatus)


def ticket(state: str, *, created: datetime, updated: datetime, changed: datetime | None = None) -> Ticket:
    return Ticket(number=7, title="t", state=state, created_at=created, updated_at=updated,
                  state_changed_at=changed)


CREATED = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "updated_hours", "policy", "status", "left"),
    [
        ("opened", 5, CALENDAR, SlaStatus.OK, timedelta(hours=46)),
        ("closed", 10, CALENDAR, SlaStatus.MET, timedelta(hours=38)),
        ("closed", 50, CALENDAR, SlaStatus.BREACHED, -timedelta(hours=2)),
        ("spam", 1, CALENDAR, SlaStatus.CANCELLED, None),
        ("deleted", 1, CALENDAR, SlaStatus.CANCELLED, None),
        ("pending", 6, SlaPolicy(pause_states=("pending",)), SlaStatus.PAUSED, timedelta(hours=42)),
        ("pending", 6, CALENDAR, SlaStatus.OK, timedelta(hours=46)),
    ],
)
def test_clock_for_a_ticket_without_history(state: str, updated_hours: float, policy: SlaPolicy,
                                            status: SlaStatus, left: timedelta | None) -> None:
    t = ticket(state, created=CREATED, updated=CREATED + timedelta(hours=updated_hours))
    result = clock_for(t, policy)
    now = CREATED + timedelta(hours=2)
    if status in (SlaStatus.OK, SlaStatus.AT_RISK):
        assert result.status(now) is status
        assert result.time_left(now) == left
    else:
        later = CREATED + timedelta(days=30)
        assert result.status(later) is status
        assert result.time_left(later) == left


def test_clock_for_prefers_state_changed_at_over_updated_at() -> None:
    t = ticket("closed", created=CREATED, updated=CREATED + timedelta(hours=60),
               changed=CREATED + timedelta(hours=20))
    result = clock_for(t, CALENDAR)
    assert result.status(CREATED + timedelta(days=5)) is SlaStatus.MET
    assert result.resolved_at == CREATED + timedelta(hours=20)
