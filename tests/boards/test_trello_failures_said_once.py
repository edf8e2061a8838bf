"""Trello failures as one sentence: the service, what was being done, what happens next; the transport's
detail only on `?`. Planning's header never says "loading" under a banner saying the load failed. A
refused Trello key stops the Boards polls until `r`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supportdesk_tui.credentials import Credentials
from supportdesk_tui.fakes.demo_customers import DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY
from supportdesk_tui.screens.boards.screen import BoardsScreen
from supportdesk_tui.screens.help import HelpScreen
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import DeskHeader
from tests.boards import fixtures as boards_fixtures
from tests.boards.fixtures import World, settings_for
from tests.boards.test_boards_app import SIZE
from tests.support import FAST_RETRIES, fast_trello_options, settle

world = boards_fixtures.world


def unreachable_trello_app(make_settings: Callable[..., Any], clock: Any) -> Any:
    from supportdesk_tui.bootstrap import make_app
    from supportdesk_tui.demo import demo_credentials

    return make_app(make_settings(), demo_credentials(), clock, groove_options=FAST_RETRIES,
                    trello_options=fast_trello_options())  # make_settings points Trello at a closed port


async def test_an_unreachable_trello_is_one_sentence_with_the_detail_on_help(make_settings: Callable[..., Any],
                                                                           clock: Any) -> None:
    async with unreachable_trello_app(make_settings, clock).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot, rounds=5)
        screen = pilot.app.screen
        assert isinstance(screen, BoardsScreen)
        banner = str(screen.query_one(Banner).render())
        assert banner.startswith("⚠ Offline: Trello could not be reached (connection refused) while loading ")
        assert "'s board; nothing to show yet" in banner and "r retries now" in banner
        assert "HTTPConnectionPool" not in banner and "Max retries" not in banner and banner.count(".") <= 2
        assert len(banner) < 240  # one sentence, two lines at most at 120 columns
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "The last error, in full" in help_screen._extra and "HTTPConnectionPool" in help_screen._extra
        await pilot.press("escape")
        await pilot.press("3")
        await settle(pilot, rounds=5)
        planning = pilot.app.screen
        banner = str(planning.query_one(Banner).render())
        assert banner.startswith("⚠ The Up next pool could not be loaded from Trello: Trello could not be reached "
                                 "(connection refused); the saved plan still shows")
        header = planning.query_one(DeskHeader).right
        assert "loading the Up next pool" not in header and "not loaded" in header


async def test_a_refused_trello_key_is_said_and_stops_the_polls(world: World, clock: Any, tmp_path: Any) -> None:
    from supportdesk_tui.bootstrap import make_app

    wrong = Credentials(groove_token=DEMO_GROOVE_TOKEN, trello_key=DEMO_TRELLO_KEY, trello_token="wrong-token",
                        sources={"trello_token": "keyring"})
    app = make_app(settings_for(world, tmp_path / "data"), wrong, clock, groove_options=FAST_RETRIES,
                   trello_options=fast_trello_options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot, rounds=5)
        screen = pilot.app.screen
        assert isinstance(screen, BoardsScreen)
        banner = str(screen.query_one(Banner).render())
        assert banner.startswith("⚠ Trello refused the API key or token (HTTP 401) while loading Acme Ltd's board")
        assert "SUPPORTDESK_TRELLO_KEY and SUPPORTDESK_TRELLO_TOKEN" in banner and "Offline" not in banner
        world.trello_server.clear_log()
        for _ in range(4):
            screen._poll_tick()
            await settle(pilot)
        assert world.trello_server.requests() == []
