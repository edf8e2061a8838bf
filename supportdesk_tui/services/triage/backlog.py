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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from supportdesk_tui.clients.errors import NotFoundError, ValidationError
from supportdesk_tui.domain.triage_text import backlog_note, carries_our_marker, carries_ticket
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import StepFailed, ambiguous_write, tried_before
from supportdesk_tui.services.triage.marks import TriageMarks
from supportdesk_tui.services.triage.steps import both, check_ticket, post_once, set_state_once

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient
    from supportdesk_tui.domain.boards import Card

NEW, REVIVED, EXISTING = "new", "revived", "existing"


def card_info(card: Card, ticket_url: str) -> dict[str, Any]:
    return {"id": card.id, "url": card.short_url or card.url, "closed": card.closed, "list_id": card.list_id,
            "ours": carries_our_marker(card.desc, ticket_url)}


def pick_card(cards: Sequence[Card], ticket_url: str) -> dict[str, Any] | None:
    """The card that stands for this ticket: open before archived, ours before someone else's."""
    linked = [c for c in cards if carries_ticket(c.desc, ticket_url) or carries_ticket(c.name, ticket_url)]
    if not linked:
        return None
    best = min(linked, key=lambda c: (c.closed, not carries_our_marker(c.desc, ticket_url)))
    return card_info(best, ticket_url)


class BacklogHandler:
    kind = "backlog"

    def __init__(self, ctx: ServiceContext, marks: TriageMarks) -> None:
        self.ctx = ctx
        self.marks = marks

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        return ["check", "card", "note", "state", "record"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        return f"backlog #{payload['number']} to {payload['customer']}"

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        if step == "check":
            groove, trello = await self.ctx.groove(), await self.ctx.trello()
            ticket, board = await both(check_ticket(groove, payload), self._look_on_board(trello, payload))
            return {"ticket": ticket, **board}
        if step == "card":
            return await self._card(payload, done)
        if step == "note":
            card = done["card"]
            text = backlog_note(card["url"], payload["customer"], payload["list_name"])
            look = tried_before(done, "note") or card["origin"] != NEW
            return await post_once(await self.ctx.groove(), int(payload["number"]), text, note=True,
                                   author=payload.get("me"), look=look, contains=card["url"])
        if step == "state":
            return await set_state_once(await self.ctx.groove(), int(payload["number"]), str(payload["state"]),
                                        look=tried_before(done, "state"))
        if step == "record":
            return await asyncio.to_thread(self._record, payload, done)
        raise LookupError(f"backlog has no step {step!r}")

    # --- the board ---------------------------------------------------------------------------------
    async def _look_on_board(self, trello: TrelloClient, payload: Mapping[str, Any]) -> dict[str, Any]:
        found = pick_card(await self._find(trello, payload), payload["ticket_url"])
        list_id = await asyncio.to_thread(self.marks.list_id, payload["board"], payload["list_name"])
        if list_id is None:
            list_id = await self._fetch_list_id(trello, payload)
        return {"found": found, "list_id": list_id}

    async def _find(self, trello: TrelloClient, payload: Mapping[str, Any]) -> list[Card]:
        try:
            return await trello.find_cards(payload["board"], payload["ticket_url"])
        except NotFoundError:
            raise StepFailed(self._no_board(payload)) from None

    def _no_board(self, payload: Mapping[str, Any]) -> str:
        return (f"Trello has no board {payload['board']} for {payload['customer']}, or the token cannot see it: "
                f"check trello_board in the [[customers]] entry named \"{payload['customer']}\" in "
                f"{self.ctx.settings.config_path}")

    async def _fetch_list_id(self, trello: TrelloClient, payload: Mapping[str, Any]) -> str:
        """The board's lists, fetched once and cached for every later backlog to this customer."""
        try:
            board = await trello.load_board(payload["board"])
        except NotFoundError:
            raise StepFailed(self._no_board(payload)) from None
        # keyed by the id as configured (it may be a shortLink), which is what the next lookup uses
        await asyncio.to_thread(self.marks.remember_lists, payload["board"], {lst.name: lst.id for lst in board.lists})
        wanted = board.list_named(payload["list_name"])
        if wanted is None:
            raise StepFailed(f"{payload['customer']}'s board has no open list named \"{payload['list_name']}\": "
                             f"add it in Trello, or set lists.new under [trello] in {self.ctx.settings.config_path}")
        return wanted.id

    async def _card(self, payload: Mapping[str, Any], done: Mapping[str, Any]) -> dict[str, Any]:
        trello = await self.ctx.trello()
        check = done["check"]
        found, origin = check.get("found"), EXISTING
        if found is None and tried_before(done, "card"):
            # an earlier attempt may have created it without us hearing back: look before creating; and as
            # time may have passed (offline, a restart), make sure nobody closed the ticket meanwhile
            cards, ticket = await both(self._find(trello, payload),
                                       (await self.ctx.groove()).get_ticket(int(payload["number"])))
            found, origin = pick_card(cards, payload["ticket_url"]), NEW
            if found is None and not ticket.is_open:
                raise StepFailed(f"#{ticket.number} was {ticket.state} by someone else while this backlog waited; "
                                 "no card was made")
        list_id = str(check["list_id"])
        if found is not None:
            if found["closed"]:  # archived (e.g. by an undo): bring it back rather than make a second one
                await trello.unarchive_card(found["id"])
                if found["list_id"] != list_id:
                    await trello.move_card(found["id"], list_id, pos="top")
                return {**found, "closed": False, "list_id": list_id, "origin": REVIVED}
            return {**found, "origin": origin}
        try:
            card = await ambiguous_write("creating the Trello card",
                                   trello.create_card(list_id, payload["title"], payload["desc"]))
        except (NotFoundError, ValidationError):
            # the cached list id may be stale (list archived or moved): refetch the lists once, then retry
            await asyncio.to_thread(self.marks.forget_lists, payload["board"])
            list_id = await self._fetch_list_id(trello, payload)
            card = await ambiguous_write("creating the Trello card",
                                   trello.create_card(list_id, payload["title"], payload["desc"]))
        return {**card_info(card, payload["ticket_url"]), "origin": NEW}

    # --- local -------------------------------------------------------------------------------------
    def _record(self, payload: Mapping[str, Any], done: Mapping[str, Any]) -> dict[str, Any]:
        now = self.ctx.clock.now()
        number = int(payload["number"])
        self.ctx.store.record_outcome(number, "backlog", now, str(done["card"]["url"]))
        self.ctx.store.observe_state(number, str(payload["state"]), now)
        self.marks.forget_ticket(number)
        return {"at": now.isoformat()}
