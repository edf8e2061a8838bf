"""The services the App is given: one place that owns the HTTP client, the API clients and the store.

``cli.py`` builds this (the composition root) and hands it to the App; tests build it the same way
against the loopback fakes. The API clients are created on first use, on the App's own loop, so the
Inbox can paint from the cache before httpx and py-trello are even imported (a third of cold start).
"""

from __future__ import annotations

import asyncio
import importlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.domain.customers import CustomerDirectory
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.errors import shown_as_is
from supportdesk_tui.services.inbox import InboxService
from supportdesk_tui.services.journal import Journal, Outcome
from supportdesk_tui.services.triage.marks import TriageMarks, row_mark
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    import httpx

    from supportdesk_tui.clients.groove import GrooveClient
    from supportdesk_tui.clients.trello.facade import TrelloClient
    from supportdesk_tui.services.boards import BoardsService
    from supportdesk_tui.services.call import CallService
    from supportdesk_tui.services.planning.service import PlanningService
    from supportdesk_tui.services.standup.service import StandupService
    from supportdesk_tui.services.triage.service import TriageService


class Services:
    def __init__(self, settings: Settings, credentials: Credentials, clock: Clock, store: Store, *,
                 groove_options: dict[str, Any] | None = None, trello_options: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.credentials = credentials
        self.clock = clock
        self.store = store
        self.groove_options = groove_options or {}
        self.trello_options = trello_options or {}
        self._http: httpx.AsyncClient | None = None
        self._groove_client: GrooveClient | None = None
        self._trello_client: TrelloClient | None = None
        self._open_lock = asyncio.Lock()
        self.journal = Journal(store, clock)
        self.journal.loader = self.load_workflows
        self.directory = CustomerDirectory(settings.customers)
        self.context = ServiceContext(settings, store, clock, self.journal, self.groove, self.trello, self.directory)
        self.inbox = InboxService(settings, store, clock, connect=self.groove, directory=self.directory)
        self.triage_marks = TriageMarks(store)  # the Inbox's row marks, before the triage workflows load
        self.inbox.mark_of = self.row_mark
        self._triage: TriageService | None = None
        self._boards: BoardsService | None = None
        self._planning: PlanningService | None = None
        self._call: CallService | None = None
        self._standup: StandupService | None = None
        self._resuming = False

    # The Boards, Planning and Standup workflows are imported on first use (a fifth of cold start otherwise).
    # Their journal handlers must be registered before the journal replays anything, so the App calls
    # load_workflows() before resuming (after the first paint).
    @property
    def triage(self) -> TriageService:
        """The triage keys' workflows: built after the first paint (their payload types are a tenth of cold start)."""
        if self._triage is None:
            from supportdesk_tui.services.triage.service import TriageService

            self._triage = TriageService(self.context, self.triage_marks)
        return self._triage

    def row_mark(self, number: int, now: datetime) -> str:
        """"fixing 1:32", "urgent", "backlog queued"… for an Inbox row, from the journal and the marks."""
        return row_mark(self.journal, self.triage_marks, number, now)

    async def load_triage_marks(self) -> None:
        """Read timeboxes, urgent marks and the pending queue once (rows then ask from memory)."""
        await asyncio.to_thread(self.triage_marks.load)
        await self.journal.refresh_count()

    @property
    def boards(self) -> BoardsService:
        if self._boards is None:
            from supportdesk_tui.services.boards import BoardsError, BoardsService

            shown_as_is(BoardsError)  # its text says what to fix on the board or in the config
            self._boards = BoardsService(self.context)
        return self._boards

    @property
    def planning(self) -> PlanningService:
        if self._planning is None:
            from supportdesk_tui.services.planning.service import PlanningService

            self._planning = PlanningService(self.context)
        return self._planning

    @property
    def call(self) -> CallService:
        """The customer call's agenda, the week's close-out and confirmations as their own tickets."""
        if self._call is None:
            from supportdesk_tui.services.call import CallService

            self._call = CallService(self.context, self.boards, self.triage_marks)
        return self._call

    @property
    def standup(self) -> StandupService:
        """The day's stand-up: the plan, what moved on the boards, commitments, triage; and impediments."""
        if self._standup is None:
            from supportdesk_tui.services.standup.service import StandupService

            self._standup = StandupService(self.context, self.planning, self.boards)
        return self._standup

    @property
    def workflows_loaded(self) -> bool:
        return (self._triage is not None and self._boards is not None and self._planning is not None
                and self._call is not None and self._standup is not None)

    def load_workflows(self) -> None:
        """Import and build the triage, Boards, Planning, call and Standup services (registers their journal
        handlers)."""
        _ = self.triage, self.boards, self.planning, self.call, self.standup

    @property
    def pending_count(self) -> int:
        return self.journal.pending_count

    # --- replaying the journal ----------------------------------------------------------------------
    def replay_due(self) -> bool:
        """Groove or Trello just answered: should the journal be replayed now? Only when actions wait in
        it (queued while a service was down); a quiet poll replays nothing."""
        return self.journal.pending_count > 0

    async def resume_journal(self) -> list[Outcome] | None:
        """Finish what an earlier run (or a spell offline) left half-done, in the order it was asked.

        Single flight: a request while a replay runs returns None at once instead of waiting (the running
        one already replays everything pending, in order), and is never allowed to cancel it.
        """
        if self._resuming:
            return None
        self._resuming = True
        try:
            if not self.workflows_loaded:
                await asyncio.to_thread(self.load_workflows)  # every handler known before replaying
            return await self.journal.resume()
        finally:
            self._resuming = False

    async def renew_credentials(self) -> bool:
        """After a refused credential, `r` reads the environment and the keyring again (in a thread: the
        keyring may block); True when a credential changed, and then the clients are made afresh with it.
        A credential found nowhere now keeps its old value (the demo's and the tests' are passed in)."""
        from supportdesk_tui.credentials import NAMES, Credentials, CredentialsError, load_credentials

        try:
            fresh = await asyncio.to_thread(load_credentials)
        except CredentialsError:
            return False
        old = self.credentials
        values = {n: getattr(fresh, n) or getattr(old, n) for n in NAMES}
        if all(values[n] == getattr(old, n) for n in NAMES):
            return False
        sources = {n: fresh.sources.get(n) or old.sources.get(n, "") for n in NAMES}
        self.credentials = Credentials(**values, sources={n: v for n, v in sources.items() if v})
        async with self._open_lock:
            self._groove_client = None  # made again on first use, with the new token (same HTTP client)
            if self._trello_client is not None:
                await self._trello_client.aclose()
                self._trello_client = None
        return True

    async def groove(self) -> GrooveClient:
        """The app's one Groove client (httpx is imported and the client made on first use)."""
        async with self._open_lock:
            if self._groove_client is None:
                # Importing httpx takes ~0.2 s: do it in a thread so the first paint is not held up.
                await asyncio.to_thread(importlib.import_module, "supportdesk_tui.clients.groove")
                import httpx

                from supportdesk_tui.clients.groove import GrooveClient

                self._http = httpx.AsyncClient(
                    timeout=httpx.Timeout(15.0, connect=5.0),
                    limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
                    headers={"User-Agent": "supportdesk-tui", "Accept": "application/json"},
                )
                self._groove_client = GrooveClient(self._http, self.settings.groove_url,
                                                   self.credentials.groove_token or "", **self.groove_options)
            return self._groove_client

    async def trello(self) -> TrelloClient:
        """The app's one Trello facade (py-trello is imported on first use)."""
        async with self._open_lock:
            if self._trello_client is None:
                await asyncio.to_thread(importlib.import_module, "supportdesk_tui.clients.trello.facade")
                from supportdesk_tui.clients.trello.facade import TrelloClient

                self._trello_client = TrelloClient(self.settings.trello_url, self.credentials.trello_key or "",
                                                   self.credentials.trello_token or "", **self.trello_options)
            return self._trello_client

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self._trello_client is not None:
            await self._trello_client.aclose()
            self._trello_client = None
        await asyncio.to_thread(self.store.close)
