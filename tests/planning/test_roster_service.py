"""The roster, plan history and knowledge through the PlanningService, on the loopback fakes and a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.services.container import Services
from tests.support import NOW

W48 = IsoWeek(2026, 48)  # the week of NOW (Wed 25 Nov 2026)
TEAM = ("ana", "ben", "chloe", "dev")
ESOTERIC = WorkItem("z1", "Zephyr Labs", "Fortran bridge", 4)


def worked(week: IsoWeek, *people: str, item: WorkItem = ESOTERIC) -> Plan:
    plan = Plan.new(week, TEAM)
    for person in people:
        plan = plan.assign(person, week.monday, item).plan
    return plan


async def test_a_week_keeps_its_visitor_and_its_removal_when_the_config_changes(
        make_services: Callable[..., Services]) -> None:
    first = make_services()
    plan = Plan.new(W48, ("ana", "ben", "chloe", "eve"))  # dev off this week, eve added for it
    await first.planning.save(plan)
    assert (await first.planning.load_plan(W48)) == plan
    later = make_services(team={"developers": ["ana", "ben", "dev", "fay"], "triage_leads": ["ana", "ben"]})
    loaded = await later.planning.load_plan(W48)
    assert loaded is not None and loaded.developers == ("ana", "ben", "eve", "fay")  # chloe left the config


async def test_next_week_starts_with_last_weeks_visitors_who_still_give_time(services: Services) -> None:
    svc = services.planning
    last = Plan.new(W48, (*TEAM, "eve", "zed")).set_available("zed", 0).set_available("eve", 4)
    await svc.save(last)
    opened = await svc.open_week(W48.next())
    assert opened.source == "last week" and opened.plan.developers == (*TEAM, "eve")
    assert opened.plan.available["eve"] == 4


async def test_history_is_the_twelve_saved_weeks_before_and_knowledge_reads_it(services: Services) -> None:
    svc = services.planning
    too_old = W48
    for _ in range(13):
        too_old = too_old.prev()
    await svc.save(worked(too_old, "dev"))
    await svc.save(worked(W48.prev().prev(), "ana"))
    await svc.save(worked(W48, "ben"))  # this week's own plan is not history
    history = await svc.plan_history(W48)
    assert [p.week for p in history] == [W48.prev().prev()]
    knowledge = await svc.knowledge(W48)
    assert knowledge.words("Zephyr Labs", W48) == "known by ana (2 wk ago)"
    assert knowledge.only_one("Zephyr Labs", W48) == "ana"


async def test_members_of_finished_cards_count_once_the_pool_has_loaded(services: Services) -> None:
    svc = services.planning
    before = await svc.knowledge(W48)
    assert before.words("Evergreen Housing", W48) == "nobody has worked on it in 12 weeks"
    assert svc.match_member("Chloe Dubois") is None  # no board read yet
    await svc.load_pool()
    # The demo's Evergreen Housing board: chloe is the only member of its finished cards.
    after = await svc.knowledge(W48)
    assert after.only_one("Evergreen Housing", W48) == "chloe"
    assert len(after.known_by("Acme Ltd", W48)) > 1
    member = svc.match_member("Chloe Dubois")
    assert member is not None and member.username == "chloe"
    assert svc.match_member("Eve") is None


async def test_the_demo_seeds_a_few_weeks_so_knowledge_shows(make_services: Callable[..., Services],
                                                             plan_settings: Callable[..., Settings]) -> None:
    from supportdesk_tui.demo import DEMO_PAIR_CUSTOMER, demo_config, seed_demo_plans

    settings = plan_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    seed_demo_plans(settings.data_dir, NOW)
    seed_demo_plans(settings.data_dir, NOW)  # again: nothing doubles, nothing is overwritten
    svc = make_services(settings).planning
    assert len(await svc.plan_history(W48)) == 3
    await svc.load_pool()
    knowledge = await svc.knowledge(W48)
    assert knowledge.only_one(DEMO_PAIR_CUSTOMER, W48) == "chloe"
    assert knowledge.words("Acme Ltd", W48).startswith("known by ana (1 wk ago), ben (1 wk ago)")
    assert [c["name"] for c in demo_config()["customers"] if c["pair"]] == [DEMO_PAIR_CUSTOMER]


def test_the_demo_week_is_planned_from_its_own_boards(tmp_path: Path) -> None:
    """The demo opens on a believable Monday plan: everyone has work from the seeded Up next pool, the triage
    pair has triage days, and the esoteric customer is worked on in a pair."""
    from supportdesk_tui.demo import DEMO_PAIR_CUSTOMER, demo_settings, demo_this_week, start_fakes
    from supportdesk_tui.domain.roster import pairings

    env = start_fakes(clock=FixedClock(NOW))
    try:
        settings = demo_settings(env, tmp_path / "demo")
        plan = demo_this_week(env.trello, settings, NOW)
    finally:
        env.stop()
    assert plan is not None and plan.week == W48 and plan.triage_pair == ("ana", "chloe")
    assert all(plan.allocated(dev) >= 8 for dev in plan.developers)
    assert {dev for (dev, _), slots in plan.cells.items() if "triage" in [getattr(s, "value", s) for s in slots]} == \
        {"ana", "chloe"}
    [paired] = pairings(plan).values()
    assert plan.items[paired.card_id].customer == DEMO_PAIR_CUSTOMER and paired.people == ("ben", "chloe")
