"""The facade's calls for the stand-up: a board with its moves and comments since a moment, and the moves since.

A mixin of :class:`~supportdesk_tui.clients.trello.facade.TrelloClient` (kept apart so the facade stays
small): every call goes through the facade's worker thread, retry rules and error mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from supportdesk_tui.clients.trello import activity, parse
from supportdesk_tui.clients.trello.ids import checked_id
from supportdesk_tui.domain.boards import Board, Label, Member
from supportdesk_tui.domain.standup import CardEvent

if TYPE_CHECKING:
    from supportdesk_tui.clients.errors import ApiError

T = TypeVar("T")


class ActivityCalls:
    if TYPE_CHECKING:  # what the facade provides
        _members: dict[str, Member]

        async def _call(self, what: str, job: Callable[[], T], *, idempotent: bool,
                        tolerate: Callable[[ApiError], bool] | None = None) -> T: ...

        def _fetch(self, method: str, path: str, query: Mapping[str, str] | None = None,
                   body: Mapping[str, Any] | None = None) -> Any: ...

        def _remember(self, labels: tuple[Label, ...], members: tuple[Member, ...]) -> None: ...

    async def board_activity(self, board_id: str, since: datetime) -> tuple[Board, list[CardEvent], str | None]:
        """The board (lists, visible cards, labels) and its list moves and comments since ``since``, in
        ONE nested request; with the newest such action's id, the baseline for :meth:`card_events_since`.

        UNCONFIRMED: that ``actions_since`` and ``actions_limit`` apply to the nested actions as the
        board reference documents them for ``/boards/{id}/actions``; more than 1000 moves and comments
        in a working day would be cut (the newest are kept). Fallback if ``actions_since`` is ignored: events
        older than ``since`` are dropped here, so the stand-up never reports them as new.
        """
        path = f"/boards/{checked_id(board_id, 'board id')}"
        query = {**parse.board_query(), "actions": activity.STANDUP_FILTER, "actions_limit": "1000",
                 "actions_since": parse.format_instant(since), "action_fields": activity.ACTION_FIELDS}

        def job() -> tuple[Board, list[CardEvent], str | None]:
            data = self._fetch("GET", path, query)
            board = parse.parse_board(data)
            self._remember(board.labels, board.members)
            actions = parse.parse_actions(data.get("actions") if isinstance(data, Mapping) else None)
            names = {m.id: m.username for m in board.members}
            events = [e for e in activity.card_events(actions, names) if e.at >= since]
            return board, events, (str(actions[0]["id"]) if actions else None)

        return await self._call("board_activity", job, idempotent=True)

    async def card_events_since(self, board_id: str, since: str | datetime) -> tuple[list[CardEvent], str | None]:
        """``GET /boards/{id}/actions?since=…&filter=updateCard:idList,commentCard``: moves and comments
        newer than ``since`` (an action id, or an instant), and the newest one's id (None: none)."""
        path = f"/boards/{checked_id(board_id, 'board id')}/actions"
        after = parse.format_instant(since) if isinstance(since, datetime) else checked_id(since, "action id")
        query = {"since": after, "filter": activity.STANDUP_FILTER, "limit": "1000", "fields": activity.ACTION_FIELDS}

        def job() -> tuple[list[CardEvent], str | None]:
            actions = parse.parse_actions(self._fetch("GET", path, query))
            names = {m.id: m.username for m in self._members.values()}
            return activity.card_events(actions, names), (str(actions[0]["id"]) if actions else None)

        return await self._call("card_events_since", job, idempotent=True)
