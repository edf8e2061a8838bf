"""Backlog: a card in the customer's New Issues list, a private note with its link, the ticket's state set.

Five journaled steps, four round trips on the happy path:

1. ``check``: the ticket (still open, not taken by someone else) and the board (a card already
   carrying this ticket's link?) at once; the list id comes from a cache in the store, so the
   board's lists are fetched once per customer, ever.
2. ``card``: adopt the card found, or create one whose description carries the marker line. After
   an attempt that got no clear answer it looks on the board again before creating.
3. ``note``: a private note with the card's link; on a retry (or for an adopted card) it looks in
   the thread for a note with that link first.
4. ``state``: the configured state (``PUT``, idempotent).
5. ``record``: local only: the outcome for the SLA clock and the week's figures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from supportdesk_tui.clients.errors import NotFoundError, ValidationError
from supportdesk_tui.domain.actions import Backlog, BacklogCard, BacklogCheck, CardInfo, CardOrigin
from supportdesk_tui.domain.journal import At, Posted, StateSet
from supportdesk_tui.domain.triage_text import backlog_note, carries_our_marker, carries_ticket
from supportdesk_tui.services.groove_writes import post_once
from supportdesk_tui.services.journal import StepFailed, StepFn, StepResults, ambiguous_write
from supportdesk_tui.services.triage.actions import TriageAction
from supportdesk_tui.services.triage.steps import both, check_ticket, set_state_once

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient
    from supportdesk_tui.domain.boards import Card

# the names these had when they were bare strings
NEW, REVIVED, EXISTING = CardOrigin.NEW, CardOrigin.REVIVED, CardOrigin.EXISTING


def card_info(card: Card, ticket_url: str) -> CardInfo:
    return CardInfo(card.id, card.short_url or card.url, card.closed, card.list_id,
                    carries_our_marker(card.desc, ticket_url))


def pick_card(cards: Sequence[Card], ticket_url: str) -> CardInfo | None:
    """The card that stands for this ticket: open before archived, ours before someone else's."""
    linked = [c for c in cards if carries_ticket(c.desc, ticket_url) or carries_ticket(c.name, ticket_url)]
    if not linked:
        return None
    best = min(linked, key=lambda c: (c.closed, not carries_our_marker(c.desc, ticket_url)))
    return card_info(best, ticket_url)


def _as(info: CardInfo, origin: CardOrigin, *, list_id: str | None = None) -> BacklogCard:
    """The card as the backlog keeps it (``list_id`` given: revived into that list, so open again)."""
    if list_id is None:
        return BacklogCard(info.id, info.url, info.closed, info.list_id, info.ours, origin)
    return BacklogCard(info.id, info.url, False, list_id, info.ours, origin)


