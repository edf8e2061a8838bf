"""The action journal: every change to Groove or Trello is written down before its first call.

An action is a kind (``"backlog"``, ``"close"``, ``"publish"``…) plus a JSON payload, carried out as
named steps in order. Each finished step is recorded with what it produced (a card id, a message id)
before the next one starts, and every step is idempotent: before creating anything it looks for what
an earlier, interrupted attempt may have made (a marker in a card's description, a note in the thread).
So a crash, a quit or a network fault half-way leaves an entry that :meth:`Journal.resume` finishes on
the next start or after reconnecting, in the order the actions were taken, and nothing is done twice.

Failures split in two. *Transient* ones (the service is unavailable or rate-limits us) leave the entry
pending, to be replayed: offline actions are simply queued. *Permanent* ones (refused as invalid, not
found, a conflict, bad credentials) mark it failed with a sentence the UI shows; steps already done
stay done and are listed, so a person can see exactly where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from supportdesk_tui.clients.errors import ApiError, RateLimitedError, UnavailableError
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.store import JournalEntry, Store

log = logging.getLogger(__name__)

PENDING, DONE, FAILED, UNDONE = "pending", "done", "failed", "undone"


class StepFailed(Exception):
    """A step found a reason to stop for good (a conflict it detected itself); the text is for people."""


class ActionHandler(Protocol):
    """How one kind of action is carried out. Handlers live in the services that own the workflow."""

    kind: str

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        """The step names, in order (they may depend on the payload, e.g. an optional reply)."""
        ...

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        """Do one step idempotently; return a JSON-able result that later steps read from ``done``."""
        ...

    def describe(self, payload: Mapping[str, Any]) -> str:
        """A short phrase for the UI: "backlog #123 to Acme Ltd"."""
        ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to an entry this time round."""

    entry_id: int
    kind: str
    status: str  # pending (queued, will be retried), done, failed
    message: str
    done: Mapping[str, Any]
    ticket: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == DONE


class Journal:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._handlers: dict[str, ActionHandler] = {}
        self._lock = asyncio.Lock()  # one action at a time, in order: replay keeps the user's sequence
        self.pending_count = 0

    def register(self, handler: ActionHandler) -> None:
        self._handlers[handler.kind] = handler

    def handler(self, kind: str) -> ActionHandler:
        try:
            return self._handlers[kind]
        except KeyError:
            raise LookupError(f"no handler registered for journal kind {kind!r}") from None

    async def refresh_count(self) -> int:
        self.pending_count = len(await asyncio.to_thread(self.store.journal_entries, PENDING))
        return self.pending_count

    async def submit(self, kind: str, payload: Mapping[str, Any], *, ticket: int | None = None) -> Outcome:
        """Write the entry, then carry it out (after any older pending entries, to keep the order)."""
        self.handler(kind)  # refuse unknown kinds before writing anything
        entry_id = await asyncio.to_thread(self.store.journal_add, kind, dict(payload), self.clock.now(), ticket)
        self.pending_count += 1
        async with self._lock:
            older = [e for e in await asyncio.to_thread(self.store.journal_entries, PENDING) if e.id < entry_id]
            for entry in older:
                outcome = await self._run(entry)
                if outcome.status == PENDING:  # still offline: queue behind it, in order
                    return await self._queued(entry_id, outcome.message)
            current = await asyncio.to_thread(self.store.journal_get, entry_id)
            assert current is not None
            return await self._run(current)

    async def _queued(self, entry_id: int, why: str) -> Outcome:
        entry = await asyncio.to_thread(self.store.journal_get, entry_id)
        assert entry is not None
        await asyncio.to_thread(self.store.journal_note_error, entry_id, why, self.clock.now())
        return Outcome(entry.id, entry.kind, PENDING, f"queued behind an earlier action: {why}", entry.done_steps,
                       entry.ticket)

    async def resume(self) -> list[Outcome]:
        """Finish every pending entry, oldest first; stop at the first that is still offline."""
        outcomes: list[Outcome] = []
        async with self._lock:
            for entry in await asyncio.to_thread(self.store.journal_entries, PENDING):
                outcome = await self._run(entry)
                outcomes.append(outcome)
                if outcome.status == PENDING:
                    break
        await self.refresh_count()
        return outcomes

    async def _run(self, entry: JournalEntry) -> Outcome:
        handler = self.handler(entry.kind)
        done: dict[str, Any] = dict(entry.done_steps)
        what = handler.describe(entry.payload)
        for step in handler.steps(entry.payload):
            if step in done:
                continue
            try:
                result = await handler.run_step(step, entry.payload, done)
            except (UnavailableError, RateLimitedError) as exc:
                await asyncio.to_thread(self.store.journal_note_error, entry.id, str(exc), self.clock.now())
                return Outcome(entry.id, entry.kind, PENDING, f"{what}: will retry ({exc})", done, entry.ticket)
            except (ApiError, StepFailed) as exc:
                message = f"{what} stopped at '{step}': {exc}"
                await asyncio.to_thread(self.store.journal_finish, entry.id, FAILED, self.clock.now(), message)
                self.pending_count = max(0, self.pending_count - 1)
                return Outcome(entry.id, entry.kind, FAILED, message, done, entry.ticket)
            done[step] = result
            await asyncio.to_thread(self.store.journal_step, entry.id, step, result, self.clock.now())
        await asyncio.to_thread(self.store.journal_finish, entry.id, DONE, self.clock.now())
        self.pending_count = max(0, self.pending_count - 1)
        return Outcome(entry.id, entry.kind, DONE, f"{what}: done", done, entry.ticket)
