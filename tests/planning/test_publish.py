"""Publishing a plan to Trello: what lands on the cards, twice changes nothing, and a fault half-way resumes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from supportdesk_tui.clients.trello.parse import parse_instant
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.journal import ATTEMPT, DONE, PENDING
from supportdesk_tui.services.planning.actions import PUBLISH_KIND, due_instant

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv

W48 = IsoWeek(2026, 48)
MON, TUE, WED, THU, FRI = W48.days()


async def pool_plan(services: Services) -> tuple[Plan, tuple[WorkItem, ...]]:
    """Three cards: one with a Support Epics copy (two cards to update), and two lone customer cards."""
    pool = (await services.planning.load_pool()).items
    epic = next(i for i in pool if i.source_card_id)
    lone = [i for i in pool if not i.source_card_id][:2]
    plan = Plan.new(W48, ("ana", "ben", "chloe", "dev")).with_triage_pair(("ana", "chloe"))
    steps: list[tuple[str, date, WorkItem | None]] = [
        ("ana", MON, epic), ("ana", MON, epic), ("ben", TUE, epic), ("ana", TUE, None), ("ana", TUE, None),
        ("chloe", WED, lone[0]), ("dev", THU, lone[1]), ("dev", FRI, lone[1])]
    for dev, day, work in steps:
        plan = (plan.mark_triage(dev, day) if work is None else plan.assign(dev, day, work)).plan
    return plan, pool


def steps_done(done: dict[str, Any]) -> list[str]:
    """Finished steps (the journal also keeps ``<step>@attempt`` counters beside them)."""
    return [k for k in done if not k.endswith(ATTEMPT)]


def plan_comments(trello: TrelloEnv, card_id: str) -> list[str]:
    return [c for c in trello.fake.comments_on(card_id) if c.startswith("Support plan 2026-W48")]


def usernames(trello: TrelloEnv, card_id: str) -> set[str]:
    members = trello.fake.state.members
    return {members[m].username for m in trello.fake.state.card(card_id).id_members}


def check_published(trello: TrelloEnv, services: Services, plan: Plan, pool: tuple[WorkItem, ...]) -> None:
    expected: dict[str, tuple[set[str], date]] = {  # card -> (developers, last day)
        "epic": ({"ana", "ben"}, TUE), "lone0": ({"chloe"}, WED), "lone1": ({"dev"}, FRI)}
    epic = next(i for i in pool if i.source_card_id)
    lone = [i for i in pool if not i.source_card_id][:2]
    cards: dict[str, list[str | None]] = {"epic": [epic.card_id, epic.source_card_id], "lone0": [lone[0].card_id],
                                         "lone1": [lone[1].card_id]}
    for key, ids in cards.items():
        developers, last_day = expected[key]
        for card_id in ids:
            assert card_id is not None
            assert developers <= usernames(trello, card_id)
            due = trello.fake.card(card_id)["due"]
            assert parse_instant(due) == due_instant(last_day, services.settings)
            assert len(plan_comments(trello, card_id)) == 1


async def test_publish_sets_members_due_and_comment_then_twice_changes_nothing(services: Services,
                                                                             trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    first = await services.planning.publish(plan, pool)
    assert first.outcome is not None and first.outcome.status == DONE and first.cards == 3
    assert first.due_set == 4 and first.comments == 4 and first.members_added >= 1
    check_published(trello, services, plan, pool)
    epic = next(i for i in pool if i.source_card_id)
    assert plan_comments(trello, epic.card_id) == [
        "Support plan 2026-W48: ana, Mon; ben, Tue (half day). Due Tue 24 Nov."]

    writes_before = len(trello.writes())
    actions_before = sum(len(trello.fake.actions_on(b)) for b in trello.fake.state.boards)
    second = await services.planning.publish(plan, pool)
    assert second.outcome is not None and second.outcome.status == DONE
    assert second.changed == 0 and "nothing changed" in second.summary()
    assert len(trello.writes()) == writes_before  # not one POST or PUT the second time
    assert sum(len(trello.fake.actions_on(b)) for b in trello.fake.state.boards) == actions_before
    entries = [e for e in services.store.journal_entries() if e.kind == PUBLISH_KIND]
    assert [e.status for e in entries] == [DONE, DONE]  # both journaled, each with its steps recorded
    assert len(steps_done(entries[0].done_steps)) == 4 and entries[0].payload["week"] == "2026-W48"


async def test_a_changed_plan_publishes_only_the_difference(services: Services, trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    await services.planning.publish(plan, pool)
    lone = next(i for i in pool if not i.source_card_id)
    moved = plan.clear("chloe", WED).assign("chloe", THU, lone).plan
    writes_before = len(trello.writes())
    report = await services.planning.publish(moved, pool)
    assert (report.members_added, report.due_set, report.comments) == (0, 1, 1)
    assert len(trello.writes()) == writes_before + 2
    assert parse_instant(trello.fake.card(lone.card_id)["due"]) == due_instant(THU, services.settings)


async def test_a_developer_without_a_trello_member_is_skipped_with_a_note(
        make_services: Callable[..., Services], trello: TrelloEnv) -> None:
    services = make_services(team={"developers": ["ana", "zoe"], "triage_leads": ["ana"]})
    pool = (await services.planning.load_pool()).items
    work = next(i for i in pool if not i.source_card_id)
    plan = Plan.new(W48, ("ana", "zoe")).assign("zoe", MON, work).plan.assign("ana", TUE, work).plan
    report = await services.planning.publish(plan, pool)
    assert report.outcome is not None and report.outcome.ok
    assert any(n.startswith("zoe has no Trello member") for n in report.notes)
    assert "ana" in usernames(trello, work.card_id) and "zoe" not in usernames(trello, work.card_id)
    assert len(plan_comments(trello, work.card_id)) == 1


async def test_an_archived_card_is_skipped_with_a_note(services: Services, trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    lone = next(i for i in pool if not i.source_card_id)
    trello.fake.state.card(lone.card_id).closed = True
    report = await services.planning.publish(plan, pool)
    assert report.outcome is not None and report.outcome.ok
    assert any("not on the" in n and "skipped" in n for n in report.notes)
    assert plan_comments(trello, lone.card_id) == []


async def test_a_lost_answer_half_way_is_rerun_at_once_without_a_second_comment(
        services: Services, trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    lone = next(i for i in pool if not i.source_card_id)
    # Trello processes the comment on the third card but the answer is lost: the write may have happened.
    trello.server.fail_next("POST", rf"/cards/{lone.card_id}/actions/comments$", action="drop_after")
    report = await services.planning.publish(plan, pool)
    assert report.outcome is not None and report.outcome.status == DONE
    check_published(trello, services, plan, pool)  # the re-run found the comment and did not post it again
    entry = next(e for e in services.store.journal_entries() if e.kind == PUBLISH_KIND)
    assert entry.attempts[f"card:{lone.card_id}"] == 2


async def test_a_fault_half_way_stays_pending_and_resume_finishes_it(services: Services, trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    lone = next(i for i in pool if not i.source_card_id)
    trello.server.fail_next("POST", rf"/cards/{lone.card_id}/actions/comments$", status=503, times=2)
    first = await services.planning.publish(plan, pool)
    assert first.outcome is not None and first.outcome.status == PENDING and "will retry" in first.outcome.message
    entry = next(e for e in services.store.journal_entries(PENDING) if e.kind == PUBLISH_KIND)
    assert len(steps_done(entry.done_steps)) == 2  # the epic card and its source are done and written down
    assert plan_comments(trello, lone.card_id) == []
    writes_before = len(trello.writes())
    outcomes = await services.journal.resume()
    assert [o.status for o in outcomes] == [DONE]
    check_published(trello, services, plan, pool)
    assert services.store.journal_entries(PENDING) == []
    # The resume wrote only what was missing on the two unfinished cards (the done ones were not re-read).
    assert len(trello.writes()) - writes_before <= 2 * 3


async def test_trello_down_queues_the_publish(services: Services, trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    trello.server.faults.down = True
    report = await services.planning.publish(plan, pool)
    assert report.outcome is not None and report.outcome.status == PENDING
    assert "will retry" in report.summary()
    trello.server.faults.down = False
    assert [o.status for o in await services.journal.resume()] == [DONE]
    check_published(trello, services, plan, pool)


def test_nothing_to_publish_is_said_in_words() -> None:
    from supportdesk_tui.services.planning.service import PublishReport

    assert PublishReport(None).summary().startswith("Nothing to publish")


async def test_publish_payload_is_journaled_before_any_call(services: Services, trello: TrelloEnv) -> None:
    plan, pool = await pool_plan(services)
    trello.server.faults.down = True
    await services.planning.publish(plan, pool)
    entry = services.store.journal_entries(PENDING)[0]
    targets: list[dict[str, Any]] = entry.payload["targets"]
    assert entry.kind == PUBLISH_KIND and steps_done(entry.done_steps) == []
    assert sorted(len(t["developers"]) for t in targets) == [1, 1, 2, 2]
