"""The customer call's cadence and the week's Done list name: pure date rules.

Each customer has a call every week or every other week, optionally on a set weekday, where next week's
commitment is agreed. Every-other-week calls fall on the weeks an even number of weeks after Monday
1 January 2024 (a fixed anchor, so every machine agrees without storing anything; ISO week parity would
flip after a 53-week year). A call day that is a holiday moves to the next working day of the same week,
or to the last working day before it when the rest of the week is off too.

The Done list may be one per week: ``[trello] lists.done`` can hold ``{week}`` (``2026-W49``) or
``{monday:<format>}`` with strftime codes (``Done w/c {monday:%d %b}`` is ``Done w/c 30 Nov``). Month
and day names are English whatever the machine's locale, so two machines make the same list name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from datetime import date, timedelta

from supportdesk_tui.domain.boards import Board, list_key
from supportdesk_tui.domain.planning import DAY_NAMES, MONTH_NAMES, IsoWeek

ANCHOR = date(2024, 1, 1)  # a Monday
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_LONG_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LONG_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


# ------------------------------------------------------------------------------------------------ cadence
def is_call_week(week: IsoWeek, every_weeks: int) -> bool:
    """Whether a week has the customer's call (always, for weekly calls)."""
    if every_weeks <= 1:
        return True
    return ((week.monday - ANCHOR).days // 7) % every_weeks == 0


def call_date(week: IsoWeek, call_day: str, holidays: Iterable[date] = ()) -> date | None:
    """The call's date in a call week, moved off a holiday within the week; None if the whole week is off."""
    off = set(holidays)
    days = week.days()
    wanted = WEEKDAYS.index(call_day)
    for day in (*days[wanted:], *reversed(days[:wanted])):
        if day not in off:
            return day
    return None


def next_call(today: date, every_weeks: int, call_day: str, holidays: Iterable[date] = ()) -> date | None:
    """The first call on or after ``today`` (None if none within a year: only when every week is a holiday)."""
    holidays = tuple(holidays)
    week = IsoWeek.of(today)
    for _ in range(53):
        if is_call_week(week, every_weeks):
            day = call_date(week, call_day, holidays)
            if day is not None and day >= today:
                return day
        week = week.next()
    return None


def previous_call(today: date, every_weeks: int, call_day: str | None, holidays: Iterable[date] = ()) -> date:
    """The last call before ``today``: what the agenda counts from. Without a call day, the start of the last
    call week (a week ago for weekly calls)."""
    holidays = tuple(holidays)
    week = IsoWeek.of(today)
    for _ in range(54):
        if is_call_week(week, every_weeks):
            day = call_date(week, call_day, holidays) if call_day else week.monday
            if day is not None and day < today:
                return day
        week = week.prev()
    return today - timedelta(days=7 * max(every_weeks, 1))


def call_words(today: date, every_weeks: int, call_day: str | None, holidays: Iterable[date] = ()) -> str:
    """``call today``, ``call due Thu``, ``call next week (Thu)`` or ``call in 2 weeks`` for a header."""
    if call_day is None:
        if is_call_week(IsoWeek.of(today), every_weeks):
            return "call this week"
        return "call next week"
    day = next_call(today, every_weeks, call_day, holidays)
    if day is None:
        return "no call day this year"
    if day == today:
        return "call today"
    weeks = (IsoWeek.of(day).monday - IsoWeek.of(today).monday).days // 7
    name = DAY_NAMES[day.weekday()]
    if weeks == 0:
        return f"call due {name}"
    if weeks == 1:
        return f"call next week ({name})"
    return f"call in {weeks} weeks"


# ---------------------------------------------------------------------------------------- week list names
_FIELD_RE = re.compile(r"\{(week|monday)(?::([^{}]*))?\}")


def is_week_pattern(name: str) -> bool:
    return bool(_FIELD_RE.search(name))


def check_week_pattern(name: str) -> str | None:
    """What is wrong with a list-name pattern, in words, or None (checked when the config is read)."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(name) if f is not None]
    except ValueError as exc:
        return f"is not a valid name pattern ({exc})"
    unknown = sorted({f for f in fields if f not in ("week", "monday")})
    if unknown:
        return f"names {', '.join('{' + u + '}' for u in unknown)}; only {{week}} and {{monday:...}} are known"
    return None


def matches_week_pattern(pattern: str, name: str) -> bool:
    """Whether a list name is some week's list of ``pattern`` (``Done 2026-W47`` for ``Done {week}``);
    a plain pattern matches only itself. Case and spacing are forgiven, as in :func:`list_key`."""
    if not is_week_pattern(pattern):
        return list_key(name) == list_key(pattern)
    pattern = " ".join(pattern.split())
    parts, last = [], 0
    for match in _FIELD_RE.finditer(pattern):
        parts.append(re.escape(pattern[last:match.start()]))
        parts.append(r"\d{4}-W\d{2}" if match[1] == "week" else r".+?")
        last = match.end()
    parts.append(re.escape(pattern[last:]))
    return re.fullmatch("".join(parts), " ".join(name.split()), flags=re.IGNORECASE) is not None


def lists_named_by(board: Board, patterns: Iterable[str]) -> set[str]:
    """Ids of the board's lists that any of ``patterns`` names, for any week (``Done {week}`` names
    ``Done 2026-W47`` and ``Done 2026-W48`` alike; a plain name names only its own list)."""
    patterns = tuple(patterns)
    return {lst.id for lst in board.lists if any(matches_week_pattern(p, lst.name) for p in patterns)}


def week_list_name(pattern: str, week: IsoWeek) -> str:
    """The list's name for ``week``; a name without ``{week}``/``{monday}`` is returned as it is."""
    if not is_week_pattern(pattern):
        return pattern
    return _FIELD_RE.sub(lambda m: str(week) if m[1] == "week" else _english_strftime(week.monday, m[2] or "%Y-%m-%d"),
                         pattern)


def _english_strftime(day: date, fmt: str) -> str:
    """strftime for dates with English names, whatever the locale (the codes a list name needs)."""
    names = {"a": DAY_NAMES[day.weekday()], "A": _LONG_DAYS[day.weekday()], "b": MONTH_NAMES[day.month - 1],
             "B": _LONG_MONTHS[day.month - 1], "d": f"{day.day:02d}", "e": str(day.day), "-d": str(day.day),
             "m": f"{day.month:02d}", "-m": str(day.month), "y": f"{day.year % 100:02d}", "Y": str(day.year),
             "V": f"{day.isocalendar().week:02d}", "G": str(day.isocalendar().year), "%": "%"}
    return re.sub(r"%(-?[a-zA-Z%])", lambda m: names.get(m[1], m[0]), fmt)
