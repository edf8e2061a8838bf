"""Back online: the services decide when queued actions are replayed, run one replay at a time, and the
screens show errors by their type."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from supportdesk_tui.clients.errors import AuthError, UnavailableError
from supportdesk_tui.screens.errors import describe_error
from tests.inbox.test_inbox_app import add


async def test_queued_actions_are_replayed_once_when_groove_answers(groove: Any, make_app: Any) -> None:
    add(groove, 3, "Printer on fire")
    app = make_app()
    services = app.services
    try:
        data = await services.inbox.refresh()
        assert not services.replay_due()  # nothing waits: a fresh answer replays nothing
        groove.server.faults.down = True
        result = await services.triage.note(data.items[0].ticket, "Checked the logs")
        assert result.status == "pending" and services.replay_due()
        groove.server.faults.down = False
        first, second = await asyncio.gather(services.resume_journal(), services.resume_journal())
        assert second is None  # asked while the first ran: dropped, never a second replay
        assert first is not None and [o.status for o in first] == ["done"]
        assert not services.replay_due()
        assert await services.resume_journal() == []  # and a later request runs again
    finally:
        await services.aclose()


class _LooksLikeAnApiError(Exception):
    kind = "auth"  # an attribute alone no longer makes a text safe to show


@pytest.mark.parametrize(("error", "shown"), [
    (AuthError("Groove", "the token was refused", status=401), "Groove: the token was refused (HTTP 401)"),
    (UnavailableError("Trello", "no answer"), "Trello: no answer"),
    (TimeoutError(), "the request timed out"),
    (ConnectionRefusedError(), "network error (ConnectionRefusedError)"),
    (_LooksLikeAnApiError("secret stuff"), "unexpected _LooksLikeAnApiError"),
    (KeyError("x"), "unexpected KeyError"),
])
def test_errors_are_described_by_their_type(error: BaseException, shown: str) -> None:
    assert describe_error(error) == shown


async def test_a_boards_error_is_shown_as_is_once_boards_are_loaded(make_app: Any) -> None:
    app = make_app()
    try:
        from supportdesk_tui.services.boards import BoardsError

        app.services.load_workflows()
        assert describe_error(BoardsError("The board has no “Done” list.")) == "The board has no “Done” list."
    finally:
        await app.services.aclose()
