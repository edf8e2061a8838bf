"""Entries written by the journal before it was typed still load, resume and undo.

``fixtures/journal_v2.sqlite3`` was written by that older code (see ``make_fixture.py``): every kind
of action, done, failed, undone, pending half-way with ``"<step>@attempt"`` keys among the step
results, and queued. Here the current code opens a copy of it: the attempt keys move to their own
column, every payload and step result reads back into its dataclass and writes back the same JSON,
and, on the same fakes the fixture was made against (rebuilt by replaying the scenario), the pending
entries finish with one card and one note each and the old done entries undo.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from supportdesk_tui.domain.actions import (
    PAYLOADS,
    Archived,
    Assigned,
    AssigneeSet,
    BacklogCard,
    BacklogCheck,
    Confirmed,
    ListMove,
    PrioritySet,
    Published,
    ReplySent,
    Settled,
    Snapshot,
    TicketNow,
    TimeboxStarted,
)
from supportdesk_tui.domain.journal import ActionKind, At, CardId, JournalStatus, JsonRecord, Posted, StateSet
from supportdesk_tui.services.triage.undo import plan_undo
from supportdesk_tui.store import SCHEMA_VERSION, Store
from tests.boards.fixtures import ACME
from tests.journal.groove_refusals import RefuseClearing
from tests.journal.scenario import Fakes, run_scenario, services_on, start_fakes
from tests.triage.fixtures import notes_with, ticket_url

FIXTURE = Path(__file__).parent / "fixtures" / "journal_v2.sqlite3"
LEGACY = "@attempt"
K = ActionKind
# Kinds added after the fixture was written: the older code cannot have stored them.
NEWER_KINDS = {ActionKind.PLAN_CONFIRM_TICKET.value, ActionKind.WEEK_CLOSE.value,
               ActionKind.IMPEDIMENT.value, ActionKind.IMPEDIMENT_CLEAR.value, ActionKind.PLAN_RECORD.value}
RESULTS: dict[tuple[ActionKind, str], type[JsonRecord]] = {
    (K.BACKLOG, "check"): BacklogCheck, (K.BACKLOG, "card"): BacklogCard, (K.BACKLOG, "note"): Posted,
    (K.BACKLOG, "state"): StateSet, (K.BACKLOG, "record"): At,
    (K.FIX_NOW, "check"): Snapshot, (K.FIX_NOW, "assign"): Assigned, (K.FIX_NOW, "timebox"): TimeboxStarted,
    (K.URGENT, "check"): Snapshot, (K.URGENT, "priority"): PrioritySet, (K.URGENT, "note"): Posted,
    (K.URGENT, "mark"): At,
    (K.CLOSE, "check"): Snapshot, (K.CLOSE, "reply"): Posted, (K.CLOSE, "state"): StateSet, (K.CLOSE, "record"): At,
    (K.NOTE, "note"): Posted,
    (K.UNDO, "check"): TicketNow, (K.UNDO, "card"): Archived, (K.UNDO, "state"): StateSet,
    (K.UNDO, "assignee"): AssigneeSet, (K.UNDO, "priority"): PrioritySet, (K.UNDO, "local"): At,
    (K.BOARD_MOVE, "move"): ListMove, (K.BOARD_DONE, "move"): ListMove, (K.BOARD_DONE, "reply"): ReplySent,
    (K.BOARD_DONE, "close"): StateSet,
    (K.EPICS_COPY, "copy"): CardId, (K.EPICS_COPY, "settle"): Settled, (K.EPICS_COPY, "label"): CardId,
    (K.EPICS_DONE, "move"): CardId, (K.EPICS_DEDUPE, "archive"): Settled, (K.EPICS_ORPHAN, "archive"): CardId,
    (K.PLAN_CONFIRM, "reply"): Confirmed,
}


def raw_rows(path: Path) -> dict[int, dict[str, Any]]:
    """The journal table as stored (no Store involved)."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return {r["id"]: dict(r) for r in db.execute("SELECT * FROM journal")}
    finally:
        db.close()


def fixture_copy(tmp_path: Path, name: str = "data") -> Path:
    target = tmp_path / name / "supportdesk.sqlite3"
    target.parent.mkdir(parents=True)
    shutil.copy(FIXTURE, target)
    return target


