"""The inbox workflow: fetch the open queue from Groove, cache it, and attach each ticket's SLA clock.

Everything here is awaited from a screen's worker; disk work and clock computation go through
``asyncio.to_thread`` so the UI loop never waits on SQLite. SLA clocks are computed from the history
the store observed (Groove v1 keeps none), once per ticket, and again only when that ticket's history
changes: the once-a-second tick never recomputes a deadline.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from supportdesk_tui.clients.errors import NotFoundError
from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.domain.customers import Customer, CustomerDirectory
from supportdesk_tui.domain.sla import (
    ClockSummary,
    SlaClock,
    TicketHistory,
    clock_for,
    policy_version,
    queue_key,
)
from supportdesk_tui.domain.tickets import Message, Ticket
from supportdesk_tui.domain.week_figures import WeekFigures, iso_week, week_figures
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    from supportdesk_tui.clients.groove import GrooveClient

MAX_VANISHED_CHECKS = 25  # per poll: how many tickets missing from the listing we ask Groove about
MAX_REPLY_CHECKS = 10  # per poll: paused tickets with new messages whose thread we read
HEAD_ROWS = 150  # a cold start replays this many tickets before the first paint: more than a screenful


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One open ticket as the Inbox shows it: the ticket, its SLA clock, its customer and its row mark."""

    ticket: Ticket
    clock: SlaClock
    customer: Customer | None
    mark: str = ""
    """What triage says about the row when the queue was built ("urgent", "fixing 1:32"); the screen
    re-reads it as triage moves on."""

    @property
    def number(self) -> int:
        return self.ticket.number


@dataclass(frozen=True)
class InboxData:
    """The open queue as the Inbox shows it: one item per ticket, and the queue's age."""

    items: tuple[InboxItem, ...]
    synced_at: datetime | None
    from_cache: bool = False
    new_numbers: frozenset[int] = field(default_factory=frozenset)
    """Arrived with this sync (announced once)."""
    marked_new: frozenset[int] = field(default_factory=frozenset)
    """Still marked NEW: arrived with this or an earlier sync (or run) and not yet seen (kept in the store)."""
    week: WeekFigures | None = None
    summaries: tuple[ClockSummary, ...] | None = None
    """Set on the first, partial load of a cold start: ``items`` is then only the top of the cached
    queue, and these summarise the clock of every cached ticket (for the counts). The whole queue follows."""

    @property
    def partial(self) -> bool:
        return self.summaries is not None

    @property
    def open_count(self) -> int:
        return len(self.summaries) if self.summaries is not None else len(self.items)

    @property
    def tickets(self) -> tuple[Ticket, ...]:
        return tuple(item.ticket for item in self.items)

    @property
    def clocks(self) -> dict[int, SlaClock]:
        """Each ticket's clock by number (a read-only convenience for callers that look one up)."""
        return {item.ticket.number: item.clock for item in self.items}

    def item(self, number: int) -> InboxItem | None:
        return next((item for item in self.items if item.ticket.number == number), None)


MarkOf = Callable[[int, datetime], str]


def _no_mark(number: int, now: datetime) -> str:
    return ""


