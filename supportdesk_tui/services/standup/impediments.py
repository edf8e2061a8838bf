"""Impediments on Trello, journaled: the ``Blocked`` label and the comments, on both sides of a card.

Flagging labels the customer's card ``Blocked`` (a red label made on that board if it has none) and
comments ``Impediment: <reason> (<developer>, <date>)``, then does the same on its Support Epics copy;
clearing removes the label and comments ``Impediment cleared``. Four steps each, in that order, and
each one idempotent, so a fault half-way then a restart leaves exactly one label and one comment per
side:

- a label is looked up by name on the board before one is made (making it is not idempotent), and
  adding or removing a label that is already so counts as done;
- a comment is looked for among the card's comments since the last ``Impediment cleared`` before it
  is posted (posting is not idempotent), every time: the look costs one small request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from supportdesk_tui.domain.actions import Commented, ImpedimentClear, ImpedimentFlag, Labelled
from supportdesk_tui.domain.epics import choose_keeper, marker_of, source_marker
from supportdesk_tui.domain.impediments import (
    BLOCKED_COLOR,
    BLOCKED_LABEL,
    CLEARED_COMMENT,
    cleared_last,
    comment_since_clear,
    is_blocked_label,
)
from supportdesk_tui.domain.journal import ActionPayload
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import Action, StepFn, StepResults, ambiguous_write

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient

P = TypeVar("P", bound=ActionPayload)


@dataclass(frozen=True, slots=True)
class ImpedimentTarget:
    """The two cards an impediment goes on: the customer's (id, board, shortLink) and, when known, its copy."""

    card_id: str
    board_id: str
    link: str
    name: str
    copy_id: str | None = None


class _ImpedimentAction(Action[P]):
    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    async def _trello(self) -> TrelloClient:
        return await self.context.trello()

    async def _copy(self, link: str, copy_id: str | None) -> tuple[str, str] | None:
        """(epics board id, copy id): the one named, else the live copy carrying the source's marker."""
        epics = self.context.settings.trello.support_epics_board
        if not epics:
            return None
        if copy_id:
            return epics, copy_id
        if not link:
            return None
        trello = await self._trello()
        live = [c for c in await trello.find_cards(epics, source_marker(link)) if marker_of(c) == link and not c.closed]
        if not live:
            return None
        return epics, choose_keeper(live, None, want_done=False).id

    async def _blocked_labels(self, board_id: str) -> list[str]:
        board = await (await self._trello()).load_board(board_id)
        return sorted(lb.id for lb in board.labels if is_blocked_label(lb.name))

    async def _label(self, board_id: str, card_id: str) -> Labelled:
        trello = await self._trello()
        found = await self._blocked_labels(board_id)
        created = not found
        if found:
            label_id = found[0]  # the oldest, as every machine chooses
        else:  # not idempotent: a lost answer re-runs this step, which then finds the label by name
            label_id = (await ambiguous_write("making the Blocked label",
                                              trello.create_label(board_id, BLOCKED_LABEL, BLOCKED_COLOR))).id
        await trello.add_label(card_id, label_id)
        return Labelled(card_id, label_id, created)

    async def _unlabel(self, board_id: str, card_id: str) -> Labelled:
        trello = await self._trello()
        found = await self._blocked_labels(board_id)
        for label_id in found:
            await trello.remove_label(card_id, label_id)
        return Labelled(card_id, found[0] if found else None)

    async def _comment(self, card_id: str, text: str, *, clearing: bool) -> Commented:
        trello = await self._trello()
        comments = [t for _, t in await trello.list_comments(card_id)]
        if (cleared_last(comments) if clearing else comment_since_clear(comments, text)):
            return Commented(card_id, None, found=True)
        action = await ambiguous_write("the comment", trello.add_comment(card_id, text))
        return Commented(card_id, action)


class FlagHandler(_ImpedimentAction[ImpedimentFlag]):
    payload_type = ImpedimentFlag

    def steps(self, p: ImpedimentFlag) -> Sequence[StepFn[ImpedimentFlag]]:
        return (self.label, self.comment, self.copy_label, self.copy_comment)

    def describe(self, p: ImpedimentFlag) -> str:
        return f"flag “{p.name}” as blocked"

    def confirm(self, p: ImpedimentFlag, done: StepResults) -> str:
        copy = done.maybe("copy_label", Labelled)
        where = " and its Support Epics copy" if copy is not None and copy.card else ""
        return f"“{p.name}”{where} labelled Blocked, with the reason in a comment."

    async def label(self, p: ImpedimentFlag, done: StepResults) -> Labelled:
        return await self._label(p.board_id, p.card_id)

    async def comment(self, p: ImpedimentFlag, done: StepResults) -> Commented:
        return await self._comment(p.card_id, p.comment, clearing=False)

    async def copy_label(self, p: ImpedimentFlag, done: StepResults) -> Labelled:
        copy = await self._copy(p.link, p.copy_id)
        return await self._label(*copy) if copy else Labelled(None, None)

    async def copy_comment(self, p: ImpedimentFlag, done: StepResults) -> Commented:
        card = done.get("copy_label", Labelled).card
        return await self._comment(card, p.comment, clearing=False) if card else Commented(None, None)


class ClearHandler(_ImpedimentAction[ImpedimentClear]):
    payload_type = ImpedimentClear

    def steps(self, p: ImpedimentClear) -> Sequence[StepFn[ImpedimentClear]]:
        return (self.unlabel, self.comment, self.copy_unlabel, self.copy_comment)

    def describe(self, p: ImpedimentClear) -> str:
        return f"clear the impediment on “{p.name}”"

    def confirm(self, p: ImpedimentClear, done: StepResults) -> str:
        return f"Impediment cleared on “{p.name}”."

    async def unlabel(self, p: ImpedimentClear, done: StepResults) -> Labelled:
        return await self._unlabel(p.board_id, p.card_id)

    async def comment(self, p: ImpedimentClear, done: StepResults) -> Commented:
        return await self._comment(p.card_id, CLEARED_COMMENT, clearing=True)

    async def copy_unlabel(self, p: ImpedimentClear, done: StepResults) -> Labelled:
        copy = await self._copy(p.link, p.copy_id)
        return await self._unlabel(*copy) if copy else Labelled(None, None)

    async def copy_comment(self, p: ImpedimentClear, done: StepResults) -> Commented:
        card = done.get("copy_unlabel", Labelled).card
        return await self._comment(card, CLEARED_COMMENT, clearing=True) if card else Commented(None, None)
