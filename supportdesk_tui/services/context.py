"""What every workflow service is given: settings, store, clock, the journal and lazy API clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.domain.customers import CustomerDirectory
from supportdesk_tui.services.journal import Journal
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    from supportdesk_tui.clients.groove import GrooveClient
    from supportdesk_tui.clients.trello.facade import TrelloClient


@dataclass(frozen=True)
class ServiceContext:
    settings: Settings
    store: Store
    clock: Clock
    journal: Journal
    groove: Callable[[], Awaitable[GrooveClient]]
    """Await to get the app's one Groove client (created on first use, on the app's loop)."""
    trello: Callable[[], Awaitable[TrelloClient]]
    """Await to get the app's one Trello facade (its py-trello calls run on one worker thread)."""
    directory: CustomerDirectory
    """Customers by email domain, shared: a domain remembered in triage is known to the Inbox at once."""

    def zone(self) -> ZoneInfo:
        """The team's zone (``sla.timezone``): where a day, a week and a call day begin."""
        return ZoneInfo(self.settings.sla.timezone)

    def today(self) -> date:
        """Today in the team's zone by the injected clock, not the machine's: the one answer the agenda, the
        week's lists, planning and the stand-up share (a laptop abroad on Sunday night is still on Sunday)."""
        return self.clock.now().astimezone(self.zone()).date()
