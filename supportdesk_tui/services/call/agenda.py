"""The agenda for a customer's call: what the board, Groove and the SLA history say since the last call.

Reads only. One board load (or the board the Boards screen already shows), one actions request (when
each card reached its list), the customer's tickets (one filtered listing per known sender address,
which also gives closed tickets) and the linked tickets' states; the SLA figures come from the same
stored histories the Inbox's week figures are computed from, for this customer's tickets only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import chain
from zoneinfo import ZoneInfo

from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.domain.agenda import Agenda, AgendaCard, SlaSince
from supportdesk_tui.domain.boards import Board, Card, list_key
from supportdesk_tui.domain.cadence import call_words, previous_call, week_list_name
from supportdesk_tui.domain.call import ListEntry, entered_at, list_entries, sla_since
from supportdesk_tui.domain.customers import Customer, CustomerDirectory
from supportdesk_tui.domain.epics import linked_ticket
from supportdesk_tui.domain.planning import IsoWeek, estimate_from_labels
from supportdesk_tui.domain.roster import too_big_words
from supportdesk_tui.domain.sla import TicketHistory, history_from_ticket, sla_cycles
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.week_lists import BoardsError

LINKED_TICKETS_AT_ONCE = 6


class UnknownCustomerError(BoardsError):
    """No ``[[customers]]`` entry of that name (the text lists the known ones)."""


@dataclass(frozen=True, slots=True)
class CustomerTickets:
    """A customer's Groove tickets as one listing per known address found them (newest first)."""

    tickets: tuple[Ticket, ...]
    senders: tuple[str, ...]  # addresses that wrote to us, most recent first


