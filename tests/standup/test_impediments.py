"""Impediments over loopback: both sides labelled and commented once, whatever fails half-way.

A fault at each write (processed by Trello, then the answer lost and Trello gone), then a restart
that replays the journal, must leave exactly one ``Blocked`` label per board, the label once on each
card, and one impediment comment per side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from supportdesk_tui.domain.impediments import BLOCKED_LABEL, CLEARED_COMMENT
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, SUPPORT_EPICS_BOARD_ID
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.standup.impediments import ImpedimentTarget
from tests.standup.fixtures import WED, plan_week

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv

ACME = DEMO_CUSTOMERS[0].board_id
REASON = "Waiting for Acme's VAT format"
COMMENT = f"Impediment: {REASON} (ana, 2026-11-25)"


def lost_answer_then_down(server: FakeServer, method: str, path: str, board: str | None = None) -> None:
    """The next matching request is processed, then answered 500 and Trello goes away (until restarted)."""
    inner = server.handler

    def handler(req: Request) -> Response:
        response = inner(req)
        if req.method == method and re.search(path, req.path) and (board is None or board in req.body.decode()):
            server.faults.down = True
            server.handler = inner
            return Response.json({"errors": ["lost"]}, 500)
        return response

    server.handler = handler


def blocked_labels(trello: TrelloEnv, board: str) -> list[str]:
    with trello.fake.lock:
        return [lb.id for lb in trello.fake.state.labels.values() if lb.board_id == board and lb.name == BLOCKED_LABEL]


def label_names(trello: TrelloEnv, card_id: str) -> list[str]:
    return [lb["name"] for lb in trello.fake.card(card_id)["labels"]]


async def target_of(services: Services) -> tuple[ImpedimentTarget, str, str]:
    planned = await plan_week(services)
    view = await services.standup.load(WED)
    target = view.targets[planned.paired.card_id]
    return target, planned.paired_source, planned.paired.card_id


def assert_flagged_once(trello: TrelloEnv, source: str, copy: str) -> None:
    for board, card in ((ACME, source), (SUPPORT_EPICS_BOARD_ID, copy)):
        assert len(blocked_labels(trello, board)) == 1, board
        assert label_names(trello, card).count(BLOCKED_LABEL) == 1, card
        assert trello.fake.comments_on(card).count(COMMENT) == 1, card
        assert [lb["color"] for lb in trello.fake.card(card)["labels"] if lb["name"] == BLOCKED_LABEL] == ["red"]


async def test_flag_labels_and_comments_both_sides_then_clear(services: Services, trello: TrelloEnv) -> None:
    target, source, copy = await target_of(services)
    outcome = await services.standup.flag(target, REASON, "ana")
    assert outcome.status is JournalStatus.DONE, outcome.message
    assert outcome.confirmation.endswith("and its Support Epics copy labelled Blocked, with the reason in a comment.")
    assert_flagged_once(trello, source, copy)
    view = await services.standup.load(WED)  # within the minute: the top-up sees our own comment
    ana = next(d for d in view.standup.developers if d.developer == "ana")
    assert ana.today[0].blocked == REASON and ana.impediments == (f"Acme Ltd: {target.name}: {REASON}",)
    again = await services.standup.flag(target, REASON, "ana")  # `!` on a stale screen: nothing doubles
    assert again.ok
    assert_flagged_once(trello, source, copy)
    cleared = await services.standup.clear(target)
    assert cleared.ok, cleared.message
    for card in (source, copy):
        assert BLOCKED_LABEL not in label_names(trello, card)
        assert trello.fake.comments_on(card)[-1] == CLEARED_COMMENT
    assert (await services.standup.clear(target)).ok  # clearing twice posts nothing more
    assert [trello.fake.comments_on(c).count(CLEARED_COMMENT) for c in (source, copy)] == [1, 1]
    view = await services.standup.load(WED)
    assert not next(d for d in view.standup.developers if d.developer == "ana").today[0].blocked


FLAG_FAULTS = [
    pytest.param("POST", r"^/1/labels/?$", ACME, id="making the label on the customer's board"),
    pytest.param("POST", r"^/1/cards/{source}/idLabels/?$", None, id="labelling the customer's card"),
    pytest.param("POST", r"^/1/cards/{source}/actions/comments/?$", None, id="commenting on the customer's card"),
    pytest.param("POST", r"^/1/labels/?$", SUPPORT_EPICS_BOARD_ID, id="making the label on Support Epics"),
    pytest.param("POST", r"^/1/cards/{copy}/idLabels/?$", None, id="labelling the copy"),
    pytest.param("POST", r"^/1/cards/{copy}/actions/comments/?$", None, id="commenting on the copy"),
]


@pytest.mark.parametrize(("method", "path", "board"), FLAG_FAULTS)
async def test_a_fault_at_each_step_then_a_restart_leaves_one_label_and_one_comment(
        make_services: Callable[..., Services], trello: TrelloEnv, method: str, path: str, board: str | None) -> None:
    services = make_services()
    target, source, copy = await target_of(services)
    lost_answer_then_down(trello.server, method, path.format(source=source, copy=copy), board)
    outcome = await services.standup.flag(target, REASON, "ana")
    assert outcome.status is JournalStatus.PENDING, outcome.message  # queued: Trello went away
    await services.aclose()
    trello.server.faults.down = False
    restarted = make_services(services.settings)
    outcomes = await restarted.resume_journal()
    assert outcomes is not None and [o.status for o in outcomes] == [JournalStatus.DONE]
    assert_flagged_once(trello, source, copy)


@pytest.mark.parametrize("path", [r"^/1/cards/{source}/idLabels/\w+/?$", r"^/1/cards/{copy}/actions/comments/?$"])
async def test_clearing_survives_a_fault_and_a_restart(make_services: Callable[..., Services], trello: TrelloEnv,
                                                       path: str) -> None:
    services = make_services()
    target, source, copy = await target_of(services)
    assert (await services.standup.flag(target, REASON, "ana")).ok
    method = "DELETE" if "idLabels" in path else "POST"
    lost_answer_then_down(trello.server, method, path.format(source=source, copy=copy))
    assert (await services.standup.clear(target)).status is JournalStatus.PENDING
    await services.aclose()
    trello.server.faults.down = False
    restarted = make_services(services.settings)
    outcomes: Any = await restarted.resume_journal()
    assert [o.status for o in outcomes] == [JournalStatus.DONE]
    for card in (source, copy):
        assert BLOCKED_LABEL not in label_names(trello, card)
        assert trello.fake.comments_on(card).count(CLEARED_COMMENT) == 1


async def test_flagging_a_card_without_a_copy_labels_only_the_customer_side(services: Services,
                                                                           trello: TrelloEnv) -> None:
    planned = await plan_week(services)
    view = await services.standup.load(WED)
    target = view.targets[planned.solo.card_id]
    outcome = await services.standup.flag(target, "Tom is away", "ben")
    assert outcome.ok and "Support Epics" not in outcome.confirmation
    assert label_names(trello, planned.solo.card_id).count(BLOCKED_LABEL) == 1
    assert blocked_labels(trello, SUPPORT_EPICS_BOARD_ID) == []


async def test_another_machine_sees_the_flag_on_its_next_poll_of_boards(make_services: Callable[..., Services],
                                                                       trello: TrelloEnv) -> None:
    from supportdesk_tui.widgets.kanban import card_prompt

    first = make_services()
    target, source, _copy = await target_of(first)
    await first.boards.refresh(ACME)
    await first.boards.refresh(ACME)  # the change baseline is set: the next poll costs one small request
    other = make_services(replace(first.settings, data_dir=first.settings.data_dir.parent / "other"))
    assert (await other.standup.flag(target, REASON, "ben")).ok
    update = await first.boards.refresh(ACME)
    card = next(c for c in update.board.cards if c.id == source)
    assert update.reloaded and card_prompt(card).plain.startswith("⛔ BLOCKED ")