def legacy_split(steps: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    return ({k: v for k, v in steps.items() if not k.endswith(LEGACY)},
            {k.removesuffix(LEGACY): v for k, v in steps.items() if k.endswith(LEGACY)})


def test_the_fixture_holds_every_kind_and_state_the_old_way() -> None:
    rows = raw_rows(FIXTURE)
    assert {r["kind"] for r in rows.values()} == {k.value for k in ActionKind} - NEWER_KINDS
    assert {r["status"] for r in rows.values()} == {s.value for s in JournalStatus}
    assert "attempts" not in next(iter(rows.values()))  # schema 2: no column for them yet
    midway = [r for r in rows.values() if r["status"] == "pending" and LEGACY in r["done_steps"]]
    assert midway and all(json.loads(r["done_steps"]) for r in midway)


def test_opening_it_moves_attempt_keys_to_their_own_column(tmp_path: Path) -> None:
    path = fixture_copy(tmp_path)
    before = raw_rows(path)
    store = Store(path)
    try:
        entries = {e.id: e for e in store.journal_entries(None, 1000)}
        assert store.get_meta("schema") == str(SCHEMA_VERSION)
    finally:
        store.close()
    after = raw_rows(path)
    assert entries.keys() == before.keys() == after.keys()
    for entry_id, old in before.items():
        results, attempts = legacy_split(json.loads(old["done_steps"]) or {})
        entry = entries[entry_id]
        assert entry.done_steps == results and entry.attempts == attempts, entry_id
        assert isinstance(entry.status, JournalStatus) and entry.status == old["status"]
        # migrated in the file itself, not only when read
        assert LEGACY not in after[entry_id]["done_steps"]
        assert json.loads(after[entry_id]["attempts"]) == attempts
        assert (json.loads(after[entry_id]["done_steps"]) or {}) == results


def test_every_payload_and_step_result_reads_back_as_it_was_stored(tmp_path: Path) -> None:
    store = Store(fixture_copy(tmp_path))
    try:
        entries = store.journal_entries(None, 1000)
    finally:
        store.close()
    checked = 0
    for entry in entries:
        kind = ActionKind(entry.kind)
        payload = PAYLOADS[kind].from_json(entry.payload)
        assert payload.KIND is kind and payload.to_json() == entry.payload, entry.id
        for step, result in entry.done_steps.items():
            record = Published if kind is K.PLAN_PUBLISH else RESULTS[(kind, step)]
            assert record.from_json(result).to_json() == result, (entry.id, step)
            checked += 1
    assert checked > 40


async def replayed(tmp_path: Path) -> Fakes:
    """The fakes as they were when the fixture was written: the scenario run again, by today's code."""
    fakes = start_fakes()
    await run_scenario(fakes, tmp_path / "replay")
    return fakes


async def test_todays_code_writes_the_same_entries_as_the_old(tmp_path: Path) -> None:
    fakes = await replayed(tmp_path)
    fakes.stop()
    old = raw_rows(FIXTURE)
    new = raw_rows(tmp_path / "replay" / "supportdesk.sqlite3")
    assert old.keys() == new.keys()
    for entry_id, row in old.items():
        mine = new[entry_id]
        results, attempts = legacy_split(json.loads(row["done_steps"]) or {})
        payload, again = json.loads(row["payload"]), json.loads(mine["payload"])
        if row["kind"] == K.PLAN_PUBLISH:
            payload.pop("run"), again.pop("run")  # a fresh random id per publish
        assert (mine["kind"], mine["ticket"], mine["status"], again) == (row["kind"], row["ticket"], row["status"],
                                                                         payload), entry_id
        assert ((json.loads(mine["done_steps"]) or {}), json.loads(mine["attempts"])) == (results, attempts), entry_id


async def test_old_pending_entries_resume_and_old_done_ones_undo(tmp_path: Path) -> None:
    fakes = await replayed(tmp_path)
    groove = fakes.groove
    t = fakes.tickets
    s = services_on(fakes, tmp_path / "data", Store(fixture_copy(tmp_path)))
    try:
        await s.triage.load()
        outcomes = await s.journal.resume()
        assert [(o.kind, o.status) for o in outcomes] == [("backlog", "done"), ("note", "done"), ("fix_now", "done")]
        # the backlog stopped before its card: one card now, one note with its link, the state set
        (card,) = [c for c in fakes.world.trello.cards_on(ACME.board_id) if ticket_url(t["midway"]) in c["desc"]]
        assert len(notes_with(groove, t["midway"], card["shortUrl"])) == 1
        assert groove.fake.tickets_snapshot()[t["midway"]].state == "closed"
        assert outcomes[0].confirmation == (f"#{t['midway']} backlogged: card in Acme Ltd › New Issues "
                                            f"({card['shortUrl']}); ticket closed.")
        assert len(notes_with(groove, t["queued"], "Waiting on Wile")) == 1
        assert groove.fake.tickets_snapshot()[t["later"]].assignee == "ana@consultancy.example"
        assert groove.fake.tickets_snapshot()[t["cancelled"]].state == "opened"  # undone before it ran
        assert s.journal.pending_count == 0

        entries = {e.kind: e for e in s.store.journal_entries(None, 1000) if e.status == "done"}  # oldest wins
        backlog = entries["backlog"]  # the first backlog, done by the old code
        assert backlog.ticket == t["backlog"]
        RefuseClearing(groove.server)  # and Groove refuses the two undocumented writes
        undone = []
        for target in (backlog, entries["fix_now"], entries["urgent"]):
            payload, why = plan_undo(target, "ana@consultancy.example")
            assert payload is not None, why
            outcome = await s.journal.submit(payload, ticket=target.ticket)
            assert outcome.ok, outcome.message
            undone.append(outcome.confirmation)
        old_card = json.loads(raw_rows(FIXTURE)[backlog.id]["done_steps"])["card"]["id"]
        assert fakes.world.trello.card(old_card)["closed"] is True
        assert groove.fake.tickets_snapshot()[t["backlog"]].state == "opened"
        assert "card archived, ticket reopened (opened)" in undone[0]
        assert f"Groove did not accept unassigning #{t['fix']}" in undone[1]
        assert f"Groove did not accept clearing the priority of #{t['urgent']}" in undone[2]
        assert s.triage.row_mark(t["fix"], fakes.clock.now()) == "" == s.triage.row_mark(t["urgent"], fakes.clock.now())
        statuses = {e.id: e.status for e in s.store.journal_entries(None, 1000)}
        assert [statuses[e.id] for e in (backlog, entries["fix_now"], entries["urgent"])] == ["undone"] * 3
    finally:
        await s.aclose()
        fakes.stop()
