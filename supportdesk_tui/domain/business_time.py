"""Business time: working days, one or more windows a day, holidays, in one IANA time zone.

Why this is its own module: every rule about *when the desk is open* lives here, so the SLA rules in
:mod:`supportdesk_tui.domain.sla` only ever ask two questions, "when has ``amount`` of business time
passed after ``start``?" (:meth:`BusinessCalendar.add`) and "how much business time lies between two
instants?" (:meth:`BusinessCalendar.between`).

Rules (the README repeats them):

* All instants in and out are aware UTC datetimes. Local wall time is used only to *build* each day's
  windows: the configured wall times of that local date are converted to UTC one by one, so a
  09:00-17:30 window stays 09:00-17:30 on both sides of a clock change, and the 23- and 25-hour days
  come out right without special cases (doing ``local + timedelta`` would be wall-clock arithmetic,
  the trap where 48 wall-clock hours across a change are 47 or 49 real ones).
* Windows are half-open ``[start, end)``; ``24:00`` is allowed as an end and means the next local
  midnight, so a ``00:00-24:00`` calendar never loses a minute. Overlapping or touching windows of one
  day are merged.
* A window edge at a wall time that does not exist (the hour skipped in spring) is the instant the
  clocks jump, i.e. the first real instant whose wall time is at or after the edge. A window edge at a
  wall time that happens twice (the hour repeated in autumn) is its *first* occurrence. A window that
  falls wholly inside a skipped hour vanishes.
* A holiday removes every window of that local date (partial-day holidays are not modelled).
* :meth:`BusinessCalendar.add` returns the instant the business time runs out. For a positive amount
  that instant lies inside a window or exactly on its closing edge: 1 business hour from Fri 16:30 with
  a 09:00-17:30 window is Fri 17:30 (not the next opening), from Fri 17:00 it is Mon 09:30.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names as the config spells them, in ``date.weekday()`` order."""

MAX_CLOSED_DAYS = 3700
"""How many local days in a row may have no window before a search gives up (about ten years).

A calendar whose every day is a holiday would otherwise make :meth:`BusinessCalendar.add` loop forever.
"""

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)

Window = tuple[datetime, datetime]
"""One business window as UTC instants, ``[start, end)``."""


