"""The stand-up's pure rules: which day, what moved, each customer's commitment in words, the pasted text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.domain.standup import (
    CardEvent,
    EventKind,
    Progress,
    Standing,
    TriageSince,
    build_standup,
    card_progress,
    commitment,
    previous_working_day,
    standup_day,
    triage_since,
    watch_caveat,
    working_days_left,
)
from supportdesk_tui.domain.standup_text import WIDTH, render_markdown, render_text

W49 = IsoWeek(2026, 49)  # Mon 30 Nov .. Fri 4 Dec 2026
MON, TUE, WED, THU, FRI = W49.days()
VAT = WorkItem("c1", "Acme Ltd", "VAT number on invoices", 4)
SSO = WorkItem("c2", "Acme Ltd", "Single sign-on loop", 2)
REFUND = WorkItem("c3", "Bluebird Travel", "Refund emails bounce", None)
FINISHED = ("Recently Completed", "Done")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.mark.parametrize(("today", "expected"), [
    (MON, MON), (FRI, FRI), (date(2026, 12, 5), FRI), (date(2026, 12, 6), FRI),
])
def test_standup_day_on_a_weekend_is_the_friday_before(today: date, expected: date) -> None:
    assert standup_day(today) == expected


@pytest.mark.parametrize(("day", "holidays", "expected"), [
    (TUE, (), MON),
    (MON, (), date(2026, 11, 27)),
    (date(2026, 12, 29), (date(2026, 12, 28), date(2026, 12, 25)), date(2026, 12, 24)),
])
def test_previous_working_day(day: date, holidays: tuple[date, ...], expected: date) -> None:
    assert previous_working_day(day, holidays) == expected


@pytest.mark.parametrize(("day", "holidays", "left"), [
    (MON, (), 5), (WED, (), 3), (FRI, (), 1), (WED, (THU,), 2),
])
def test_working_days_left_count_today(day: date, holidays: tuple[date, ...], left: int) -> None:
    assert working_days_left(day, holidays) == left


def test_progress_words_last_move_wins_and_finished_lists_count() -> None:
    events = [CardEvent("c1", EventKind.COMMENTED, at(MON), "ana", text="Asked for the\nVAT format"),
              CardEvent("c1", EventKind.MOVED, at(TUE), "ben", to_list="Recently Completed"),
              CardEvent("c2", EventKind.COMMENTED, at(TUE), "ana", text="x" * 80)]
    done = card_progress("c1", events, FINISHED)
    assert done.progress is Progress.FINISHED
    assert done.words == "moved to Recently Completed by ben, 1 comment"
    talked = card_progress("c2", events, FINISHED)
    assert talked.progress is Progress.COMMENTED and talked.words.endswith("…)") and len(talked.words) < 80
    assert card_progress("c3", events, FINISHED, "Up next").words == "still in Up next"


@pytest.mark.parametrize(("to_list", "progress"), [
    ("Done 2026-W49", Progress.FINISHED),
    ("done 2026-w48", Progress.FINISHED),  # last week's Done list, case forgiven
    ("Recently  Completed", Progress.FINISHED),
    ("Done", Progress.MOVED),  # with a week pattern, a plain "Done" list is not a Done list
    ("Up next", Progress.MOVED),
])
def test_a_move_to_any_weeks_done_list_finishes_the_card(to_list: str, progress: Progress) -> None:
    events = [CardEvent("c1", EventKind.MOVED, at(TUE), "ben", to_list=to_list)]
    assert card_progress("c1", events, ("Recently Completed", "Done {week}")).progress is progress
    assert (card_progress("c1", (), ("Recently Completed", "Done {week}"), to_list).progress
            is (Progress.FINISHED if progress is Progress.FINISHED else Progress.UNTOUCHED))


def plan_with(*cells: tuple[str, date, WorkItem], developers: tuple[str, ...] = ("ana", "ben", "chloe")) -> Plan:
    plan = Plan.new(W49, developers).with_triage_pair(("ana", "chloe"))
    for dev, day, item in cells:
        plan = plan.assign(dev, day, item).plan
    return plan


WHOLE = lambda dev, day, item: ((dev, day, item), (dev, day, item))  # noqa: E731


@pytest.mark.parametrize(("cells", "agreed", "today", "progress", "standing", "words"), [
    ([*WHOLE("ana", MON, VAT), *WHOLE("ana", TUE, VAT), *WHOLE("ben", WED, SSO), *WHOLE("ben", THU, SSO)], 3, WED,
     {}, Standing.OVER, "over: 4 d planned for 3 d agreed"),
    ([*WHOLE("ana", MON, VAT), *WHOLE("ana", TUE, VAT), ("ben", WED, SSO)], 3, WED,
     {"c1": Progress.FINISHED, "c2": Progress.FINISHED}, Standing.ON_TRACK, "on track: 3 d of 3 d agreed finished"),
    ([*WHOLE("ana", MON, VAT), ("ana", TUE, VAT)], 2, WED,
     {}, Standing.AT_RISK, "at risk: 1.5 d planned for 2 d agreed"),
    ([*WHOLE("ana", MON, VAT), ("ana", TUE, SSO), *WHOLE("ben", THU, VAT)], 2.5, WED,
     {"c1": Progress.MOVED}, Standing.AT_RISK, "at risk: 0.5 d planned but not started with 3 days left"),
    ([*WHOLE("ana", THU, VAT), *WHOLE("ana", FRI, VAT)], 2, WED,
     {}, Standing.ON_TRACK, "on track: 2 d planned, 0 d finished"),
    ([("ana", MON, VAT)], None, WED, {}, Standing.NONE, "no commitment agreed; 0.5 d planned"),
])
def test_commitment_in_words(cells: list, agreed: float | None, today: date, progress: dict, standing: Standing,
                             words: str) -> None:
    c = commitment("Acme Ltd", agreed, plan_with(*cells), today, progress)
    assert (c.standing, c.words) == (standing, words)


def test_a_holiday_leaves_fewer_days() -> None:
    c = commitment("Acme Ltd", 1, plan_with(("ana", MON, VAT), ("ana", MON, VAT)), WED, {}, holidays=(THU,))
    assert c.words == "at risk: 1 d planned but not started with 2 days left"


def standup_fixture() -> str:
    plan = plan_with(*WHOLE("ana", TUE, VAT), *WHOLE("ana", WED, VAT), *WHOLE("ben", WED, VAT), ("chloe", WED, SSO))
    plan = plan.mark_triage("chloe", WED).plan
    events = [CardEvent("c1", EventKind.COMMENTED, at(TUE, 15), "ana", text="Waiting for rates")]
    customers = [Customer("Acme Ltd", "b1", ("acme.example",), 4), Customer("Bluebird Travel", "b2", (), None)]
    standup = build_standup(plan, WED, events=events, finished_lists=FINISHED,
                            current_lists={"c1": "Up next", "c2": "Up next"}, impediments={"c1": "no test account"},
                            customers=customers, triage=TriageSince(5, 2, 2, 1, 3, 0),
                            unread=["the board of Bluebird Travel: Trello did not answer"])
    return render_markdown(standup)


def test_markdown_reads_like_a_standup() -> None:
    text = standup_fixture()
    assert text.splitlines()[:2] == ["## Stand-up Wed 2 Dec 2026 (2026-W49)", "Triage pair: ana + chloe"]
    assert "### ana\n- Today: Acme Ltd: VAT number on invoices (whole day, pair with ben, BLOCKED)\n" \
        "- Tue 1 Dec: Acme Ltd: VAT number on invoices (whole day, BLOCKED): commented (ana: Waiting for\n  " \
        "rates)\n- Impediment: Acme Ltd: VAT number on invoices: no test account\n" in text
    assert "### chloe\n- Today: Acme Ltd: Single sign-on loop (half day)\n- Today: triage (half day)\n" in text
    assert "- Acme Ltd: at risk: 3.5 d planned for 4 d agreed" in text
    assert "- Bluebird Travel: no commitment agreed; 0 d planned" in text
    assert "- 5 received, 2 backlogged, 2 fixed, 1 breached\n- 3 at risk now; 0 actions still pending" in text
    assert text.rstrip().endswith("- the board of Bluebird Travel: Trello did not answer")
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_developers_with_nothing_planned_still_appear() -> None:
    standup = build_standup(plan_with(("ana", WED, VAT)), WED)
    text = render_text(standup)
    assert "ben:\n  Today: nothing planned today" in text


LONDON = ZoneInfo("Europe/London")
SINCE = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(("watched_from", "caveat"), [
    (None, "Not counted: this machine has never read the Groove inbox (the app reads it when it starts)."),
    (datetime(2026, 11, 20, 8, 0, tzinfo=UTC), ""),  # watching since before the last stand-up: whole
    (SINCE, ""),
    (datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
     "Counted since this machine first read the inbox (Wed 25 Nov 10:00): some may be missing."),
    (datetime(2026, 11, 24, 23, 30, tzinfo=UTC),  # in the team's zone it is still Tue
     "Counted since this machine first read the inbox (Tue 24 Nov 23:30): some may be missing."),
])
def test_triage_figures_say_when_this_machine_did_not_see_the_whole_window(watched_from: datetime | None,
                                                                           caveat: str) -> None:
    assert watch_caveat(watched_from, SINCE, LONDON) == caveat
    lines = triage_since((), SINCE, datetime(2026, 11, 25, 10, 0, tzinfo=UTC), 0, caveat).lines()
    assert lines[2:] == ((caveat,) if caveat else ())
