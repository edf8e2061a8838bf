"""The customer call's cadence and the per-week Done list names."""

from __future__ import annotations

from datetime import date

import pytest

from supportdesk_tui.domain.boards import Board, BoardList
from supportdesk_tui.domain.cadence import (
    call_date,
    call_words,
    check_week_pattern,
    is_call_week,
    lists_named_by,
    next_call,
    previous_call,
    week_list_name,
)
from supportdesk_tui.domain.planning import IsoWeek

W49 = IsoWeek(2026, 49)  # Mon 30 Nov .. Fri 4 Dec 2026
MON, TUE, WED, THU, FRI = W49.days()


def test_weekly_calls_are_every_week_and_biweekly_every_other() -> None:
    weeks = [W49, W49.next(), W49.next().next()]
    assert all(is_call_week(w, 1) for w in weeks)
    pattern = [is_call_week(w, 2) for w in weeks]
    assert pattern[0] == pattern[2] != pattern[1]


def test_biweekly_parity_does_not_flip_over_a_53_week_year() -> None:
    last_of_2026, first_of_2027 = IsoWeek(2026, 53), IsoWeek(2027, 1)
    assert is_call_week(last_of_2026, 2) != is_call_week(first_of_2027, 2)


@pytest.mark.parametrize(("call_day", "holidays", "expected"), [
    ("thu", (), THU),
    ("thu", (THU,), FRI),
    ("fri", (FRI,), THU),
    ("mon", (MON, TUE), WED),
    ("wed", (MON, TUE, WED, THU, FRI), None),
])
def test_a_call_day_on_a_holiday_moves_within_the_week(call_day: str, holidays: tuple[date, ...],
                                                     expected: date | None) -> None:
    assert call_date(W49, call_day, holidays) == expected


@pytest.mark.parametrize(("today", "every", "day", "words"), [
    (TUE, 1, "thu", "call due Thu"),
    (THU, 1, "thu", "call today"),
    (FRI, 1, "thu", "call next week (Thu)"),
    (TUE, 1, None, "call this week"),
])
def test_weekly_call_words(today: date, every: int, day: str | None, words: str) -> None:
    assert call_words(today, every, day) == words


def test_biweekly_call_words_say_how_far() -> None:
    call_week = W49 if is_call_week(W49, 2) else W49.next()
    friday_after = call_week.days()[4]
    assert call_words(friday_after, 2, "thu") == "call in 2 weeks"
    assert next_call(friday_after, 2, "thu") == call_week.next().next().days()[3]


def test_previous_call_is_what_the_agenda_counts_from() -> None:
    assert previous_call(FRI, 1, "thu") == THU
    assert previous_call(THU, 1, "thu") == IsoWeek(2026, 48).days()[3]
    assert previous_call(WED, 1, None) == MON


@pytest.mark.parametrize(("pattern", "name"), [
    ("Done", "Done"),
    ("Done {week}", "Done 2026-W49"),
    ("Done w/c {monday:%d %b}", "Done w/c 30 Nov"),
    ("{monday:%a %-d %B %Y} done", "Mon 30 November 2026 done"),
])
def test_week_list_names(pattern: str, name: str) -> None:
    assert week_list_name(pattern, W49) == name


@pytest.mark.parametrize(("pattern", "problem"), [
    ("Done {week}", None),
    ("Done {monday:%d %b}", None),
    ("Done {sprint}", "names {sprint}; only {week} and {monday:...} are known"),
    ("Done {week", "is not a valid name pattern"),
])
def test_week_pattern_check(pattern: str, problem: str | None) -> None:
    found = check_week_pattern(pattern)
    assert (found is None) == (problem is None)
    if problem:
        assert found is not None and problem in found


def test_a_week_pattern_names_every_weeks_list_and_a_plain_name_only_its_own() -> None:
    names = ["Up next", "Recently Completed", "Done", "Done 2026-W47", " done 2026-w48 ", "Done w/c 16 Nov",
             "Done 2026-W48 (old)"]
    board = Board("b", "Board", "", tuple(BoardList(f"l{i}", n, float(i)) for i, n in enumerate(names)), ())
    assert lists_named_by(board, ["Recently Completed", "Done {week}"]) == {"l1", "l3", "l4"}
    assert lists_named_by(board, ["Done w/c {monday:%d %b}"]) == {"l5"}
    assert lists_named_by(board, ["Done"]) == {"l2"}
