"""Which list is "Done" this week, on the customer boards and the Support Epics board.

``[trello] lists.done`` may be a week pattern (``Done {week}``): then every ISO week has its own Done
list, made at the right end of a board when the first card goes there, and past weeks' lists stay. A
plain name is the same list every week, as before. :class:`BoardsService` gets these from this mixin.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from supportdesk_tui.domain.boards import Board, list_key
from supportdesk_tui.domain.cadence import is_week_pattern, week_list_name
from supportdesk_tui.domain.epics import SyncLists
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import ambiguous_write

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient
    from supportdesk_tui.config.schema import ListNames


class BoardsError(Exception):
    """Something the user can fix (a list missing on a board, no epics board configured); the text says what."""


class WeekLists:
    context: ServiceContext
    _names: ListNames
    _boards: dict[str, Any]  # the service's board cache (a board reloads after a list is made on it)
    _made_lists: dict[tuple[str, str], str]  # (board id, folded list name) -> id, found or made by this run

    def cached(self, board_id: str) -> Board | None:
        raise NotImplementedError

    @property
    def lists(self) -> SyncLists:
        """The list names the sync works with; the Done list is this week's when ``lists.done`` is a pattern."""
        names, done = self._names, self.done_name()
        return SyncLists(up_next=names.up_next, completed=names.completed, done=done,
                         epics_target=names.up_next, epics_done=done,
                         done_pattern=names.done if self.done_per_week else "")

    def this_week(self) -> IsoWeek:
        """The current ISO week in the team's zone (``sla.timezone``)."""
        return IsoWeek.of(self.context.today())

    def done_name(self, week: IsoWeek | None = None) -> str:
        """The Done list's name for ``week`` (this week by default); a plain name is the same every week."""
        return week_list_name(self._names.done, week or self.this_week())

    @property
    def done_per_week(self) -> bool:
        return is_week_pattern(self._names.done)

    async def ensure_list(self, trello: TrelloClient, board_id: str, name: str) -> str:
        """The id of the board's open list called ``name``, made at the right end of the board if missing.

        Looks at the board's lists afresh before creating, so a retry after a lost answer (or another
        copy of the app that made it meanwhile) finds it instead of making a second one. The answer is
        remembered for :meth:`known_list`.
        """
        wanted = list_key(name)
        found = next((lst.id for lst in await trello.open_lists(board_id) if list_key(lst.name) == wanted), None)
        if found is None:
            made = await ambiguous_write(f"making the list “{name}”",
                                         trello.create_list(board_id, name, pos="bottom"))
            hit = self._boards.get(board_id)
            if hit is not None:  # the cached board gains the list; its cards stay as they were, so the next poll
                # still sees the card's move (Up next -> Done) and turns it into Support Epics sync work
                self._boards[board_id] = replace(hit, board=replace(hit.board, lists=(*hit.board.lists, made)))
            found = made.id
        self._made_lists[(board_id, wanted)] = found
        return found

    async def known_list(self, trello: TrelloClient, board_id: str, name: str) -> str:
        """:meth:`ensure_list`, asked of Trello once per board and name in this run: the week's Done list
        that the sync, the close-out and ``d`` find or make is looked up once for all of them."""
        known = self._made_lists.get((board_id, list_key(name)))
        return known if known is not None else await self.ensure_list(trello, board_id, name)

    def done_list(self, board_id: str) -> str:
        """The id of this week's Done list on the board; "" when it is a week's list still to be made."""
        board = self.cached(board_id)
        name = self.done_name()
        found = board.list_named(name) if board else None
        if found is not None:
            return found.id
        if self.done_per_week and board is not None:
            return ""  # made on the board when the first card goes there
        raise BoardsError(f"The board has no list named “{name}” ([trello] lists.done).")

