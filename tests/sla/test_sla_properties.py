"""Hypothesis properties of the SLA clock, over random policies, zones and instants near DST changes.

Decided edge: a business deadline lies inside a window or exactly on its closing edge, ``(start, end]``
(time that runs out at 17:30 is due at 17:30). It is never at an opening edge, since targets are > 0.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from supportdesk_tui.domain.business_time import DAY_NAMES
from supportdesk_tui.domain.sla import (
    SlaPolicy,
    SlaStatus,
    StateEvent,
    TicketHistory,
    business_calendar,
    sla_cycles,
)

ZONES = ("Europe/London", "America/New_York", "UTC", "Asia/Tokyo", "Australia/Sydney")
DST_CHANGES = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC),
               datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC),
               datetime(2026, 4, 4, 16, tzinfo=UTC), datetime(2026, 10, 3, 16, tzinfo=UTC)]
PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

instants = st.one_of(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.builds(lambda base, minutes: base + timedelta(minutes=minutes),
              st.sampled_from(DST_CHANGES), st.integers(-4 * 24 * 60, 4 * 24 * 60)),
)
durations = st.integers(0, 30 * 24 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def windows(draw: st.DrawFn, earliest_quarter: int = 0) -> tuple[str, ...]:
    """One to three windows on a 15-minute grid, as config strings; ``24:00`` ends are possible."""
    count = draw(st.integers(1, 3))
    result = []
    for _ in range(count):
        start = draw(st.integers(earliest_quarter, 95))
        end = draw(st.integers(start + 1, 96))
        result.append(f"{start // 4:02d}:{start % 4 * 15:02d}-{end // 4:02d}:{end % 4 * 15:02d}")
    return tuple(result)


@st.composite
def business_policies(draw: st.DrawFn, earliest_quarter: int = 0) -> SlaPolicy:
    days = draw(st.lists(st.sampled_from(DAY_NAMES), min_size=1, max_size=7, unique=True))
    holidays = draw(st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30)), max_size=8))
    return SlaPolicy(
        target_hours=draw(st.integers(1, 400)) / 4,
        clock="business",
        timezone=draw(st.sampled_from(ZONES)),
        business_days=tuple(days),
        business_hours=draw(windows(earliest_quarter)),
        holidays=tuple(holidays),
        pause_states=("pending",),
    )


calendar_policies = st.builds(lambda q, zone: SlaPolicy(target_hours=q / 4, timezone=zone,
                                                        pause_states=("pending",)),
                              st.integers(1, 400), st.sampled_from(ZONES))
policies = st.one_of(calendar_policies, business_policies())


@PROPS
@given(policies, instants, durations, durations)
def test_time_left_never_increases_while_running(policy: SlaPolicy, created: datetime,
                                                 first: timedelta, step: timedelta) -> None:
    clock = sla_cycles(TicketHistory(created_at=created), policy)[-1]
    earlier, later = created + first, created + first + step
    left_earlier, left_later = clock.time_left(earlier), clock.time_left(later)
    assert left_earlier is not None and left_later is not None
    assert left_later <= left_earlier
    assert clock.time_left(created) == clock.target


@PROPS
@given(policies, instants, durations, durations)
def test_a_pause_keeps_time_left_unchanged(policy: SlaPolicy, created: datetime, until_pause: timedelta,
                                           paused_for: timedelta) -> None:
    running = sla_cycles(TicketHistory(created_at=created), policy)[-1]
    pause_at = created + until_pause
    paused = sla_cycles(TicketHistory(created_at=created, events=(StateEvent(pause_at, "pending"),)), policy)[-1]
    assert running.deadline is not None
    if pause_at >= running.deadline:
        assert paused.status(pause_at + paused_for) is SlaStatus.BREACHED
        return
    assert paused.status(pause_at + paused_for) is SlaStatus.PAUSED
    assert paused.time_left(pause_at + paused_for) == running.time_left(pause_at)
    # and resuming later picks up exactly where it stopped
    resume_at = pause_at + paused_for
    resumed = sla_cycles(TicketHistory(created_at=created, events=(StateEvent(pause_at, "pending"),
                                                                   StateEvent(resume_at, "opened"))), policy)[-1]
    assert resumed.time_left(resume_at) == running.time_left(pause_at)


@PROPS
@given(calendar_policies, instants, st.sampled_from(ZONES))
def test_calendar_deadline_is_created_plus_target_exactly(policy: SlaPolicy, created: datetime,
                                                           zone: str) -> None:
    local_created = created.astimezone(ZoneInfo(zone))  # inputs in any zone are the same instant
    clock = sla_cycles(TicketHistory(created_at=local_created), policy)[-1]
    assert clock.deadline == created + timedelta(hours=policy.target_hours)
    assert clock.deadline is not None and clock.deadline - local_created == timedelta(hours=policy.target_hours)


@PROPS
@given(business_policies(), instants)
def test_business_deadline_falls_inside_a_window_or_on_its_closing_edge(policy: SlaPolicy,
                                                                        created: datetime) -> None:
    deadline = sla_cycles(TicketHistory(created_at=created), policy)[-1].deadline
    assert deadline is not None and deadline > created
    calendar = business_calendar(policy)
    local_day = deadline.astimezone(calendar.zone).date()
    nearby = [w for d in (local_day - timedelta(days=1), local_day) for w in calendar.windows_on(d)]
    assert any(start < deadline <= end for start, end in nearby)
    assert calendar.between(created, deadline) == timedelta(hours=policy.target_hours)


@PROPS
@given(business_policies(earliest_quarter=16), instants)
def test_business_deadline_in_local_wall_time(policy: SlaPolicy, created: datetime) -> None:
    """An independent check on wall time, for windows after 04:00 (clear of every DST change here)."""
    deadline = sla_cycles(TicketHistory(created_at=created), policy)[-1].deadline
    assert deadline is not None
    local = deadline.astimezone(ZoneInfo(policy.timezone))
    day = local.date()
    wall = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
    if wall == timedelta(0):  # a 24:00 closing edge reads as the next day's midnight
        day, wall = day - timedelta(days=1), timedelta(hours=24)
    assert DAY_NAMES[day.weekday()] in policy.business_days
    assert day not in policy.holidays
    spans = []
    for text in policy.business_hours:
        start, end = (timedelta(hours=int(part[:2]), minutes=int(part[3:])) for part in text.split("-"))
        spans.append((start, end))
    assert any(start < wall <= end for start, end in spans)


@PROPS
@given(st.sampled_from(ZONES), instants, st.integers(1, 800))
def test_a_24_7_business_clock_equals_the_calendar_clock(zone: str, created: datetime, quarters: int) -> None:
    business = SlaPolicy(target_hours=quarters / 4, clock="business", timezone=zone, business_days=DAY_NAMES,
                         business_hours=("00:00-24:00",))
    calendar = SlaPolicy(target_hours=quarters / 4, timezone=zone)
    got = sla_cycles(TicketHistory(created_at=created), business)[-1]
    want = sla_cycles(TicketHistory(created_at=created), calendar)[-1]
    assert got.deadline == want.deadline
    assert got.warn_at == want.warn_at


@PROPS
@given(business_policies(), instants, durations)
def test_add_and_between_are_inverse(policy: SlaPolicy, start: datetime, amount: timedelta) -> None:
    calendar = business_calendar(policy)
    assume(amount > timedelta(0))
    end = calendar.add(start, amount)
    assert calendar.between(start, end) == amount
    assert calendar.add(start, calendar.between(start, end)) == end


@PROPS
@given(business_policies(), instants, durations)
def test_business_time_left_is_business_time_to_the_deadline(policy: SlaPolicy, created: datetime,
                                                             after: timedelta) -> None:
    clock = sla_cycles(TicketHistory(created_at=created), policy)[-1]
    calendar = business_calendar(policy)
    now = created + after
    assert clock.deadline is not None
    expected = calendar.between(now, clock.deadline) if now < clock.deadline else clock.deadline - now
    assert clock.time_left(now) == expected
    thresholds = sorted((w for w in policy.warn_hours if w < policy.target_hours), reverse=True)
    for hours, warn in zip(thresholds, clock.warn_at, strict=True):  # the biggest threshold comes first
        assert warn == calendar.add(created, timedelta(hours=policy.target_hours - hours))


@st.composite
def histories(draw: st.DrawFn) -> TicketHistory:
    """A ticket's observed life: state changes (pauses, closes, reopens, spam) at increasing instants."""
    created = draw(instants)
    at, events = created, []
    for _ in range(draw(st.integers(0, 5))):
        at += draw(durations) / 8
        events.append(StateEvent(at, draw(st.sampled_from(["opened", "pending", "closed", "unread", "spam"]))))
    backlog = draw(st.one_of(st.none(), durations.map(lambda d: created + d / 4)))
    return TicketHistory(created_at=created, events=tuple(events), resolved_by_backlog_at=backlog)


