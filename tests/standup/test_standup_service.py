"""StandupService over loopback: the plan through the planning service, what moved, the cache, unread boards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.standup import DeveloperDay
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, SUPPORT_EPICS_BOARD_ID
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.standup.service import NoPlanError, StandupView
from tests.standup.fixtures import THU, TUE, W48, WED, other_person_comments, plan_week

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv

BOARDS = len(DEMO_CUSTOMERS) + 1  # six customers and Support Epics


def standup_requests(trello: TrelloEnv) -> list[Any]:
    """The stand-up's own requests: not the plan card's change check (actions without a type filter, or the plans
    list), which the app makes on every boards poll anyway and the stand-up repeats only when it is stale."""
    def plan_check(r: Any) -> bool:
        path = r.path.rstrip("/")
        return (path.endswith("/actions") and "filter" not in r.query) or path.startswith("/1/lists/") \
            or path.endswith("/lists")

    requests = trello.server.requests()
    assert sum(plan_check(r) for r in requests) <= 3  # one small request; up to three in a process that never read it
    return [r for r in requests if not plan_check(r)]


def developer(view: StandupView, name: str) -> DeveloperDay:
    return next(d for d in view.standup.developers if d.developer == name)


async def test_the_plan_of_the_day_with_pairs_triage_and_nothing_planned(services: Services,
                                                                      trello: TrelloEnv) -> None:
    planned = await plan_week(services)
    trello.server.clear_log()
    view = await services.standup.load(WED)
    assert view.planned and view.standup.day == WED and view.standup.previous == TUE
    assert view.standup.pair == ("ana", "chloe")
    assert len(standup_requests(trello)) == BOARDS == view.requests  # one request per board
    ana = developer(view, "ana")
    assert [(a.card_id, a.half_days, a.pair_with) for a in ana.today] == [(planned.paired.card_id, 2, ("chloe",))]
    assert [a.card_id for a in ana.previous] == [planned.paired.card_id]
    assert [a.words for a in developer(view, "dev").today] == ["triage"]
    ben = developer(view, "ben")
    assert ben.previous[0].progress == "still in Up next"
    assert not view.standup.unread


async def test_moves_and_comments_by_other_people_between_two_standups(services: Services, trello: TrelloEnv,
                                                                      clock: FixedClock) -> None:
    planned = await plan_week(services)
    first = await services.standup.load(WED)
    assert developer(first, "ben").previous[0].progress == "still in Up next"
    clock.advance(timedelta(seconds=30))
    trello.fake.move_card_as_other_person(planned.paired_source, "Recently Completed", username="chloe")
    other_person_comments(trello, planned.solo.card_id, "Waiting for the\nbooking logs from Tom", username="dev")
    trello.server.clear_log()
    again = await services.standup.load(WED)
    # within the minute: one small actions request per board, nothing reloaded
    requests = standup_requests(trello)
    assert len(requests) == BOARDS and all(r.path.rstrip("/").endswith("/actions") for r in requests)
    assert developer(again, "ana").previous[0].progress == "moved to Recently Completed by chloe"
    assert developer(again, "ben").previous[0].progress == "commented (dev: Waiting for the booking logs from Tom)"
    acme = next(c for c in again.standup.customers if c.customer == "Acme Ltd")
    assert acme.finished > 0  # the paired card is finished: its estimate counts as done
    clock.advance(timedelta(minutes=2))
    trello.server.clear_log()
    later = await services.standup.load(WED)
    assert len(standup_requests(trello)) == BOARDS  # stale: each board read afresh, still one request each
    assert not any(r.path.rstrip("/").endswith("/actions") for r in standup_requests(trello))
    assert developer(later, "ana").previous[0].progress == "moved to Recently Completed by chloe"


async def test_the_cache_is_in_the_store_so_another_process_tops_it_up(make_services: Callable[..., Services],
                                                                       trello: TrelloEnv, clock: FixedClock) -> None:
    first = make_services()
    await plan_week(first)
    await first.standup.load(WED)
    second = make_services(first.settings)  # same data dir, fresh memory
    clock.advance(timedelta(seconds=20))
    trello.server.clear_log()
    await second.standup.load(WED)
    requests = standup_requests(trello)
    assert len(requests) == BOARDS and all(r.path.rstrip("/").endswith("/actions") for r in requests)


async def test_a_board_that_fails_is_named_and_the_rest_is_shown(services: Services, trello: TrelloEnv) -> None:
    await plan_week(services)
    acme = DEMO_CUSTOMERS[0]
    trello.server.fail_next("GET", rf"^/1/boards/{acme.board_id}/?$", status=404, times=5)
    view = await services.standup.load(WED)
    assert len(view.standup.unread) == 1 and view.standup.unread[0].startswith("Acme Ltd: board not read")
    assert [d.developer for d in view.standup.developers] == ["ana", "ben", "chloe", "dev"]


async def test_a_day_outside_the_week_reads_that_weeks_plan_and_no_plan_is_one_sentence(services: Services,
                                                                                      trello: TrelloEnv) -> None:
    await plan_week(services)
    next_week = await services.standup.load(THU + timedelta(days=5))  # Tuesday of week 49: no plan there
    assert not next_week.planned and all(d.nothing_today for d in next_week.standup.developers)
    with pytest.raises(NoPlanError, match=r"There is no plan for 2026-W49 \(30 Nov to 04 Dec\)"):
        await services.standup.load(THU + timedelta(days=5), require_plan=True)
    saturday = await services.standup.load(THU + timedelta(days=2))
    assert saturday.standup.day == THU + timedelta(days=1) and saturday.standup.week == W48


async def test_days_step_over_weekends_and_holidays(make_services: Callable[..., Services]) -> None:
    services = make_services(sla={"holidays": ["2026-11-30"], "timezone": "Europe/London"})
    friday = THU + timedelta(days=1)
    assert services.standup.step(friday, 1) == friday + timedelta(days=4)  # Monday 30 is a holiday
    assert services.standup.step(friday + timedelta(days=4), -1) == friday
    assert services.standup.today() == WED


async def test_epics_board_activity_counts_for_the_planned_copy(services: Services, trello: TrelloEnv) -> None:
    planned = await plan_week(services)
    other_person_comments(trello, planned.paired.card_id, "Copy discussed with the team", username="ben")
    view = await services.standup.load(WED)
    assert developer(view, "ana").previous[0].progress.startswith("commented (ben: Copy discussed")
    target = view.targets[planned.paired.card_id]
    assert (target.card_id, target.copy_id, target.board_id) == (planned.paired_source, planned.paired.card_id,
                                                                 DEMO_CUSTOMERS[0].board_id)
    assert SUPPORT_EPICS_BOARD_ID not in {t.board_id for t in view.targets.values()}
