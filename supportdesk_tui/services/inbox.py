"""The inbox workflow: fetch the open queue from Groove, cache it, and attach each ticket's SLA clock.

Everything here is awaited from a screen's worker; disk work goes through ``asyncio.to_thread`` so
the UI loop never waits on SQLite, and SLA clocks are computed once per sync (never per tick).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.domain.customers import Customer, CustomerDirectory
from supportdesk_tui.domain.sla import SlaClock, clock_for
from supportdesk_tui.domain.tickets import Message, Ticket
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    from supportdesk_tui.clients.groove import GrooveClient


@dataclass(frozen=True)
class InboxData:
    """The open queue as the Inbox shows it: tickets, their clocks and customers, and its age."""

    tickets: tuple[Ticket, ...]
    clocks: dict[int, SlaClock]
    customers: dict[int, Customer | None]
    synced_at: datetime | None
    from_cache: bool = False
    new_numbers: frozenset[int] = field(default_factory=frozenset)


class InboxService:
    def __init__(self, settings: Settings, store: Store, clock: Clock, *,
                 connect: Callable[[], Awaitable[GrooveClient]]) -> None:
        self.settings = settings
        self._connect = connect
        self.store = store
        self.clock = clock
        self.directory = CustomerDirectory(settings.customers)
        self._known: set[int] | None = None

    def _build(self, tickets: list[Ticket], synced_at: datetime | None, from_cache: bool) -> InboxData:
        open_tickets = tuple(t for t in tickets if t.is_open)
        policy = self.settings.sla
        clocks = {t.number: clock_for(t, policy) for t in open_tickets}
        customers = {t.number: self.directory.for_email(t.customer_email) for t in open_tickets}
        numbers = {t.number for t in open_tickets}
        # "New" means not in the queue we last showed (the cache counts, so a restart does not
        # announce the whole queue again); the very first sync of a fresh install announces nothing.
        new = frozenset() if self._known is None or from_cache else frozenset(numbers - self._known)
        self._known = numbers
        return InboxData(open_tickets, clocks, customers, synced_at, from_cache, new)

    async def load_cached(self) -> InboxData | None:
        """The last synced queue from the store, so the screen paints before the network answers."""
        tickets, synced_at = await asyncio.to_thread(self.store.load_inbox)
        if synced_at is None:
            return None
        return await asyncio.to_thread(self._build, tickets, synced_at, True)

    async def refresh(self) -> InboxData:
        """Fetch the queue from Groove and cache it; raises the client's typed errors."""
        groove = await self._connect()
        tickets = await groove.list_open_tickets(self.settings.groove.states)
        synced_at = self.clock.now()
        await asyncio.to_thread(self.store.save_inbox, tickets, synced_at)
        return await asyncio.to_thread(self._build, tickets, synced_at, False)

    async def messages(self, number: int) -> list[Message]:
        return await (await self._connect()).list_messages(number)