@PROPS
@given(policies, histories(), durations)
def test_a_clock_summary_counts_as_its_clock(policy: SlaPolicy, history: TicketHistory, after: timedelta) -> None:
    """The store keeps summaries so a cold start can count the queue before replaying it: each one must
    give its clock's status at every instant, and change status only at the instants it names."""
    clock = sla_cycles(history, policy)[-1]
    summary = clock.summary()
    now = history.created_at + after / 2
    assert summary.status(now) == clock.status(now)
    for instant in (*clock.status_changes, *summary.status_changes):
        for probe in (instant - timedelta(microseconds=1), instant):
            assert summary.status(probe) == clock.status(probe)
    assert set(summary.status_changes) <= set(clock.status_changes)


@PROPS
@given(policies, histories(), histories(), durations)
def test_running_clocks_rank_by_deadline(policy: SlaPolicy, first: TicketHistory, second: TicketHistory,
                                         after: timedelta) -> None:
    """A cold start picks the top of the queue by stored deadline: for running clocks, in either mode,
    less time left must never go with a later deadline, at any moment after everything recorded (a start
    ranks at its own time, after every event it observed). Before a clock's current run began, business
    time left is still the whole remainder, so the order may differ then (e.g. a Groove clock a few
    seconds ahead of ours); ranking is not claimed there."""
    a, b = (sla_cycles(h, policy)[-1] for h in (first, second))
    assume(a.final is None and b.final is None and a.deadline is not None and b.deadline is not None)
    latest = max(h.created_at for h in (first, second))
    for h in (first, second):
        latest = max([latest, *(e.at for e in h.events), *h.customer_replies])
    now = latest + after
    left: dict[int, timedelta] = {}
    for i, clock in enumerate((a, b)):
        value = clock.time_left(now)
        assert value is not None
        left[i] = value
    if a.deadline < b.deadline:
        assert left[0] <= left[1]
    elif a.deadline == b.deadline:
        assert left[0] == left[1]
