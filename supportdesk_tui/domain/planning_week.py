"""ISO weeks and the half-day units a plan counts in, with their labels in words.

Part of the Monday planning values (:mod:`supportdesk_tui.domain.planning` re-exports every name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SLOTS_PER_DAY = 2
WEEK_HALF_DAYS = 5 * SLOTS_PER_DAY

_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------- weeks
@dataclass(frozen=True, order=True, slots=True)
class IsoWeek:
    """One ISO-8601 week ("2026-W48"); plans are per week and weeks sort in time order."""

    year: int
    week: int

    def __post_init__(self) -> None:
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise ValueError(f"{self.year}-W{self.week:02d} is not an ISO week") from None

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2026-W48`` (also ``2026w48``); anything else is a ValueError naming the expected form."""
        match = _WEEK_RE.match(text)
        if not match:
            raise ValueError(f"expected a week like 2026-W48, got {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """The week a date falls in (ISO weeks start on Monday; 1 Jan may belong to last year's week)."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> tuple[date, ...]:
        """The five planning days, Monday to Friday."""
        return tuple(self.monday + timedelta(days=i) for i in range(5))

    def next(self) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(days=7))

    def prev(self) -> IsoWeek:
        return IsoWeek.of(self.monday - timedelta(days=7))

    def span_text(self) -> str:
        """``23–27 Nov 2026``, ``30 Nov – 4 Dec 2026`` or ``29 Dec 2025 – 2 Jan 2026``."""
        first, last = self.monday, self.days()[-1]
        end = f"{last.day} {MONTH_NAMES[last.month - 1]} {last.year}"
        if first.year != last.year:
            return f"{first.day} {MONTH_NAMES[first.month - 1]} {first.year} – {end}"
        if first.month != last.month:
            return f"{first.day} {MONTH_NAMES[first.month - 1]} – {end}"
        return f"{first.day}–{end}"


def day_label(day: date) -> str:
    """``Mon 23 Nov``; fixed English names, because ``%a`` follows the machine's locale."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def format_days(days: float | Fraction) -> str:
    """``1.5 d``, ``2 d``, ``0.25 d``: short enough for a grid cell."""
    return f"{round(float(days), 2):g} d"


def format_half_days(half_days: int) -> str:
    return format_days(Fraction(half_days, 2))
