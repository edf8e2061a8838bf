"""A refused credential is not "offline": the banner names the service and what to do, the polls stop
until `r`, and `r` reads the credentials again; `doctor` says the same sentence."""

from __future__ import annotations

from typing import Any

import pytest

from supportdesk_tui.credentials import Credentials
from supportdesk_tui.fakes.demo_customers import DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN
from supportdesk_tui.screens.inbox.screen import InboxScreen
from supportdesk_tui.services.doctor import check_groove
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import DeskHeader
from tests.inbox.test_inbox_app import add, table_numbers
from tests.support import FAST_RETRIES, settle

ADVICE = "Groove refused the API token (HTTP 401)"
WHAT_TO_DO = "run `supportdesk login` or set SUPPORTDESK_GROOVE_TOKEN"


def wrong_groove_token() -> Credentials:
    return Credentials(groove_token="not-the-right-token", trello_key=DEMO_TRELLO_KEY, trello_token=DEMO_TRELLO_TOKEN,
                       sources={"groove_token": "keyring"})


async def test_a_refused_token_is_said_stops_the_polls_and_r_reads_it_again(
        groove: Any, make_settings: Any, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from supportdesk_tui.bootstrap import make_app

    number = add(groove, 5, "Hello")
    app = make_app(make_settings(), wrong_groove_token(), clock, groove_options=FAST_RETRIES)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen)
        banner = str(screen.query_one(Banner).render())
        assert ADVICE in banner and WHAT_TO_DO in banner and "press r" in banner
        assert "Offline" not in banner and "retrying every" not in banner
        assert "token refused" in screen.query_one(DeskHeader).right.lower()
        groove.server.clear_log()
        for _ in range(3):
            screen._poll_tick()  # the poll timer fires: the same token would be refused again
            await settle(pilot)
        assert groove.server.requests() == []
        monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", DEMO_GROOVE_TOKEN)  # e.g. after `supportdesk login`
        await pilot.press("r")
        await settle(pilot)
        assert not screen.query_one(Banner).shown
        assert table_numbers(pilot.app) == [number]


async def test_doctor_says_the_same_sentence(groove: Any) -> None:
    check = await check_groove(groove.server.url, "not-the-right-token")
    assert not check.ok
    assert check.detail.startswith(ADVICE) and WHAT_TO_DO in check.detail
