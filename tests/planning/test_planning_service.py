"""PlanningService against the loopback fakes: the pool, weeks in the store, the rota and confirmations."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from supportdesk_tui.domain.planning import TRIAGE, IsoWeek, Plan, WorkItem
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, SUPPORT_EPICS_BOARD_ID
from supportdesk_tui.fakes.trello.seed import SOURCE_PREFIX
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.planning.actions import CONFIRM_KIND, due_instant, publish_targets
from tests.support import NOW

if TYPE_CHECKING:
    from supportdesk_tui.domain.clock import FixedClock
    from tests.planning.fixtures import TrelloEnv

W48 = IsoWeek(2026, 48)  # the week of NOW (Wed 25 Nov 2026)


def source_of(desc: str) -> str | None:
    for line in desc.splitlines():
        if line.startswith(SOURCE_PREFIX):
            return line[len(SOURCE_PREFIX):].strip()
    return None


# ------------------------------------------------------------------------------------------------ pool
async def test_pool_offers_every_up_next_card_once_preferring_the_epic_copy(services: Services,
                                                                           trello: TrelloEnv) -> None:
    pool = await services.planning.load_pool()
    assert pool.problems == () and pool.loaded_at == NOW
    epics = {source_of(c["desc"]): c for lst in ("Up next", "In progress")
             for c in trello.fake.cards_on(SUPPORT_EPICS_BOARD_ID, lst)}
    for customer in DEMO_CUSTOMERS:
        up_next = trello.fake.cards_on(customer.board_id, "Up next")
        items = [i for i in pool.items if i.customer == customer.name]
        assert [i.title for i in items] == [c["name"] for c in up_next]  # the board's order, each once
        for item, card in zip(items, up_next, strict=True):
            copy = epics.get(card["shortLink"])
            if copy is None:
                assert (item.card_id, item.source_card_id) == (card["id"], None)
            else:
                assert (item.card_id, item.source_card_id) == (copy["id"], card["id"])
    with_copy = [i for i in pool.items if i.source_card_id]
    assert 0 < len(with_copy) < len(pool.items)  # the demo has copies for some cards, not all


async def test_pool_estimates_come_from_labels(services: Services, trello: TrelloEnv) -> None:
    board = DEMO_CUSTOMERS[0].board_id
    card_id = trello.fake.add_card(board, "Up next", "Two and a half days", labels=["est:2.5d"])
    hours_id = trello.fake.add_card(board, "Up next", "Six hours", labels=["est:6h", "bug"])
    none_id = trello.fake.add_card(board, "Up next", "No estimate")
    items = {i.card_id: i for i in (await services.planning.load_pool()).items}
    assert items[card_id].estimate_half_days == 5
    assert items[hours_id].estimate_half_days == 2
    assert items[none_id].estimate_half_days is None


async def test_pool_with_a_board_that_cannot_be_read(services: Services, trello: TrelloEnv) -> None:
    acme = DEMO_CUSTOMERS[0]
    trello.server.fail_next("GET", f"/1/boards/{acme.board_id}$", status=404)
    pool = await services.planning.load_pool()
    assert len(pool.problems) == 1 and pool.problems[0].startswith("Acme Ltd: board not loaded")
    acme_items = [i for i in pool.items if i.customer == acme.name]
    copies = [c for c in trello.fake.cards_on(SUPPORT_EPICS_BOARD_ID, "Up next") if c["name"].startswith("Acme Ltd: ")]
    # Only the Support Epics copies of Acme's work remain, named without the customer prefix.
    assert sorted(i.title for i in acme_items) == sorted(c["name"][len("Acme Ltd: "):] for c in copies)
    assert all(i.source_card_id for i in acme_items)
    assert {i.customer for i in pool.items} == {c.name for c in DEMO_CUSTOMERS}


async def test_pool_ignores_copies_in_done_and_sources_that_left_up_next(services: Services,
                                                                         trello: TrelloEnv) -> None:
    acme = DEMO_CUSTOMERS[0]
    card = trello.fake.cards_on(acme.board_id, "Up next")[0]
    trello.fake.move_card_as_other_person(card["id"], "Done")
    pool = await services.planning.load_pool()
    ids = {i.card_id for i in pool.items} | {i.source_card_id for i in pool.items}
    assert card["id"] not in ids
    done_copies = {c["id"] for c in trello.fake.cards_on(SUPPORT_EPICS_BOARD_ID, "Done")}
    assert not done_copies & ids


# ---------------------------------------------------------------------------------------------- today
async def test_every_service_takes_today_from_the_team_zone_on_the_context(make_services: Callable[..., Services],
                                                                          clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # Sunday noon in UTC: Monday 01:00 in Auckland
    services = make_services(sla={"target_hours": 48, "warn_hours": [12, 4], "timezone": "Pacific/Auckland"},
                             trello={"support_epics_board": SUPPORT_EPICS_BOARD_ID,
                                     "lists": {"done": "Done {week}"}})
    monday = date(2026, 11, 30)
    assert services.context.today() == monday and services.context.zone().key == "Pacific/Auckland"
    assert services.planning.today() == monday and services.planning.this_week() == W48.next()
    assert services.call.agendas.today() == monday
    assert services.boards.this_week() == W48.next() and services.boards.done_name() == "Done 2026-W49"


async def test_with_a_week_pattern_copies_in_any_weeks_done_list_are_finished(make_services: Callable[..., Services],
                                                                               trello: TrelloEnv) -> None:
    services = make_services(trello={"support_epics_board": SUPPORT_EPICS_BOARD_ID,
                                     "lists": {"done": "Done {week}"}})
    epics = {source_of(c["desc"]): c for c in trello.fake.cards_on(SUPPORT_EPICS_BOARD_ID, "Up next")}
    (customer, card), (_, other) = [(c, card) for c in DEMO_CUSTOMERS for card in trello.fake.cards_on(c.board_id,
                                                                                                       "Up next")
                                    if card["shortLink"] in epics][:2]
    copy, other_copy = epics[card["shortLink"]], epics[other["shortLink"]]
    trello.fake.add_list(SUPPORT_EPICS_BOARD_ID, "Done 2026-W47")  # last week's Done list, named by the pattern
    trello.fake.move_card_as_other_person(copy["id"], "Done 2026-W47")  # finished there; the card came back
    trello.fake.add_list(SUPPORT_EPICS_BOARD_ID, "Recently Completed")
    trello.fake.move_card_as_other_person(other_copy["id"], "Recently Completed")  # finished too
    trello.fake.add_list(customer.board_id, "Done 2026-W46")
    trello.fake.add_card(customer.board_id, "Done 2026-W46", "Older work", members=["ana"],
                         created=NOW - timedelta(days=15))
    pool = await services.planning.load_pool()
    for source in (card, other):
        (item,) = [i for i in pool.items if source["id"] in (i.card_id, i.source_card_id)]
        assert (item.card_id, item.source_card_id) == (source["id"], None)  # itself, not its finished copy
    assert not {copy["id"], other_copy["id"]} & {i.card_id for i in pool.items}
    known = dict((await services.planning.knowledge(W48)).known_by(customer.name, W48))
    assert known.get("ana") == 2  # a member of a card finished in an older week's Done list


# ----------------------------------------------------------------------------------------------- weeks
def item(card_id: str, customer: str = "Acme Ltd", estimate: int | None = 2) -> WorkItem:
    return WorkItem(card_id, customer, f"Card {card_id}", estimate, None, f"https://trello.com/c/{card_id}")


async def test_a_week_is_new_then_saved_then_seeds_the_next_one(services: Services) -> None:
    svc = services.planning
    assert svc.this_week() == W48
    opened = await svc.open_week(W48)
    assert opened.source == "new" and opened.plan.developers == ("ana", "ben", "chloe", "dev")
    assert opened.plan.triage_pair == ("ana", "chloe")  # the fair suggestion: lead ana, then a non-lead
    keep, gone = item("k1"), item("g1")
    mon = W48.monday
    plan = opened.plan.assign("ana", mon, keep).plan.assign("ben", mon, gone).plan.mark_triage("ana", mon).plan
    plan = plan.set_available("dev", 4)
    await svc.save(plan)
    again = await svc.open_week(W48)
    assert again.source == "saved" and again.plan == plan
    nxt = await svc.open_week(W48.next(), [keep])
    assert nxt.source == "last week" and "2026-W48" in nxt.note
    next_mon = W48.next().monday
    assert nxt.plan.triage_pair == ("ben", "dev")  # the rota moved on, and the triage days with the role
    assert nxt.plan.cell("ana", next_mon) == ("k1",) and nxt.plan.cell("ben", next_mon) == (TRIAGE,)
    assert nxt.plan.available["dev"] == 4
    far = await svc.open_week(W48.next().next().next())
    assert far.source == "new" and far.plan.cells == {}


async def test_saves_keep_the_last_plan_whatever_the_interleaving(services: Services) -> None:
    svc = services.planning
    plans = [Plan.new(W48, ("ana", "ben", "chloe", "dev")).set_available("ana", n) for n in range(1, 8)]
    await asyncio.gather(*(svc.save(p) for p in plans))
    assert await svc.load_plan(W48) == plans[-1]


async def test_holidays_and_team_changes_apply_to_saved_plans(make_services: Callable[..., Services]) -> None:
    first = make_services()
    plan = Plan.new(W48, ("ana", "ben", "chloe", "dev")).assign("dev", W48.days()[4], item("x")).plan
    await first.planning.save(plan)
    later = make_services(sla={"holidays": ["2026-11-26"]},
                          team={"developers": ["ana", "ben", "chloe", "eve"], "triage_leads": ["ana", "ben"]})
    loaded = (await later.planning.open_week(W48)).plan
    assert loaded.developers == ("ana", "ben", "chloe", "eve") and loaded.holidays == {date(2026, 11, 26)}
    assert loaded.working_half_days == 8 and loaded.cells == {}


# ------------------------------------------------------------------------------------------------ rota
async def test_rota_saved_pair_wins_and_the_header_follows(make_services: Callable[..., Services]) -> None:
    services = make_services(team={"developers": ["ana", "ben", "chloe", "dev"], "triage_leads": ["ana", "ben"],
                                   "triage": ["ben", "dev"]})
    svc = services.planning
    assert (await svc.rota_for(W48)).source == "config"
    assert svc.current_pair() in (("ben", "dev"),)  # config until the rota has been read
    problems = await svc.set_rota(W48, ("chloe", "ana"))
    assert problems == ("ana is a triage lead; put them first.",)
    choice = await svc.rota_for(W48)
    assert (choice.pair, choice.source) == (("chloe", "ana"), "saved")
    assert svc.current_pair() == ("chloe", "ana")
    following = await svc.rota_for(W48.next())
    assert following.source == "suggested" and following.pair is not None
    assert not set(following.pair) & {"chloe", "ana"}  # nobody twice in a row while others can serve


async def test_header_pair_loads_in_the_background(make_services: Callable[..., Services]) -> None:
    services = make_services()
    services.store.save_rota(str(W48), "ben", "dev")
    svc = services.planning
    assert svc.current_pair() == ()  # nothing configured; the read has only started
    task = svc._cache.loading
    assert task is not None
    await task
    assert svc.current_pair() == ("ben", "dev")


async def test_saving_a_plan_records_its_pair_in_the_rota(services: Services) -> None:
    svc = services.planning
    plan = Plan.new(W48, ("ana", "ben", "chloe", "dev")).with_triage_pair(("ben", "chloe"))
    await svc.save(plan)
    assert services.store.load_rota() == {"2026-W48": ("ben", "chloe")}


# -------------------------------------------------------------------------------------- confirmations
def add_ticket(groove: Any, email: str, subject: str, hours_ago: float, **kw: Any) -> int:
    number: int = groove.fake.add_ticket(customer_email=email, subject=subject, body=f"About {subject}",
                                         created_at=NOW - timedelta(hours=hours_ago), **kw)
    return number


def planned(*items: WorkItem) -> Plan:
    plan = Plan.new(W48, ("ana", "ben", "chloe", "dev"))
    for i, work in enumerate(items):
        plan = plan.assign("ana", W48.days()[i], work).plan
    return plan


def old_confirmation(number: int, text: str) -> dict[str, Any]:
    """An entry as older versions queued it: the week's confirmation as a reply on the customer's open ticket.
    New confirmations are their own tickets (tests/call/); entries already in users' journals must still finish."""
    return {"week": "2026-W48", "customer": "Acme Ltd", "ticket": number, "text": text, "author": ""}