class AgendaService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.settings = context.settings

    # --- small helpers shared with the close-out and the confirmations -----------------------------
    def zone(self) -> ZoneInfo:
        return self.context.zone()

    def today(self) -> date:
        return self.context.today()

    def customer(self, name: str) -> Customer:
        wanted = name.strip().casefold()
        for customer in self.settings.customers:
            if customer.name.casefold() == wanted:
                return customer
        known = ", ".join(c.name for c in self.settings.customers) or "none configured"
        raise UnknownCustomerError(f"No customer is called “{name}” (known: {known}).")

    def cadence_words(self, customer: Customer) -> str:
        """``call due Thu`` / ``call in 2 weeks`` for the Boards header."""
        return call_words(self.today(), customer.call_every_weeks, customer.call_day, self.settings.sla.holidays)

    async def customer_tickets(self, customer: Customer, open_tickets: Sequence[Ticket] | None = None,
                               cached: Sequence[Ticket] | None = None) -> CustomerTickets:
        """The customer's tickets: the open queue's and the cached queue's (by email domain) plus, per address
        seen there and the configured ``contact``, that address's whole listing (closed tickets too). A caller
        asking for several customers passes the open queue and the cache it read once."""
        groove = await self.context.groove()
        directory = CustomerDirectory([customer])
        if open_tickets is None:
            open_tickets = await groove.list_open_tickets(self.settings.groove.states)
        if cached is None:
            cached = (await asyncio.to_thread(self.context.store.load_inbox))[0]
        mine = [t for t in (*open_tickets, *cached) if directory.for_email(t.customer_email) is not None]
        addresses = list(dict.fromkeys(
            [*(t.customer_email.lower() for t in sorted(mine, key=lambda t: t.updated_at, reverse=True)
               if t.customer_email), *([customer.contact.lower()] if customer.contact else [])]))
        listings = await asyncio.gather(*(groove.list_tickets(customer=a) for a in addresses),
                                        return_exceptions=True)
        found = {t.number: t for t in mine}
        for listing in listings:
            if isinstance(listing, list):
                found.update((t.number, t) for t in listing)
            elif isinstance(listing, BaseException) and not isinstance(listing, ApiError):
                raise listing
        tickets = sorted(found.values(), key=lambda t: (t.updated_at, t.number), reverse=True)
        senders = tuple(dict.fromkeys(t.customer_email.lower() for t in tickets if t.customer_email))
        return CustomerTickets(tuple(tickets), senders)

    # --- the agenda ------------------------------------------------------------------------------
    async def agenda(self, name: str, board: Board | None = None) -> Agenda:
        customer = self.customer(name)
        if not customer.trello_board:
            raise BoardsError(f"{customer.name} has no board: set trello_board in its [[customers]] entry.")
        today, holidays = self.today(), self.settings.sla.holidays
        last_call = previous_call(today, customer.call_every_weeks, customer.call_day, holidays)
        since = datetime.combine(last_call, time(0), tzinfo=self.zone()).astimezone(UTC)
        trello = await self.context.trello()
        if board is None:
            board = await trello.load_board(customer.trello_board)
        entries = list_entries(await trello.list_arrivals(customer.trello_board))
        unread: list[str] = []
        try:
            tickets = await self.customer_tickets(customer)
        except ApiError as exc:
            tickets = CustomerTickets((), ())
            unread.append(f"Groove: {exc}")
        finished = self._finished(board, entries, since, IsoWeek.of(last_call), IsoWeek.of(today))
        waiting, up_next = await self._waiting_and_up_next(board, entries, unread)
        sla = await self._sla(tickets.tickets, since)
        open_now = [t for t in tickets.tickets if t.is_open]
        return Agenda(customer.name, today, last_call, self.cadence_words(customer), customer.commitment_days,
                      finished=tuple(finished), waiting=tuple(waiting), up_next=tuple(up_next), sla=sla,
                      open_tickets=tuple(self._ticket_line(t, today) for t in open_now), unread=tuple(unread))

    def _ticket_line(self, ticket: Ticket, today: date) -> str:
        age = (today - ticket.created_at.astimezone(self.zone()).date()).days
        title = " ".join(ticket.title.split()) or "(no subject)"
        return f"#{ticket.number} {title} ({ticket.state}, {age} d old)"

    def _finished(self, board: Board, entries: Sequence[ListEntry], since: datetime, first: IsoWeek,
                  last: IsoWeek) -> list[AgendaCard]:
        """Cards that reached Recently Completed or a Done list (each week's, if per week) since the call."""
        pattern = self.settings.trello.lists.done
        names = {list_key(self.settings.trello.lists.completed)}
        week = first
        while week <= last:
            names.add(list_key(week_list_name(pattern, week)))
            week = week.next()
        list_ids = {lst.id for lst in board.lists if list_key(lst.name) in names}
        out: list[tuple[datetime, AgendaCard]] = []
        for card in board.cards:
            if card.list_id not in list_ids or card.closed:
                continue
            at = entered_at(entries, card.id, card.list_id)
            if at is not None and at >= since:
                out.append((at, AgendaCard(card.name, _estimate(card), at.astimezone(self.zone()).date(),
                                           card_id=card.id)))
        return [c for _, c in sorted(out, key=lambda pair: pair[0])]

    async def _waiting_and_up_next(self, board: Board, entries: Sequence[ListEntry], unread: list[str]
                                   ) -> tuple[list[AgendaCard], list[AgendaCard]]:
        names = self.settings.trello.lists
        new, up = board.list_named(names.new), board.list_named(names.up_next)
        new_cards = board.cards_in(new.id) if new else ()
        up_cards = board.cards_in(up.id) if up else ()
        states = await self._ticket_states([c for c in chain(new_cards, up_cards)], unread)
        max_days = self.settings.planning.max_card_days
        return ([self._card(c, entries, states, max_days, since=True) for c in new_cards],
                [self._card(c, entries, states, max_days, since=False) for c in up_cards])

    def _card(self, card: Card, entries: Sequence[ListEntry], states: dict[int, str], max_days: float, *,
              since: bool) -> AgendaCard:
        estimate = _estimate(card)
        number = linked_ticket(card.desc, self.settings.groove.subdomain)
        ticket = f"#{number} {states.get(number, 'state unknown')}" if number is not None else ""
        when: date | None = None
        if since:
            at = entered_at(entries, card.id, card.list_id) or _created(card.id)
            when = at.astimezone(self.zone()).date() if at else None
        return AgendaCard(card.name, estimate, when, ticket, too_big_words(estimate, max_days), card_id=card.id)

    async def _ticket_states(self, cards: Iterable[Card], unread: list[str]) -> dict[int, str]:
        numbers = sorted({n for c in cards if (n := linked_ticket(c.desc, self.settings.groove.subdomain))})
        if not numbers:
            return {}
        groove = await self.context.groove()
        slots = asyncio.Semaphore(LINKED_TICKETS_AT_ONCE)

        async def state(number: int) -> str:
            async with slots:
                return (await groove.get_ticket(number)).state

        results = await asyncio.gather(*(state(n) for n in numbers), return_exceptions=True)
        out: dict[int, str] = {}
        for number, result in zip(numbers, results, strict=True):
            if isinstance(result, str):
                out[number] = result
            elif isinstance(result, ApiError):
                unread.append(f"ticket #{number}: {result}")
            elif isinstance(result, BaseException):
                raise result
        return out

    async def _sla(self, tickets: Sequence[Ticket], since: datetime) -> SlaSince:
        numbers = [t.number for t in tickets]
        histories = await asyncio.to_thread(self.histories, numbers)
        known = {t.number: t for t in tickets}
        for number, ticket in known.items():
            histories.setdefault(number, history_from_ticket(ticket))
        clocks = chain.from_iterable(sla_cycles(h, self.settings.sla) for h in histories.values())
        return sla_since(clocks, since, self.context.clock.now())

    def histories(self, numbers: Sequence[int]) -> dict[int, TicketHistory]:
        """The stored histories of these tickets, read as the Inbox reads them (store thread)."""
        return self.context.store.ticket_histories(numbers)


def _estimate(card: Card) -> int | None:
    return estimate_from_labels(lb.name for lb in card.labels)


def _created(card_id: str) -> datetime | None:
    """A Trello id starts with its creation time (seconds, 8 hex digits)."""
    try:
        return datetime.fromtimestamp(int(card_id[:8], 16), UTC)
    except ValueError:
        return None


__all__ = ["AgendaService", "CustomerTickets", "UnknownCustomerError"]
