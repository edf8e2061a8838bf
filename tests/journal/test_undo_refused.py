"""Undo when Groove refuses one of its two undocumented writes (unassign with "", clear priority with null).

The rest of the undo still happens, the original action is marked undone, and the sentence says what
to set back by hand. Against the fake Groove switched to refuse those writes (its default accepts them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from supportdesk_tui.services.container import Services
from tests.journal.groove_refusals import RefuseClearing
from tests.triage.fixtures import add_ticket


@pytest.fixture
async def services(make_services: Callable[..., Services]) -> AsyncIterator[Services]:
    s = make_services()
    await s.triage.load()
    yield s
    await s.aclose()


async def test_unassign_refused_the_rest_is_undone_and_the_toast_says_what_to_do(
        services: Services, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Layout broken")
    fixed = await services.triage.fix_now(await (await services.groove()).get_ticket(n))
    assert fixed.ok, fixed.message
    refusals = RefuseClearing(groove.server)
    result = await services.triage.undo()
    assert refusals.refused == [f"/v1/tickets/{n}/assignee"]
    assert result.ok, result.message
    assert f"Groove did not accept unassigning #{n}" in result.message and "by hand" in result.message
    assert "timebox stopped" in result.message and "unassigned (back to" not in result.message
    assert services.triage.row_mark(n, clock.now()) == ""  # the timebox went all the same
    assert groove.fake.tickets_snapshot()[n].assignee == "ana@consultancy.example"  # left for the person
    entry = services.store.journal_get(int(fixed.entry_id or 0))
    assert entry is not None and entry.status == "undone"


async def test_clearing_the_priority_refused(services: Services, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Payments down")  # no priority before
    urgent = await services.triage.urgent(await (await services.groove()).get_ticket(n), "orders stopped")
    assert urgent.ok, urgent.message
    RefuseClearing(groove.server)
    result = await services.triage.undo()
    assert result.ok, result.message
    assert f"Groove did not accept clearing the priority of #{n}; it had none before" in result.message
    assert "urgent mark removed" in result.message and "priority back to" not in result.message
    assert services.triage.row_mark(n, clock.now()) == ""
    assert groove.fake.tickets_snapshot()[n].priority == "high"


async def test_the_fake_accepts_both_writes_unless_switched(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "Outage")
    await services.triage.urgent(await (await services.groove()).get_ticket(n), "orders stopped")
    refusals = RefuseClearing(groove.server, priority=False)
    result = await services.triage.undo()
    assert result.ok and "priority back to none" in result.message and "by hand" not in result.message
    assert groove.fake.tickets_snapshot()[n].priority is None and refusals.refused == []


async def test_a_refused_restore_of_a_named_priority_still_stops_the_undo(services: Services, groove: Any) -> None:
    n = add_ticket(groove, 5, "Outage", priority="low")
    await services.triage.urgent(await (await services.groove()).get_ticket(n), "orders stopped")
    groove.server.fail_next("PUT", r"/priority$", "status", status=422)  # "low" is documented: not a guess
    result = await services.triage.undo()
    assert result.status == "failed" and "stopped at 'priority'" in result.message