class BacklogHandler(TriageAction[Backlog]):
    payload_type = Backlog

    def steps(self, p: Backlog) -> Sequence[StepFn[Backlog]]:
        return (self.check, self.card, self.note, self.state, self.record)

    def describe(self, p: Backlog) -> str:
        return f"backlog #{p.number} to {p.customer}"

    def confirm(self, p: Backlog, done: StepResults) -> str:
        card = done.get("card", BacklogCard)
        where, state = f"{p.customer} › {p.list_name}", f"ticket {p.state}"
        if card.origin is CardOrigin.EXISTING:
            return (f"#{p.number}: {p.customer}'s board already had a card for it ({card.url}); linked "
                    f"that one instead of making another; {state}.")
        if card.origin is CardOrigin.REVIVED:
            return f"#{p.number} backlogged: restored its archived card in {where} ({card.url}); {state}."
        return f"#{p.number} backlogged: card in {where} ({card.url}); {state}."

    # --- the steps ---------------------------------------------------------------------------------
    async def check(self, p: Backlog, done: StepResults) -> BacklogCheck:
        groove, trello = await self.ctx.groove(), await self.ctx.trello()
        ticket, (found, list_id) = await both(check_ticket(groove, p), self._look_on_board(trello, p))
        return BacklogCheck(ticket, found, list_id)

    async def card(self, p: Backlog, done: StepResults) -> BacklogCard:
        trello = await self.ctx.trello()
        check = done.get("check", BacklogCheck)
        found, origin = check.found, CardOrigin.EXISTING
        if found is None and done.tried_before("card"):
            # an earlier attempt may have created it without us hearing back: look before creating; and as
            # time may have passed (offline, a restart), make sure nobody closed the ticket meanwhile
            cards, ticket = await both(self._find(trello, p), (await self.ctx.groove()).get_ticket(p.number))
            found, origin = pick_card(cards, p.ticket_url), CardOrigin.NEW
            if found is None and not ticket.is_open:
                raise StepFailed(f"#{ticket.number} was {ticket.state} by someone else while this backlog waited; "
                                 "no card was made")
        list_id = check.list_id
        if found is not None:
            if found.closed:  # archived (e.g. by an undo): bring it back rather than make a second one
                await trello.unarchive_card(found.id)
                if found.list_id != list_id:
                    await trello.move_card(found.id, list_id, pos="top")
                return _as(found, CardOrigin.REVIVED, list_id=list_id)
            return _as(found, origin)
        try:
            made = await ambiguous_write("creating the Trello card", trello.create_card(list_id, p.title, p.desc))
        except (NotFoundError, ValidationError):
            # the cached list id may be stale (list archived or moved): refetch the lists once, then retry
            await asyncio.to_thread(self.marks.forget_lists, p.board)
            list_id = await self._fetch_list_id(trello, p)
            made = await ambiguous_write("creating the Trello card", trello.create_card(list_id, p.title, p.desc))
        return _as(card_info(made, p.ticket_url), CardOrigin.NEW)

    async def note(self, p: Backlog, done: StepResults) -> Posted:
        card = done.get("card", BacklogCard)
        look = done.tried_before("note") or card.origin is not CardOrigin.NEW
        return await post_once(await self.ctx.groove(), p.number, backlog_note(card.url, p.customer, p.list_name),
                               note=True, author=p.me, look=look, contains=card.url)

    async def state(self, p: Backlog, done: StepResults) -> StateSet:
        return await set_state_once(await self.ctx.groove(), p.number, p.state, look=done.tried_before("state"))

    async def record(self, p: Backlog, done: StepResults) -> At:
        return await asyncio.to_thread(self._record, p, done.get("card", BacklogCard).url)

    # --- the board ---------------------------------------------------------------------------------
    async def _look_on_board(self, trello: TrelloClient, p: Backlog) -> tuple[CardInfo | None, str]:
        found = pick_card(await self._find(trello, p), p.ticket_url)
        list_id = await asyncio.to_thread(self.marks.list_id, p.board, p.list_name)
        if list_id is None:
            list_id = await self._fetch_list_id(trello, p)
        return found, list_id

    async def _find(self, trello: TrelloClient, p: Backlog) -> list[Card]:
        try:
            return await trello.find_cards(p.board, p.ticket_url)
        except NotFoundError:
            raise StepFailed(self._no_board(p)) from None

    def _no_board(self, p: Backlog) -> str:
        return (f"Trello has no board {p.board} for {p.customer}, or the token cannot see it: "
                f"check trello_board in the [[customers]] entry named \"{p.customer}\" in "
                f"{self.ctx.settings.config_path}")

    async def _fetch_list_id(self, trello: TrelloClient, p: Backlog) -> str:
        """The board's lists, fetched once and cached for every later backlog to this customer."""
        try:
            board = await trello.load_board(p.board)
        except NotFoundError:
            raise StepFailed(self._no_board(p)) from None
        # keyed by the id as configured (it may be a shortLink), which is what the next lookup uses
        await asyncio.to_thread(self.marks.remember_lists, p.board, {lst.name: lst.id for lst in board.lists})
        wanted = board.list_named(p.list_name)
        if wanted is None:
            raise StepFailed(f"{p.customer}'s board has no open list named \"{p.list_name}\": "
                             f"add it in Trello, or set lists.new under [trello] in {self.ctx.settings.config_path}")
        return wanted.id

    # --- local -------------------------------------------------------------------------------------
    def _record(self, p: Backlog, url: str) -> At:
        now = self.ctx.clock.now()
        self.ctx.store.record_outcome(p.number, "backlog", now, url)
        self.ctx.store.observe_state(p.number, p.state, now)
        self.marks.forget_ticket(p.number)
        return At(now)
