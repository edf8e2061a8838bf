"""Fixtures for the stand-up tests: the demo's Trello (six customers and Support Epics) and a planned week.

The Trello fixtures come from this folder's conftest. The plan is made
through the planning service from the live pool, so its items carry the ids Trello has: ana and chloe
share a card whose Support Epics copy exists (a pair), ben has a card without a copy, dev triages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.services.container import Services
from tests.support import NOW

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()
assert NOW.date() == WED


@dataclass
class Planned:
    plan: Plan
    paired: WorkItem  # has a Support Epics copy: card_id is the copy, source_card_id the customer's card
    solo: WorkItem  # no copy: card_id is the customer's card

    @property
    def paired_source(self) -> str:
        assert self.paired.source_card_id is not None
        return self.paired.source_card_id


async def plan_week(services: Services) -> Planned:
    pool = await services.planning.load_pool()
    paired = next(i for i in pool.items if i.source_card_id and i.customer == "Acme Ltd")
    solo = next(i for i in pool.items if not i.source_card_id and i.customer == "Bluebird Travel")
    plan = services.planning.new_plan(W48).with_triage_pair(("ana", "chloe"))
    for dev, day, item in (("ana", TUE, paired), ("ana", WED, paired), ("ana", WED, paired), ("chloe", WED, paired),
                           ("ben", TUE, solo), ("ben", TUE, solo), ("ben", WED, solo)):
        plan = plan.assign(dev, day, item).plan
    plan = plan.mark_triage("dev", WED).plan
    await services.planning.save(plan)
    await services.planning.record.drain()  # the plan reaches its Trello card now, not on the app's next start
    await services.planning.record.check()  # as the app does at start and on every boards poll
    return Planned(plan, paired, solo)


def other_person_comments(trello: TrelloEnv, card_id: str, text: str, username: str = "ben") -> None:
    """Someone comments in the Trello web app."""
    fake = trello.fake
    with fake.lock:
        card = fake.state.card(card_id)
        actor = fake.add_member(username)
        fake.state.comment(card, text, actor)


def day_after(day: date) -> date:
    return day + timedelta(days=1)