async def test_an_old_confirmation_entry_still_finishes_once(services: Services, groove: Any) -> None:
    number = add_ticket(groove, "daisy@acme.example", "Newer question", 2)
    text = "Hello, here is the support plan for Acme Ltd this week."
    first = await services.journal.submit(CONFIRM_KIND, old_confirmation(number, text))
    assert first.ok and first.done["reply"]["already"] is False
    # Even a replayed journal entry finds the text in the thread and posts nothing.
    replay = await services.journal.submit(CONFIRM_KIND, old_confirmation(number, text))
    assert replay.ok and replay.done["reply"]["already"] is True
    sent = [m for m in groove.fake.messages_of(number) if "support plan for Acme Ltd" in m.plain_text]
    assert len(sent) == 1 and not sent[0].note


# ------------------------------------------------------------------------------------------- helpers
@pytest.mark.parametrize(("day", "hours", "expected"), [
    (date(2026, 11, 27), ["09:00-17:30"], datetime(2026, 11, 27, 17, 30, tzinfo=UTC)),  # GMT
    (date(2026, 6, 5), ["09:00-17:30"], datetime(2026, 6, 5, 16, 30, tzinfo=UTC)),  # BST
    (date(2026, 6, 5), ["09:00-12:00", "13:00-18:00"], datetime(2026, 6, 5, 17, 0, tzinfo=UTC)),
    (date(2026, 11, 27), ["00:00-24:00"], datetime(2026, 11, 27, 23, 59, tzinfo=UTC)),
])
def test_due_is_the_close_of_business_on_the_last_day(plan_settings: Callable[..., Any], day: date,
                                                      hours: list[str], expected: datetime) -> None:
    settings = plan_settings(sla={"business_hours": hours, "timezone": "Europe/London"})
    assert due_instant(day, settings) == expected