class InboxService:
    def __init__(self, settings: Settings, store: Store, clock: Clock, *,
                 connect: Callable[[], Awaitable[GrooveClient]], directory: CustomerDirectory | None = None) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self._connect = connect
        self.directory = directory or CustomerDirectory(settings.customers)
        self._known: set[int] | None = None
        self._unchecked: set[int] = set()  # missing from the last listing; Groove not yet asked whether they left
        self._last_queue: dict[int, Ticket] | None = None  # what the last refresh showed, by number
        self._clock_cache: dict[int, tuple[object, SlaClock]] = {}
        self._preloaded: InboxData | None = None
        self._week_cache: tuple[str, dict[int, TicketHistory], datetime, WeekFigures] | None = None
        self._history_cache: tuple[int, dict[int, TicketHistory]] | None = None
        self._policy_version = policy_version(settings.sla)
        self._build_lock = threading.Lock()
        self._pause_states = settings.sla.pausing
        self._message_counts: dict[int, int] | None = None  # per open ticket, as of the last full build
        self._reply_checks: set[int] = set()  # paused tickets with new messages, thread not yet read
        self.mark_of: MarkOf = _no_mark
        """What triage says about a row (the container plugs in the triage service's marks)."""

    # --- history -> clocks (runs in a thread) ------------------------------------------------------
    def _histories(self) -> tuple[int, dict[int, TicketHistory]]:
        """Every seen ticket's history and the store's history version it was read under, re-read only
        when that version moved: the same object comes back otherwise, so the clock and week caches below
        hit on identity."""
        version = self.store.history_version
        if self._history_cache is None or self._history_cache[0] != version:
            self._history_cache = (version, self.store.ticket_histories())
        return self._history_cache

    def _clocks(self, tickets: tuple[Ticket, ...], histories: dict[int, TicketHistory]) -> dict[int, SlaClock]:
        policy = self.settings.sla
        clocks: dict[int, SlaClock] = {}
        for ticket in tickets:
            history = histories.get(ticket.number)
            key = (ticket.state, ticket.state_changed_at, ticket.created_at, history)
            cached = self._clock_cache.get(ticket.number)
            if cached is not None and cached[0] == key:
                clocks[ticket.number] = cached[1]
                continue
            clock = clock_for(ticket, policy, history)
            self._clock_cache[ticket.number] = (key, clock)
            clocks[ticket.number] = clock
        for number in [n for n in self._clock_cache if n not in clocks]:
            del self._clock_cache[number]  # left the queue: keep the cache the size of the queue
        return clocks

    def _week(self, histories: dict[int, TicketHistory], now: datetime) -> WeekFigures:
        """The week's figures, recomputed only when some ticket's history changed (or a deadline inside
        the week passed): a quiet poll should not replay the clock of every ticket ever seen."""
        policy = self.settings.sla
        week = iso_week(now, policy.timezone)
        cached = self._week_cache
        if cached is not None and cached[0] == week and cached[1] == histories and now < cached[2]:
            return cached[3]
        figures = week_figures(week, histories.values(), policy, now)
        self.store.save_week_figures(week, dict(figures.as_dict()), policy_version(policy), now)
        next_breach = min((c.deadline for c in self._clock_values() if c.final is None and c.deadline is not None
                           and c.deadline > now), default=datetime.max.replace(tzinfo=UTC))
        self._week_cache = (week, histories, next_breach, figures)
        return figures

    def _clock_values(self) -> list[SlaClock]:
        return [clock for _, clock in self._clock_cache.values()]

    def _stored_week(self) -> WeekFigures | None:
        """The figures kept at the last sync: painting from the cache does not recompute the week."""
        week = iso_week(self.clock.now(), self.settings.sla.timezone)
        stored = self.store.load_week_figures(week)
        if stored is None:
            return None
        try:
            return WeekFigures(**stored[0])
        except TypeError:
            return None  # kept by another version of the app: wait for the next sync

    def _basis(self, history_version: int) -> str:
        """What a stored clock summary depends on besides its ticket: the policy and the histories."""
        return f"{self._policy_version}:{history_version}"

    def _build(self, tickets: list[Ticket], synced_at: datetime | None, from_cache: bool, *,
               remember: bool = True, first_seen: frozenset[int] = frozenset()) -> InboxData:
        # Builds run in worker threads; a refresh asked for (`r`) while the cache is still being read
        # must not interleave with it over the clock cache.
        with self._build_lock:
            return self._build_locked(tickets, synced_at, from_cache, remember, first_seen)

    def _build_locked(self, tickets: list[Ticket], synced_at: datetime | None, from_cache: bool, remember: bool,
                      first_seen: frozenset[int]) -> InboxData:
        open_tickets = tuple(t for t in tickets if t.is_open)
        version, histories = self._histories()
        clocks = self._clocks(open_tickets, histories)
        if remember:  # for the next cold start (see _load_head_sync)
            self.store.save_clock_summaries({n: c.summary() for n, c in clocks.items()}, self._basis(version))
        numbers = {t.number for t in open_tickets}
        # "New" means never seen before (by this app, in this data dir): a ticket back in the queue after
        # an undo or a reopen is not new. The very first sync of a fresh install announces nothing.
        new = frozenset() if self._known is None or from_cache else first_seen & numbers
        marked = self.store.update_new_marks(new, None if from_cache else numbers)
        self._known = numbers
        self._message_counts = {t.number: t.message_count for t in open_tickets}
        now = self.clock.now()
        week = self._stored_week() if from_cache else self._week(histories, now)
        return InboxData(self._items(open_tickets, clocks), synced_at, from_cache, new, marked | new, week)

    def _items(self, tickets: Iterable[Ticket], clocks: dict[int, SlaClock]) -> tuple[InboxItem, ...]:
        customer = self.directory.for_email
        return tuple(InboxItem(t, clocks[t.number], customer(t.customer_email)) for t in tickets)

    def _marked(self, data: InboxData) -> InboxData:
        """The marks are read on the caller's thread (the App's loop), never in a build thread: the
        journal and triage state they come from change on that loop."""
        now, mark_of = self.clock.now(), self.mark_of
        return replace(data, items=tuple(replace(item, mark=mark_of(item.ticket.number, now)) for item in data.items))

    # --- the queue ----------------------------------------------------------------------------------
    def preload(self, head_rows: int = HEAD_ROWS) -> None:
        """Read the top of the cached queue before the UI starts (called by the app factory, before the
        event loop runs).

        Replaying 2,000 tickets' histories costs ~150 ms in a fresh process, so when the store's clock
        summaries are current only the top ``head_rows`` are replayed now, and the rest once the Inbox is
        on screen (the screen asks for it). Done in a thread while Textual starts instead, the two fight
        over the GIL and the first paint comes later still.
        """
        data = self._load_head_sync(head_rows) or self._load_cached_sync(remember=False)
        self._preloaded = self._marked(data) if data is not None else None

    @property
    def preloaded(self) -> InboxData | None:
        """What :meth:`preload` read and :meth:`load_cached` will hand over first (None once handed over)."""
        return self._preloaded

    def _load_head_sync(self, limit: int) -> InboxData | None:
        head = self.store.load_inbox_head(limit, self._basis(self.store.history_version))
        if head is None:
            return None  # no summaries yet, another policy, or histories changed since: replay them all
        histories = self.store.ticket_histories([t.number for t in head.tickets])
        with self._build_lock:
            clocks = self._clocks(tuple(head.tickets), histories)
        now = self.clock.now()
        top = sorted(head.tickets, key=lambda t: queue_key(clocks[t.number], now, t.number))[:limit]
        return InboxData(self._items(top, clocks), head.synced_at, from_cache=True, week=self._stored_week(),
                         summaries=tuple(head.summaries), marked_new=self.store.new_marks())

    def _load_cached_sync(self, *, remember: bool = True) -> InboxData | None:
        tickets, synced_at = self.store.load_inbox()
        if synced_at is None:
            return None
        return self._build(tickets, synced_at, True, remember=remember)

    async def load_cached(self) -> InboxData | None:
        """The last synced queue from the store, so the screen paints before the network answers."""
        if self._preloaded is not None:
            data, self._preloaded = self._preloaded, None
            return data
        cached = await asyncio.to_thread(self._load_cached_sync)
        return self._marked(cached) if cached is not None else None

    async def refresh(self) -> InboxData:
        """Fetch the queue from Groove and cache it; raises the client's typed errors."""
        groove = await self._connect()
        tickets = await self._confirm_leavers(groove, await groove.list_open_tickets(self.settings.groove.states))
        synced_at = self.clock.now()
        first_seen = frozenset(await asyncio.to_thread(self.store.save_inbox, tickets, synced_at))
        self._note_new_messages(tickets)
        await self._check_replies(groove, {t.number: t for t in tickets})
        self._last_queue = {t.number: t for t in tickets}
        data = await asyncio.to_thread(partial(self._build, tickets, synced_at, False, first_seen=first_seen))
        return self._marked(data)

    def _note_new_messages(self, tickets: list[Ticket]) -> None:
        """Paused tickets whose thread grew since the last sync: a customer may have written without the
        state changing, and a customer reply resumes the clock (docs/guides: whatever the channel)."""
        counts = self._message_counts
        if not self._pause_states or counts is None:
            return  # nothing pauses, or no earlier sync to compare with
        listed = set()
        for t in tickets:
            listed.add(t.number)
            before = counts.get(t.number)
            if before is not None and t.message_count > before and t.state in self._pause_states:
                self._reply_checks.add(t.number)
        self._reply_checks &= listed

    async def _check_replies(self, groove: GrooveClient, tickets: dict[int, Ticket]) -> None:
        """Read the threads noted above (a bounded few per poll; a failure waits for the next poll) and
        keep the customer's messages. If an agent answered after the last of them and the ticket is
        paused again, the pause starts again at that answer: the store saw no state change to record."""
        batch = sorted(self._reply_checks)[:MAX_REPLY_CHECKS]
        if not batch:
            return
        threads = await asyncio.gather(*(groove.list_messages(n) for n in batch), return_exceptions=True)
        for number, thread in zip(batch, threads, strict=True):
            if isinstance(thread, BaseException):
                continue
            self._reply_checks.discard(number)
            replies = [(m.id, m.created_at) for m in thread if m.author_kind == "customer" and not m.note]
            await asyncio.to_thread(self.store.record_customer_replies, number, replies)
            ticket = tickets.get(number)
            if not replies or ticket is None or ticket.state not in self._pause_states:
                continue
            last_reply = max(at for _, at in replies)
            answers = [m.created_at for m in thread
                       if m.author_kind == "agent" and not m.note and m.created_at > last_reply]
            if answers:
                await asyncio.to_thread(self.store.observe_state, number, ticket.state, min(answers), again=True)

    async def _confirm_leavers(self, groove: GrooveClient, listed: list[Ticket]) -> list[Ticket]:
        """The listing, plus the tickets that went missing from it while Groove has not confirmed they left.

        A listing read page by page (pages in parallel) shifts when a ticket closes or arrives mid-read:
        the ticket that moved across a page boundary is on no page this time (duplicates the client
        merges). So a ticket missing from the listing is asked about (``GET /tickets/:n``, a bounded few
        per poll): still in a listed state, it stays with Groove's fresh copy; closed, spam or deleted,
        its final state is recorded (for its clock and the week's figures) and it drops out; a 404
        drops it; a failed or postponed check keeps the copy last shown until a later poll can ask.
        """
        listed_numbers = {t.number for t in listed if t.is_open}
        self._unchecked = (self._unchecked | ((self._known or set()) - listed_numbers)) - listed_numbers
        if not self._unchecked:
            return listed
        last = self._last_queue
        if last is None:  # the first poll after painting from the cache: its copies are in the store
            cached, _ = await asyncio.to_thread(self.store.load_inbox)
            last = {t.number: t for t in cached}
        batch = sorted(self._unchecked)[:MAX_VANISHED_CHECKS]
        results = await asyncio.gather(*(groove.get_ticket(n) for n in batch), return_exceptions=True)
        answers: dict[int, Ticket | BaseException] = dict(zip(batch, results, strict=True))
        wanted = {s.strip().lower() for s in self.settings.groove.states}
        now = self.clock.now()
        kept: list[Ticket] = []
        for number in sorted(self._unchecked):
            answer = answers.get(number)
            if isinstance(answer, NotFoundError):
                self._unchecked.discard(number)  # no such ticket any more: nothing to show or record
            elif isinstance(answer, Ticket) and answer.is_open and answer.state in wanted:
                self._unchecked.discard(number)  # shifted off a page, still in the queue
                kept.append(answer)
            elif isinstance(answer, Ticket):
                self._unchecked.discard(number)  # it left: record how, for its clock and the week
                await asyncio.to_thread(self.store.observe_state, number, answer.state, now)
            elif number in last and last[number].is_open:
                kept.append(last[number])  # not confirmed yet (failed or postponed): keep it on screen
        return [*listed, *kept]

    async def mark_seen(self, numbers: Collection[int]) -> None:
        """The cursor rested on these NEW rows (or all were marked seen): drop their marks for good."""
        await asyncio.to_thread(self.store.clear_new_marks, numbers)

    async def messages(self, number: int) -> list[Message]:
        return await (await self._connect()).list_messages(number)