def parse_window(text: str) -> tuple[int, int]:
    """``"09:00-17:30"`` as minutes after local midnight, ``(540, 1050)``; ``24:00`` is allowed as an end."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"business window {text!r} is not like '09:00-17:30'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"business window {text!r} has an impossible time")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise ValueError(f"business window {text!r} must end after it starts")
    return start, end


def merge_minutes(windows: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort a day's windows and merge any that overlap or touch."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def local_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time, with the gap and fold rules of this module.

    Skipped wall time (spring gap): the instant the clocks jump. Repeated wall time (autumn fold): the
    first occurrence. PEP 495 gives, inside a gap, ``fold=0`` the offset from before the jump and
    ``fold=1`` the one after, so the two readings come out in the "wrong" order there; that is how a
    gap is recognised.
    """
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first <= second:
        return first  # ordinary time (equal) or the repeated hour (first occurrence)
    # In the gap: the jump lies in (second, first]. Offsets change on whole seconds in tzdata.
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    lo, hi = int(second.timestamp()), int(first.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The business windows a running clock still has to use, clipped to its deadline.

    Built once per clock so that "how much business time is left at ``now``" is a bisect and a
    subtraction, cheap enough for a once-a-second tick over thousands of rows.
    """

    deadline: datetime
    starts: tuple[datetime, ...]
    ends: tuple[datetime, ...]
    left_from_start: tuple[timedelta, ...]
    """Business time left at ``starts[i]``: window ``i`` and everything after it."""
    left_after: tuple[timedelta, ...]
    """Business time left at ``ends[i]``: everything after window ``i``."""

    def when_left(self, amount: timedelta) -> datetime | None:
        """The first instant at which exactly ``amount`` is left; None if that much is never left."""
        if amount >= self.left_from_start[0]:
            return None
        for i, left in enumerate(self.left_after):
            if left <= amount:
                return self.ends[i] - (amount - left)
        raise AssertionError("unreachable: nothing is left after the last window")  # pragma: no cover

    def left_at(self, now: datetime) -> timedelta:
        """Business time left at ``now``; past the deadline, minus the real time since it."""
        if now >= self.deadline:
            return self.deadline - now
        i = bisect_right(self.ends, now)  # first window still open after now
        if now <= self.starts[i]:
            return self.left_from_start[i]
        return self.left_after[i] + (self.ends[i] - now)


class BusinessCalendar:
    """When the desk is open, and business-time arithmetic over it.

    Windows are generated per local date (cached) and laid end to end in one sorted index with the
    running total of business time before each window, so :meth:`add` and :meth:`between` are a bisect
    and a subtraction instead of a walk over days. The index grows forward a year at a time as queries
    reach further, and is rebuilt (rarely) when a query reaches before its start.
    """

    _CHUNK_DAYS = 366

    def __init__(self, timezone: str, business_days: Iterable[str], business_hours: Iterable[str],
                 holidays: Iterable[date] = ()) -> None:
        self.zone = ZoneInfo(timezone)
        days: set[int] = set()
        for name in business_days:
            key = name.strip().lower()[:3]
            if key not in DAY_NAMES:
                raise ValueError(f"business day {name!r} is not one of {', '.join(DAY_NAMES)}")
            days.add(DAY_NAMES.index(key))
        self.weekdays = frozenset(days)
        self.minutes = merge_minutes(parse_window(w) for w in business_hours)
        self.holidays = frozenset(holidays)
        self._by_day: dict[date, tuple[Window, ...]] = {}
        self._lock = threading.RLock()  # one calendar is shared by every clock of a policy
        # The index: windows of local dates [_first_day, _next_day), in order, never overlapping.
        self._first_day: date | None = None
        self._next_day: date | None = None
        self._last_open_day: date | None = None
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        self._cum_start: list[timedelta] = []  # business time before window i (from the index start)
        self._cum_end: list[timedelta] = []  # ... and up to its end

    @property
    def has_hours(self) -> bool:
        """False when no day or no window is configured: such a calendar can never count time."""
        return bool(self.weekdays and self.minutes)

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The windows of one local date as UTC instants (empty on closed days and holidays)."""
        cached = self._by_day.get(day)
        if cached is not None:
            return cached
        windows: list[Window] = []
        if day.weekday() in self.weekdays and day not in self.holidays:
            midnight = datetime(day.year, day.month, day.day)
            for start_min, end_min in self.minutes:
                start = local_to_utc(midnight + timedelta(minutes=start_min), self.zone)
                end = local_to_utc(midnight + timedelta(minutes=end_min), self.zone)
                if start >= end:
                    continue  # wholly inside a skipped hour
                if windows and start <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
                else:
                    windows.append((start, end))
        result = tuple(windows)
        self._by_day[day] = result
        return result

    # -- the index ---------------------------------------------------------------------------------

    def _local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def _build(self, first: date, until: date) -> None:
        """(Re)build the index over local dates ``[first, until)``."""
        self._first_day = self._next_day = first
        self._last_open_day = None
        self._starts, self._ends, self._cum_start, self._cum_end = [], [], [], []
        self._extend(until)

    def _extend(self, until: date) -> None:
        assert self._next_day is not None
        day = self._next_day
        total = self._cum_end[-1] if self._cum_end else _ZERO
        while day < until:
            for start, end in self.windows_on(day):
                self._starts.append(start)
                self._ends.append(end)
                self._cum_start.append(total)
                total += end - start
                self._cum_end.append(total)
                self._last_open_day = day
            day += _ONE_DAY
        self._next_day = day

    def _cover(self, instant: datetime) -> None:
        """Make sure the index holds every window of the local dates around ``instant``."""
        if not self.has_hours:
            raise ValueError("the business calendar has no working days or no hours")
        day = self._local_day(instant)
        # One day either side: a window of the previous local date can never end after local midnight,
        # but the margin removes any doubt around midnight folds and gaps.
        if self._first_day is None or day - _ONE_DAY < self._first_day:
            old_next = self._next_day or day
            self._build(day - timedelta(days=7), max(old_next, day + timedelta(days=self._CHUNK_DAYS)))
        assert self._next_day is not None
        if day + _ONE_DAY >= self._next_day:
            self._extend(day + timedelta(days=self._CHUNK_DAYS))

    def _grow(self) -> None:
        """Add another chunk of days; refuse when the calendar has had no window for too long."""
        assert self._next_day is not None and self._first_day is not None
        since = self._last_open_day or self._first_day
        if (self._next_day - since).days > MAX_CLOSED_DAYS:
            raise ValueError(f"no business window in {MAX_CLOSED_DAYS} days after {since}")
        self._extend(self._next_day + timedelta(days=self._CHUNK_DAYS))

    def _first_ending_after(self, instant: datetime) -> int:
        """Index of the first window that ends after ``instant`` (growing the index as needed)."""
        self._cover(instant)
        i = bisect_right(self._ends, instant)
        while i == len(self._ends):
            self._grow()
            i = bisect_right(self._ends, instant)
        return i

    def _cum(self, instant: datetime) -> timedelta:
        """Business time from the start of the index to ``instant`` (covered by the caller)."""
        j = bisect_right(self._starts, instant) - 1
        if j < 0:
            return _ZERO
        return self._cum_start[j] + (min(instant, self._ends[j]) - self._starts[j])

    # -- queries -----------------------------------------------------------------------------------

    def windows_from(self, instant: datetime) -> Iterator[Window]:
        """Every window that ends after ``instant``, in order (the first may contain it). Endless."""
        after = instant
        while True:
            with self._lock:
                i = self._first_ending_after(after)
                window = self._starts[i], self._ends[i]
            yield window
            after = window[1]

    def is_open(self, instant: datetime) -> bool:
        """Whether ``instant`` lies inside a window ``[start, end)``."""
        with self._lock:
            return self._starts[self._first_ending_after(instant)] <= instant

    def next_opening(self, instant: datetime) -> datetime:
        """``instant`` itself when the desk is open then, else the start of the next window."""
        with self._lock:
            return max(self._starts[self._first_ending_after(instant)], instant)

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which ``amount`` of business time, counted from ``start``, has passed.

        For a positive amount that is the first instant it is reached, so time running out exactly at
        a closing edge is due at that edge. A zero amount gives :meth:`next_opening`.
        """
        if amount < _ZERO:
            raise ValueError("business time cannot be added backwards")
        with self._lock:
            i = self._first_ending_after(start)
            if amount == _ZERO:
                return max(self._starts[i], start)
            target = self._cum(start) + amount
            while self._cum_end[-1] < target:
                self._grow()
            k = bisect_left(self._cum_end, target, lo=i)
            return self._starts[k] + (target - self._cum_start[k])

    def between(self, begin: datetime, end: datetime) -> timedelta:
        """Business time inside ``[begin, end)``; zero when ``end`` is not after ``begin``."""
        if end <= begin:
            return _ZERO
        with self._lock:
            self._cover(begin)
            self._cover(end)
            return self._cum(end) - self._cum(begin)

    def schedule(self, start: datetime, amount: timedelta) -> Schedule:
        """The clipped windows that ``amount`` (> 0) of business time from ``start`` will use."""
        if amount <= _ZERO:
            raise ValueError("a schedule needs a positive amount of business time")
        with self._lock:
            deadline = self.add(start, amount)
            first = self._first_ending_after(start)
            last = bisect_left(self._ends, deadline, lo=first)  # the window the deadline falls in (or ends)
            starts = self._starts[first:last + 1]
            ends = self._ends[first:last + 1]
            total = self._cum_start[last] + (deadline - self._starts[last])
            left_from_start = [total - c for c in self._cum_start[first:last + 1]]
            left_after = [total - c for c in self._cum_end[first:last + 1]]
            if start > starts[0]:
                starts[0] = start
                left_from_start[0] = total - self._cum(start)
            ends[-1] = deadline
            left_after[-1] = _ZERO
        return Schedule(deadline, tuple(starts), tuple(ends), tuple(left_from_start), tuple(left_after))


@lru_cache(maxsize=32)
def calendar_for(timezone: str, business_days: tuple[str, ...], business_hours: tuple[str, ...],
                 holidays: tuple[date, ...]) -> BusinessCalendar:
    """One shared calendar per distinct schedule, so its per-day window cache is reused by every clock."""
    return BusinessCalendar(timezone, business_days, business_hours, holidays)
