"""The SLA rules that depend on history: pause and resume, reopen, target change, sticky breach,
resolution by close or backlog, cancellation, unknown states, and the week's figures.

Unless a test says otherwise the clock is calendar mode, times are UTC, and the ticket arrives on
Monday 16 March 2026 at 00:00, so its 48 h deadline is Wednesday 18 March at 00:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportdesk_tui.domain.sla import (
    SlaClock,
    SlaPolicy,
    SlaStatus,
    StateEvent,
    TicketHistory,
    clock_for,
    clocks_for,
    format_time_left,
    policy_version,
    sla_cycles,
)
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.domain.week_figures import (
    WeekFigures,
    iso_week,
    parse_week,
    tally_week,
    week_bounds,
    week_figures,
)

MON = datetime(2026, 3, 16, 0, 0, tzinfo=UTC)
DUE = MON + timedelta(hours=48)
PAUSING = SlaPolicy(pause_states=("pending",))
LONDON = ZoneInfo("Europe/London")


def h(hours: float) -> datetime:
    """``hours`` after Monday 00:00 UTC."""
    return MON + timedelta(hours=hours)


def ev(hours: float, state: str) -> StateEvent:
    return StateEvent(h(hours), state)


def run(*events: StateEvent, policy: SlaPolicy = PAUSING, **kwargs: object) -> SlaClock:
    history = TicketHistory(created_at=MON, events=events, **kwargs)  # type: ignore[arg-type]
    return sla_cycles(history, policy)[-1]


# -- pause and resume --------------------------------------------------------------------------------

def test_pause_freezes_time_left_and_gives_the_reason() -> None:
    clock = run(ev(10, "pending"))
    for later in (h(10), h(11), h(500)):
        assert clock.status(later) is SlaStatus.PAUSED
        assert clock.time_left(later) == timedelta(hours=38)
    assert clock.reason == "pending"
    assert clock.status_text(h(20)) == "paused (pending)"
    assert clock.deadline is None


def test_state_change_out_of_the_pause_resumes() -> None:
    clock = run(ev(10, "pending"), ev(14, "opened"))
    assert clock.deadline == DUE + timedelta(hours=4)
    assert clock.status(h(14)) is SlaStatus.OK
    assert clock.time_left(h(14)) == timedelta(hours=38)


def test_customer_reply_resumes_even_if_the_state_stays_paused() -> None:
    clock = run(ev(10, "pending"), customer_replies=(h(12),))
    assert clock.deadline == DUE + timedelta(hours=2)
    assert clock.final is None


def test_a_reply_before_the_pause_does_not_resume_it() -> None:
    clock = run(ev(10, "pending"), customer_replies=(h(9),))
    assert clock.status(h(30)) is SlaStatus.PAUSED


def test_reply_and_pause_at_the_same_instant_leave_the_clock_running() -> None:
    clock = run(ev(10, "pending"), customer_replies=(h(10),))
    assert clock.deadline == DUE


def test_pending_does_not_pause_unless_configured() -> None:
    assert run(ev(10, "pending"), policy=SlaPolicy()).deadline == DUE


def test_pause_states_compare_case_insensitively() -> None:
    assert run(ev(10, "PENDING")).status(h(20)) is SlaStatus.PAUSED


def test_repeated_pauses_add_up() -> None:
    clock = run(ev(1, "pending"), ev(3, "opened"), ev(5, "pending"), ev(6, "opened"), ev(6, "pending"),
                customer_replies=(h(9),))
    assert clock.deadline == DUE + timedelta(hours=2 + 1 + 3)


def test_pausing_after_the_breach_keeps_the_breach() -> None:
    clock = run(ev(50, "pending"))
    assert clock.status(h(60)) is SlaStatus.BREACHED
    assert clock.breached_at == DUE
    assert clock.time_left(h(60)) == -timedelta(hours=12)
    assert clock.reason == "pending"


def test_business_pause_counts_only_business_time() -> None:
    """Arrives Mon 09:00 London, pending at 12:00 (3 bh used), customer replies Wed 10:00."""
    business = SlaPolicy(clock="business", pause_states=("pending",))
    created = datetime(2026, 3, 16, 9, tzinfo=LONDON)
    history = TicketHistory(created_at=created, events=(StateEvent(created + timedelta(hours=3), "pending"),),
                            customer_replies=(datetime(2026, 3, 18, 10, tzinfo=LONDON),))
    clock = sla_cycles(history, business)[-1]
    assert clock.deadline == datetime(2026, 3, 25, 12, 30, tzinfo=LONDON)
    assert clock.time_left(datetime(2026, 3, 18, 10, tzinfo=LONDON)) == timedelta(hours=45)
    paused = sla_cycles(TicketHistory(created_at=created, events=history.events), business)[-1]
    assert paused.time_left(datetime(2026, 3, 21, tzinfo=LONDON)) == timedelta(hours=45)


# -- reopen ------------------------------------------------------------------------------------------

def test_reopen_starts_a_new_clock_with_a_mark() -> None:
    history = TicketHistory(created_at=MON, events=(ev(10, "closed"), ev(58, "opened")))
    first, second = sla_cycles(history, PAUSING)
    assert first.final is SlaStatus.MET and not first.reopened
    assert first.time_left(h(100)) == timedelta(hours=38)
    assert second.reopened and second.started_at == h(58)
    assert second.deadline == h(58 + 48)
    assert second.status(h(60)) is SlaStatus.OK


def test_reopen_after_a_late_close_keeps_the_old_breach_and_starts_clean() -> None:
    first, second = sla_cycles(TicketHistory(created_at=MON, events=(ev(50, "closed"), ev(70, "unread"))),
                               PAUSING)
    assert first.final is SlaStatus.BREACHED
    assert second.status(h(71)) is SlaStatus.OK and second.reopened


def test_reopen_into_a_pause_state_is_paused_with_the_full_target() -> None:
    clock = run(ev(10, "closed"), ev(20, "pending"))
    assert clock.reopened and clock.status(h(30)) is SlaStatus.PAUSED
    assert clock.time_left(h(30)) == timedelta(hours=48)


def test_moves_between_open_states_never_reopen() -> None:
    assert len(sla_cycles(TicketHistory(created_at=MON, events=(ev(1, "opened"), ev(2, "pending"),
                                                               ev(3, "opened"))), SlaPolicy())) == 1


# -- target change -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("label", "events", "new_target", "changed", "expected_deadline"),
    [
        ("shorter target keeps the 12 h elapsed", (), 24, 12, h(24)),
        ("pause before the change is not elapsed time", (ev(6, "pending"), ev(10, "opened")), 24, 12, h(28)),
        ("longer target keeps the elapsed time too", (), 72, 12, h(72)),
        ("override with no change time applies from creation", (), 24, None, h(24)),
    ],
)
def test_target_change_keeps_elapsed_time(label: str, events: tuple[StateEvent, ...], new_target: float,
                                          changed: float | None, expected_deadline: datetime) -> None:
    clock = run(*events, target_hours_override=new_target,
                target_changed_at=None if changed is None else h(changed))
    assert clock.deadline == expected_deadline, label
    assert clock.target == timedelta(hours=new_target)


def test_target_already_used_up_breaches_at_the_change() -> None:
    clock = run(target_hours_override=4, target_changed_at=h(12))
    assert clock.deadline == h(12) and clock.breached_at == h(12)
    assert clock.status(h(12)) is SlaStatus.BREACHED


def test_raising_the_target_after_the_breach_does_not_undo_it() -> None:
    clock = run(target_hours_override=96, target_changed_at=h(50))
    assert clock.status(h(60)) is SlaStatus.BREACHED
    assert clock.breached_at == DUE
    assert any("breach stands" in n for n in clock.notes)


def test_target_change_while_paused_changes_the_frozen_time_left() -> None:
    clock = run(ev(6, "pending"), target_hours_override=10, target_changed_at=h(8))
    assert clock.time_left(h(9)) == timedelta(hours=4)
    assert clock.status(h(9)) is SlaStatus.PAUSED


def test_target_change_in_business_mode() -> None:
    created = datetime(2026, 3, 16, 9, tzinfo=LONDON)
    history = TicketHistory(created_at=created, target_hours_override=8,
                            target_changed_at=created + timedelta(hours=4))
    clock = sla_cycles(history, SlaPolicy(clock="business"))[-1]
    assert clock.deadline == datetime(2026, 3, 16, 17, tzinfo=LONDON)


def test_a_reopened_clock_uses_the_target_in_force() -> None:
    clock = run(ev(10, "closed"), ev(20, "opened"), target_hours_override=8, target_changed_at=h(5))
    assert clock.reopened and clock.deadline == h(28)


# -- resolution and sticky breach --------------------------------------------------------------------

def test_breach_then_close_is_breached_for_good() -> None:
    clock = run(ev(58, "closed"))
    assert clock.final is SlaStatus.BREACHED
    assert clock.breached_at == DUE and clock.resolved_at == h(58)
    assert clock.time_left(h(500)) == -timedelta(hours=10)
    assert format_time_left(clock.time_left(h(500))) == "10:00 late"
    assert clock.breach_time(h(500)) == DUE


def test_close_in_time_is_met_with_the_margin_frozen() -> None:
    clock = run(ev(34, "closed"))
    assert clock.final is SlaStatus.MET and clock.resolution == "closed"
    assert clock.time_left(h(500)) == timedelta(hours=14)
    assert clock.breach_time(h(500)) is None


def test_close_exactly_at_the_deadline_is_late() -> None:
    assert run(ev(48, "closed")).final is SlaStatus.BREACHED
    assert run(ev(47.999, "closed")).final is SlaStatus.MET


def test_close_while_paused_is_met() -> None:
    assert run(ev(10, "pending"), ev(100, "closed")).final is SlaStatus.MET


def test_backlog_resolves_in_time_even_if_the_ticket_stays_open() -> None:
    clock = run(ev(30, "pending"), ev(60, "opened"), resolved_by_backlog_at=h(29))
    assert clock.final is SlaStatus.MET and clock.resolution == "backlog"
    assert clock.resolved_at == h(29)


def test_backlog_wins_over_a_close_seen_just_before_it() -> None:
    clock = run(ev(29, "closed"), resolved_by_backlog_at=h(29) + timedelta(seconds=2))
    assert clock.resolution == "backlog" and clock.resolved_at == h(29)


def test_late_backlog_is_a_breach() -> None:
    clock = run(resolved_by_backlog_at=h(49))
    assert clock.final is SlaStatus.BREACHED and clock.resolution == "backlog"


@pytest.mark.parametrize("state", ["spam", "deleted"])
def test_spam_and_deleted_are_cancelled(state: str) -> None:
    clock = run(ev(60, state))
    assert clock.final is SlaStatus.CANCELLED and clock.time_left(h(70)) is None
    assert clock.breach_time(h(70)) is None


def test_spam_after_resolution_keeps_the_outcome() -> None:
    clock = run(ev(10, "closed"), ev(20, "spam"))
    assert clock.final is SlaStatus.MET
    assert any("outcome stands" in n for n in clock.notes)


def test_restored_from_spam_is_a_new_clock() -> None:
    clock = run(ev(10, "spam"), ev(20, "opened"))
    assert clock.reopened and clock.deadline == h(68)
    assert "restored from spam" in clock.notes


# -- odd inputs --------------------------------------------------------------------------------------

def test_unknown_states_count_as_running_and_are_noted() -> None:
    clock = run(ev(10, "archived"))
    assert clock.deadline == DUE and clock.status(h(11)) is SlaStatus.OK
    assert clock.notes == ("unknown state 'archived' counted as running",)


def test_unknown_state_resumes_a_pause() -> None:
    assert run(ev(10, "pending"), ev(12, "waiting_on_agent")).deadline == DUE + timedelta(hours=2)


def test_events_before_creation_are_moved_to_it_and_order_is_restored() -> None:
    assert run(ev(-5, "pending"), ev(4, "opened")).deadline == DUE + timedelta(hours=4)
    assert run(ev(14, "opened"), ev(10, "pending")).deadline == DUE + timedelta(hours=4)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        sla_cycles(TicketHistory(created_at=datetime(2026, 3, 16)), PAUSING)
    with pytest.raises(ValueError, match="no time zone"):
        run(StateEvent(datetime(2026, 3, 17), "closed"))


def test_inputs_in_other_zones_are_compared_as_instants() -> None:
    created = datetime(2026, 3, 16, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    clock = sla_cycles(TicketHistory(created_at=created), SlaPolicy())[-1]
    assert clock.deadline == datetime(2026, 3, 16, 0, tzinfo=UTC) + timedelta(hours=48)


def ticket(state: str, updated: datetime) -> Ticket:
    return Ticket(number=42, title="t", state=state, created_at=MON, updated_at=updated)


def test_clock_for_adds_the_tickets_state_when_the_history_lags() -> None:
    history = TicketHistory(created_at=MON, events=(ev(5, "opened"),))
    clock = clock_for(ticket("closed", h(20)), PAUSING, history)
    assert clock.final is SlaStatus.MET and clock.resolved_at == h(20)
    assert any("not yet in the history" in n for n in clock.notes)
    in_step = clock_for(ticket("opened", h(20)), PAUSING, history)
    assert in_step.final is None and in_step.notes == ()


def test_a_ticket_older_than_the_history_is_ignored() -> None:
    clocks = clocks_for([ticket("opened", h(1))], PAUSING, {42: TicketHistory(created_at=MON,
                                                                               events=(ev(3, "pending"),))})
    assert clocks[42].status(h(4)) is SlaStatus.PAUSED
    assert clocks_for([ticket("opened", h(1))], PAUSING)[42].status(h(4)) is SlaStatus.OK


def test_policy_version_changes_with_the_schedule() -> None:
    assert policy_version(SlaPolicy()) == policy_version(SlaPolicy())
    assert policy_version(SlaPolicy()) != policy_version(SlaPolicy(business_hours=("09:00-17:00",)))


# -- the week's figures ------------------------------------------------------------------------------

W48_TUE = datetime(2026, 11, 24, 10, tzinfo=UTC)  # Tuesday of ISO week 2026-W48 (GMT = UTC then)


def at48(days: float) -> datetime:
    """``days`` after Tuesday 24 Nov 2026 10:00 UTC."""
    return W48_TUE + timedelta(days=days)


def test_breach_last_tuesday_stays_a_breach_after_the_close() -> None:
    created = at48(-2)  # Sunday of W47: breaches Tuesday 10:00 of W48
    before_close = TicketHistory(created_at=created)
    after_close = TicketHistory(created_at=created, events=(StateEvent(at48(2), "closed"),))
    now = at48(3)
    policy = SlaPolicy()
    open_figures = week_figures("2026-W48", [before_close], policy, now)
    closed_figures = week_figures("2026-W48", [after_close], policy, now)
    assert open_figures.breached == closed_figures.breached == 1
    assert closed_figures.resolved_in_time == 0 and closed_figures.fixed == 1
    assert open_figures.open == 1 and closed_figures.open == 0
    assert week_figures("2026-W47", [after_close], policy, now) == WeekFigures("2026-W47", received=1, open=1)


def test_a_week_of_tickets() -> None:
    policy = SlaPolicy()
    histories = [
        TicketHistory(created_at=at48(-2), events=(StateEvent(at48(2), "closed"),)),  # breached, fixed late
        TicketHistory(created_at=at48(-1), resolved_by_backlog_at=at48(0)),  # backlogged in time
        TicketHistory(created_at=at48(1), events=(StateEvent(at48(1.5), "closed"),)),  # fixed in time
        TicketHistory(created_at=at48(2)),  # still open, not yet due
        TicketHistory(created_at=at48(0), events=(StateEvent(at48(0.1), "spam"),)),  # cancelled
        TicketHistory(created_at=at48(-9), events=(StateEvent(at48(-8), "closed"),  # W47 ticket reopened
                                                    StateEvent(at48(1), "opened"))),
        TicketHistory(created_at=at48(20)),  # a later week: nothing here
    ]
    figures = week_figures("2026-W48", histories, policy, now=at48(2.5))
    assert figures == WeekFigures(week="2026-W48", received=4, reopened=1, resolved_in_time=2, breached=1,
                                  backlogged=1, fixed=2, cancelled=1, open=2)
    assert figures.as_dict()["breached"] == 1


def test_figures_only_count_what_has_happened_by_now() -> None:
    history = TicketHistory(created_at=at48(-1))  # due Wednesday 10:00
    policy = SlaPolicy()
    assert week_figures("2026-W48", [history], policy, now=at48(0.5)).breached == 0
    assert week_figures("2026-W48", [history], policy, now=at48(1)).breached == 1


def test_tally_week_skips_hand_made_clocks() -> None:
    assert tally_week("2026-W48", [SlaClock(at48(0))], "UTC", at48(3)) == WeekFigures("2026-W48")


@pytest.mark.parametrize(
    ("week", "zone", "start", "hours"),
    [
        ("2026-W13", "Europe/London", datetime(2026, 3, 23, tzinfo=UTC), 167),
        ("2026-W43", "Europe/London", datetime(2026, 10, 18, 23, tzinfo=UTC), 169),
        ("2026-W10", "America/New_York", datetime(2026, 3, 2, 5, tzinfo=UTC), 167),
        ("2026-W53", "UTC", datetime(2026, 12, 28, tzinfo=UTC), 168),
    ],
)
def test_week_bounds_follow_local_midnights(week: str, zone: str, start: datetime, hours: int) -> None:
    begin, end = week_bounds(week, zone)
    assert begin == start and end - begin == timedelta(hours=hours)


def test_iso_week_is_read_in_the_policy_zone() -> None:
    instant = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # Mon 30 Mar 00:30 BST
    assert iso_week(instant, "Europe/London") == "2026-W14"
    assert iso_week(instant, "UTC") == "2026-W13"


@pytest.mark.parametrize("week", ["2026-48", "2026-W00", "2025-W53", "26-W01", "2026-W4"])
def test_bad_weeks_are_refused(week: str) -> None:
    with pytest.raises(ValueError):
        parse_week(week)
