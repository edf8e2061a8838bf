"""Business-mode SLA clock: working days, split windows, holidays, night arrivals and both DST changes.

Times are written as local wall times of the policy's zone; every expected instant was worked out by
hand from the rule "count only time inside the windows, starting at the next opening".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportdesk_tui.domain.business_time import (
    DAY_NAMES,
    BusinessCalendar,
    local_to_utc,
    merge_minutes,
    parse_window,
)
from supportdesk_tui.domain.sla import (
    SlaClock,
    SlaPolicy,
    SlaStatus,
    TicketHistory,
    business_calendar,
    sla_cycles,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def ldn(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def nyc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def policy(target: float = 48, **kwargs: object) -> SlaPolicy:
    return SlaPolicy(target_hours=target, clock="business", **kwargs)  # type: ignore[arg-type]


def clock(created: datetime, pol: SlaPolicy) -> SlaClock:
    return sla_cycles(TicketHistory(created_at=created), pol)[-1]


XMAS = (date(2026, 12, 25), date(2026, 12, 28))
LUNCH = ("09:00-12:30", "13:30-17:30")
NY = "America/New_York"

CASES = [
    # label, policy, created, expected deadline
    ("Fri 17:00 + 48 bh = Monday after next 14:00", policy(), ldn(2026, 3, 13, 17), ldn(2026, 3, 23, 14)),
    ("Fri 17:00 + 17 bh ('two business days') = Tue 17:00", policy(17), ldn(2026, 3, 13, 17),
     ldn(2026, 3, 17, 17)),
    ("chatwoot #13392: 09-17 window, Fri 16:30 + 1 bh = Mon 09:30",
     policy(1, business_hours=("09:00-17:00",)), ldn(2026, 3, 13, 16, 30), ldn(2026, 3, 16, 9, 30)),
    ("time running out at closing is due at closing, not next morning", policy(1), ldn(2026, 3, 13, 16, 30),
     ldn(2026, 3, 13, 17, 30)),
    ("Saturday arrival starts Monday 09:00", policy(1), ldn(2026, 3, 14, 10), ldn(2026, 3, 16, 10)),
    ("Sunday night arrival", policy(1), ldn(2026, 3, 15, 23, 59), ldn(2026, 3, 16, 10)),
    ("arrival at 02:00 starts at 09:00", policy(1), ldn(2026, 3, 17, 2), ldn(2026, 3, 17, 10)),
    ("arrival at 22:00 starts next morning", policy(1), ldn(2026, 3, 17, 22), ldn(2026, 3, 18, 10)),
    ("arrival exactly at opening", policy(8.5), ldn(2026, 3, 17, 9), ldn(2026, 3, 17, 17, 30)),
    ("arrival exactly at closing starts next morning", policy(1), ldn(2026, 3, 17, 17, 30),
     ldn(2026, 3, 18, 10)),
    ("holidays Fri 25 and Mon 28 Dec are skipped", policy(17, holidays=XMAS), ldn(2026, 12, 24, 17),
     ldn(2026, 12, 30, 17)),
    ("arrival on a holiday starts at the next working opening", policy(1, holidays=XMAS),
     ldn(2026, 12, 25, 10), ldn(2026, 12, 29, 10)),
    ("lunch break is not counted", policy(1, business_hours=LUNCH), ldn(2026, 3, 16, 12), ldn(2026, 3, 16, 14)),
    ("arrival during lunch starts at 13:30", policy(1, business_hours=LUNCH), ldn(2026, 3, 16, 12, 45),
     ldn(2026, 3, 16, 14, 30)),
    ("running out at lunch is due at 12:30", policy(0.5, business_hours=LUNCH), ldn(2026, 3, 16, 12),
     ldn(2026, 3, 16, 12, 30)),
    ("48 bh with 7.5 h days", policy(48, business_hours=LUNCH), ldn(2026, 3, 16, 9), ldn(2026, 3, 24, 12)),
    ("London spring: Fri 17:00 GMT + 1 bh = Mon 09:30 BST", policy(1), ldn(2026, 3, 27, 17),
     utc(2026, 3, 30, 8, 30)),
    ("London autumn: Fri 17:00 BST + 1 bh = Mon 09:30 GMT", policy(1), ldn(2026, 10, 23, 17),
     utc(2026, 10, 26, 9, 30)),
    ("New York spring: Fri 17:00 EST + 1 bh = Mon 09:30 EDT", policy(1, timezone=NY), nyc(2026, 3, 6, 17),
     utc(2026, 3, 9, 13, 30)),
    ("New York autumn: Fri 17:00 EDT + 1 bh = Mon 09:30 EST", policy(1, timezone=NY), nyc(2026, 10, 30, 17),
     utc(2026, 11, 2, 14, 30)),
    ("New York 48 bh across the spring change", policy(48, timezone=NY), nyc(2026, 3, 6, 17),
     nyc(2026, 3, 16, 14)),
]


@pytest.mark.parametrize(("label", "pol", "created", "due"), CASES, ids=[c[0] for c in CASES])
def test_business_deadlines(label: str, pol: SlaPolicy, created: datetime, due: datetime) -> None:
    result = clock(created, pol)
    assert result.deadline == due
    assert result.time_left(created) == timedelta(hours=pol.target_hours)
    assert result.status(due - timedelta(microseconds=1)) is not SlaStatus.BREACHED
    assert result.status(due) is SlaStatus.BREACHED


def test_monday_window_opens_at_0800_utc_in_summer() -> None:
    cal = business_calendar(policy())
    assert cal.next_opening(ldn(2026, 3, 27, 17, 30)) == utc(2026, 3, 30, 8, 0)
    assert cal.windows_on(date(2026, 3, 30)) == ((utc(2026, 3, 30, 8), utc(2026, 3, 30, 16, 30)),)
    assert cal.windows_on(date(2026, 3, 27)) == ((utc(2026, 3, 27, 9), utc(2026, 3, 27, 17, 30)),)
    assert cal.windows_on(date(2026, 3, 28)) == ()  # Saturday


def test_real_time_over_the_changed_weekend() -> None:
    """Fri 17:00 GMT to Mon 09:30 BST is 63.5 real hours (the Sunday had 23)."""
    created = ldn(2026, 3, 27, 17)
    due = clock(created, policy(1)).deadline
    assert due is not None and due - created == timedelta(hours=63, minutes=30)


ALL_DAY = {"business_days": DAY_NAMES, "business_hours": ("00:00-24:00",)}


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/London", date(2026, 3, 29), 23),
        ("Europe/London", date(2026, 10, 25), 25),
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("Europe/London", date(2026, 3, 30), 24),
    ],
)
def test_23_and_25_hour_days(zone: str, day: date, hours: int) -> None:
    cal = BusinessCalendar(zone, DAY_NAMES, ("00:00-24:00",))
    (start, end), = cal.windows_on(day)
    assert end - start == timedelta(hours=hours)
    # and a clock that starts at that local midnight needs exactly that many business hours for it
    due = clock(start, policy(hours, timezone=zone, **ALL_DAY)).deadline  # type: ignore[arg-type]
    assert due == end


@pytest.mark.parametrize(
    ("zone", "window", "day", "expected"),
    [
        # spring gap: an edge in the skipped hour is the instant the clocks jump
        ("Europe/London", "01:30-03:00", date(2026, 3, 29), (utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))),
        ("America/New_York", "02:30-04:00", date(2026, 3, 8), (utc(2026, 3, 8, 7), utc(2026, 3, 8, 8))),
        # autumn fold: an edge in the repeated hour is its first occurrence
        ("Europe/London", "01:30-03:00", date(2026, 10, 25), (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3))),
        ("America/New_York", "01:30-02:30", date(2026, 11, 1),
         (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7, 30))),
        # the same window on an ordinary day
        ("Europe/London", "01:30-03:00", date(2026, 3, 30), (utc(2026, 3, 30, 0, 30), utc(2026, 3, 30, 2))),
    ],
)
def test_window_edges_in_dst_gaps_and_folds(zone: str, window: str, day: date,
                                            expected: tuple[datetime, datetime]) -> None:
    cal = BusinessCalendar(zone, DAY_NAMES, (window,))
    assert cal.windows_on(day) == (expected,)


def test_window_wholly_inside_the_skipped_hour_vanishes() -> None:
    cal = BusinessCalendar("Europe/London", DAY_NAMES, ("01:15-01:45", "09:00-10:00"))
    assert cal.windows_on(date(2026, 3, 29)) == ((utc(2026, 3, 29, 8), utc(2026, 3, 29, 9)),)
    assert len(cal.windows_on(date(2026, 3, 28))) == 2


def test_local_to_utc_rules() -> None:
    assert local_to_utc(datetime(2026, 3, 29, 1, 30), LONDON) == utc(2026, 3, 29, 1)
    assert local_to_utc(datetime(2026, 10, 25, 1, 30), LONDON) == utc(2026, 10, 25, 0, 30)
    assert local_to_utc(datetime(2026, 7, 1, 9, 0), LONDON) == utc(2026, 7, 1, 8)
    assert local_to_utc(datetime(2026, 1, 1, 9, 0), NEW_YORK) == utc(2026, 1, 1, 14)


def test_time_left_stands_still_outside_hours() -> None:
    result = clock(ldn(2026, 3, 13, 9), policy())  # Friday 09:00
    left_fri_close = result.time_left(ldn(2026, 3, 13, 17, 30))
    assert left_fri_close == timedelta(hours=39, minutes=30)
    for now in (ldn(2026, 3, 13, 20), ldn(2026, 3, 14, 12), ldn(2026, 3, 16, 9)):
        assert result.time_left(now) == left_fri_close
    assert result.time_left(ldn(2026, 3, 16, 10)) == timedelta(hours=38, minutes=30)
    assert result.time_left(ldn(2026, 3, 16, 10, 0, 1)) == timedelta(hours=38, minutes=29, seconds=59)


def test_time_left_skips_the_lunch_break() -> None:
    result = clock(ldn(2026, 3, 16, 9), policy(10, business_hours=LUNCH))
    assert result.time_left(ldn(2026, 3, 16, 12, 30)) == timedelta(hours=6, minutes=30)
    assert result.time_left(ldn(2026, 3, 16, 13)) == timedelta(hours=6, minutes=30)
    assert result.time_left(ldn(2026, 3, 16, 14)) == timedelta(hours=6)
    assert result.time_left(ldn(2026, 3, 16, 17, 30)) == timedelta(hours=2, minutes=30)


def test_late_time_in_business_mode_is_real_time() -> None:
    result = clock(ldn(2026, 3, 13, 16, 30), policy(1))  # due Fri 17:30
    assert result.time_left(ldn(2026, 3, 16, 9, 0)) == -timedelta(hours=63, minutes=30)


def test_warn_thresholds_are_counted_in_business_hours() -> None:
    result = clock(ldn(2026, 3, 13, 17), policy())  # due Mon 23 Mar 14:00
    assert result.warn_at == (ldn(2026, 3, 20, 10, 30), ldn(2026, 3, 23, 10))
    assert result.status(ldn(2026, 3, 20, 10, 29)) is SlaStatus.OK
    assert result.status(ldn(2026, 3, 20, 10, 30)) is SlaStatus.AT_RISK
    assert result.status(ldn(2026, 3, 22, 12)) is SlaStatus.AT_RISK  # the weekend before the deadline
    assert result.time_left(ldn(2026, 3, 22, 12)) == timedelta(hours=5)


def test_between_and_add_agree() -> None:
    cal = business_calendar(policy(holidays=XMAS, business_hours=LUNCH))
    start = ldn(2026, 12, 23, 11)
    due = cal.add(start, timedelta(hours=20))
    assert cal.between(start, due) == timedelta(hours=20)
    assert cal.between(due, start) == timedelta(0)
    assert cal.is_open(ldn(2026, 12, 23, 11)) and not cal.is_open(ldn(2026, 12, 23, 13))
    assert not cal.is_open(ldn(2026, 12, 25, 11))


def test_policy_calendar_is_built_once() -> None:
    assert business_calendar(policy()) is business_calendar(policy(24))


def test_business_clock_without_hours_falls_back_to_calendar_with_a_note() -> None:
    created = utc(2026, 3, 16, 9)
    result = clock(created, policy(business_days=()))
    assert result.deadline == created + timedelta(hours=48)
    assert any("no working days" in note for note in result.notes)


@pytest.mark.parametrize("text", ["9-17", "09:00-08:00", "09:00-09:00", "25:00-26:00", "09:00-24:30", "09:60-10:00"])
def test_bad_windows_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_window(text)


def test_windows_parse_and_merge() -> None:
    assert parse_window("09:00-24:00") == (540, 1440)
    assert merge_minutes([(780, 900), (540, 720), (700, 800), (900, 960)]) == ((540, 960),)
    cal = BusinessCalendar("Europe/London", ("Mon",), ("09:00-12:00", "11:00-13:00"))
    assert cal.windows_on(date(2026, 3, 16)) == ((utc(2026, 3, 16, 9), utc(2026, 3, 16, 13)),)


def test_a_calendar_of_only_holidays_gives_up_instead_of_hanging() -> None:
    cal = BusinessCalendar("UTC", ("mon",), ("09:00-10:00",))
    with pytest.raises(ValueError):
        BusinessCalendar("UTC", ("xyz",), ("09:00-10:00",))
    assert cal.add(utc(2026, 3, 17), timedelta(hours=1)) == utc(2026, 3, 23, 10)
    empty = BusinessCalendar("UTC", (), ("09:00-10:00",))
    with pytest.raises(ValueError):
        empty.add(utc(2026, 3, 17), timedelta(hours=1))


def test_the_calendar_index_grows_both_ways_and_stays_right() -> None:
    """Queries far before and after the first one rebuild or extend the index; answers don't change."""
    args = ("Europe/London", ("mon", "tue", "wed", "thu", "fri"), LUNCH, XMAS)
    grown = BusinessCalendar(*args)
    queries = [ldn(2026, 12, 24, 11), ldn(2021, 6, 1, 8), ldn(2031, 3, 30, 12), ldn(2026, 12, 24, 11)]
    for start in queries:
        fresh = BusinessCalendar(*args)
        assert grown.add(start, timedelta(hours=500)) == fresh.add(start, timedelta(hours=500))
        assert grown.between(start, start + timedelta(days=900)) == fresh.between(start, start + timedelta(days=900))
        assert list(zip(range(3), grown.windows_from(start), strict=False)) == list(
            zip(range(3), fresh.windows_from(start), strict=False))
