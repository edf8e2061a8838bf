"""The facade's list calls: a board's open lists (the one reader of them), one list's cards, one card,
archiving a list. The plan of record uses them all; the week's Done lists look before they are made.

A mixin of :class:`~supportdesk_tui.clients.trello.facade.TrelloClient` (kept apart so the facade stays
small): every call goes through the facade's worker thread, retry rules and error mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from supportdesk_tui.clients.trello import parse
from supportdesk_tui.clients.trello.ids import checked_id
from supportdesk_tui.domain.boards import BoardList, Card

if TYPE_CHECKING:
    from supportdesk_tui.clients.errors import ApiError

T = TypeVar("T")
PLAN_CARD_FIELDS = "name,desc,closed,idList,idBoard,pos,url,shortUrl,dateLastActivity"
"""What the plan of record needs of a card (no labels or members: fewer bytes per poll)."""


class PlanListCalls:
    if TYPE_CHECKING:  # what the facade provides
        async def _call(self, what: str, job: Callable[[], T], *, idempotent: bool,
                        tolerate: Callable[[ApiError], bool] | None = None) -> T: ...

        def _fetch(self, method: str, path: str, query: Mapping[str, str] | None = None,
                   body: Mapping[str, Any] | None = None) -> Any: ...

        def _card(self, data: Any) -> Card: ...

    async def open_lists(self, board_id: str) -> list[BoardList]:
        """The board's open lists (names and positions only, no cards), read afresh: one small request. What
        a "look before creating a list" needs, and the plan of record's list of plans."""
        path = f"/boards/{checked_id(board_id, 'board id')}/lists"
        query = {"filter": "open", "fields": parse.LIST_FIELDS, "cards": "none"}

        def job() -> list[BoardList]:
            lists = (parse.parse_list(i) for i in parse.json_array(self._fetch("GET", path, query), "lists"))
            return [lst for lst in lists if not lst.closed]

        return await self._call("open_lists", job, idempotent=True)

    async def list_cards(self, list_id: str) -> list[Card]:
        """Every card of one list, archived ones too, with its description and last activity: one request."""
        path, query = f"/lists/{checked_id(list_id, 'list id')}/cards", {"filter": "all", "fields": PLAN_CARD_FIELDS}

        def job() -> list[Card]:
            return [self._card(i) for i in parse.json_array(self._fetch("GET", path, query), "cards")]

        return await self._call("list_cards", job, idempotent=True)

    async def get_card(self, card_id: str) -> Card:
        """One card with its description, list, archived flag and last activity: one request."""
        path = f"/cards/{checked_id(card_id, 'card id')}"
        return await self._call("get_card", lambda: self._card(self._fetch("GET", path, {"fields": PLAN_CARD_FIELDS})),
                                idempotent=True)

    async def archive_list(self, list_id: str) -> BoardList:
        """``PUT /1/lists/{id}/closed`` ``{"value": true}`` (idempotent)."""
        path, body = f"/lists/{checked_id(list_id, 'list id')}/closed", {"value": True}
        return await self._call("archive_list", lambda: parse.parse_list(self._fetch("PUT", path, None, body)),
                                idempotent=True)

