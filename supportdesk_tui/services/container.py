"""The services the App is given: one place that owns the HTTP client, the API clients and the store.

``cli.py`` builds this (the composition root) and hands it to the App; tests build it the same way
against the loopback fakes. The httpx client is created in :meth:`open`, on the App's own loop.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.services.inbox import InboxService
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    import httpx

    from supportdesk_tui.clients.groove import GrooveClient


class Services:
    def __init__(self, settings: Settings, credentials: Credentials, clock: Clock, store: Store, *,
                 groove_options: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.groove_options = groove_options or {}
        self.credentials = credentials
        self.clock = clock
        self.store = store
        self._http: httpx.AsyncClient | None = None
        self._open_lock = asyncio.Lock()
        self._groove_client: GrooveClient | None = None
        # The inbox service exists from the start so the screen can paint from the cache while the
        # HTTP side (httpx and the clients, imported here lazily: they are a third of cold start)
        # is still being set up.
        self.inbox = InboxService(settings, store, clock, connect=self._groove)

    async def open(self) -> None:
        """Create the shared HTTP client on the running loop (idempotent; the first API call does it)."""
        async with self._open_lock:
            if self._http is not None:
                return
            import httpx

            from supportdesk_tui.clients.groove import GrooveClient

            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(15.0, connect=5.0),
                limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
                headers={"User-Agent": "supportdesk-tui", "Accept": "application/json"},
            )
            self._groove_client = GrooveClient(self._http, self.settings.groove_url,
                                               self.credentials.groove_token or "", **self.groove_options)

    async def _groove(self) -> GrooveClient:
        await self.open()
        assert self._groove_client is not None
        return self._groove_client

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        await asyncio.to_thread(self.store.close)
