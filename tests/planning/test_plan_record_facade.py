"""The facade's plan-of-record calls against the fake Trello over loopback, as Trello documents them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supportdesk_tui.clients.errors import ValidationError
from supportdesk_tui.clients.trello.facade import TrelloClient
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.demo_customers import DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN, SUPPORT_EPICS_BOARD_ID
from tests.planning.fixtures import TrelloEnv
from tests.support import fast_trello_options


async def test_a_list_its_cards_and_a_description_round_trip(trello: TrelloEnv, clock: FixedClock) -> None:
    async with TrelloClient(trello.server.url, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN, **fast_trello_options()) as api:
        made = await api.create_list(SUPPORT_EPICS_BOARD_ID, "Support plans")
        assert made.name == "Support plans" and made.pos > max(
            lst.pos for lst in await api.open_lists(SUPPORT_EPICS_BOARD_ID) if lst.id != made.id)
        card = await api.create_card(made.id, "Support plan 2026-W48", "first")
        trello.server.clear_log()
        cards = await api.list_cards(made.id)
        assert len(trello.server.requests()) == 1
        assert [(c.name, c.desc, c.closed) for c in cards] == [("Support plan 2026-W48", "first", False)]
        assert cards[0].short_url.startswith("https://trello.com/c/") and cards[0].last_activity is not None
        before = cards[0].last_activity
        clock.advance(timedelta(minutes=5))
        _, newest = await api.board_changed_since(SUPPORT_EPICS_BOARD_ID, None)
        updated = await api.set_card_desc(card.id, "second\r\nline")
        assert updated.desc == "second\nline"  # CRLF arrives as LF: readers must not depend on either
        assert (await api.get_card(card.id)).last_activity > before  # dateLastActivity moves on a change
        changed, _ = await api.board_changed_since(SUPPORT_EPICS_BOARD_ID, newest)
        assert changed  # the description update is an updateCard action
        update = trello.fake.actions_on(SUPPORT_EPICS_BOARD_ID, "updateCard")[0]
        assert update["data"]["old"] == {"desc": "first"}
        with pytest.raises(ValidationError):
            await api.set_card_desc(card.id, "x" * 16_385)  # Trello's limit: refused (400), never cut
        assert (await api.get_card(card.id)).desc == "second\nline"
        await api.archive_list(made.id)
        assert made.id not in {lst.id for lst in await api.open_lists(SUPPORT_EPICS_BOARD_ID)}