def test_publish_targets_cover_epic_and_source_and_merge_repeats(plan_settings: Callable[..., Any]) -> None:
    settings = plan_settings()
    epic = WorkItem("e1", "Acme Ltd", "Epic copy", 2, "c1", "")
    lone = WorkItem("c2", "Bluebird Travel", "Lone card", 2, None, "")
    old = WorkItem("c1", "Acme Ltd", "Same card before it had a copy", 2, None, "")
    mon, tue, *_ = W48.days()
    plan = Plan.new(W48, ("ana", "ben")).assign("ana", mon, epic).plan.assign("ben", tue, lone).plan
    plan = plan.assign("ben", tue, old).plan.mark_triage("ana", mon).plan
    targets = {t["card_id"]: t for t in publish_targets(plan, (), settings)}
    assert set(targets) == {"e1", "c1", "c2"}
    assert targets["e1"]["board_id"] == SUPPORT_EPICS_BOARD_ID
    assert targets["c1"]["board_id"] == DEMO_CUSTOMERS[0].board_id
    assert targets["c2"]["board_id"] == DEMO_CUSTOMERS[1].board_id
    assert targets["c1"]["developers"] == ["ana", "ben"]  # merged: the copy's source and the old item
    assert targets["c1"]["due"] == due_instant(tue, settings).isoformat()
    assert len(targets["c1"]["comments"]) == 2
    assert all(TRIAGE.value not in str(t) for t in targets.values())


async def test_a_lost_answer_to_the_reply_is_not_sent_twice(services: Services, groove: Any) -> None:
    number = add_ticket(groove, "wile@acme.example", "Question", 2)
    groove.server.fail_next("POST", rf"/tickets/{number}/messages$", action="drop_after")
    outcome = await services.journal.submit(CONFIRM_KIND, old_confirmation(number, "The support plan for this week."))
    assert outcome is not None and outcome.ok and outcome.done["reply"]["already"] is True
    assert len([m for m in groove.fake.messages_of(number) if "support plan" in m.plain_text]) == 1
