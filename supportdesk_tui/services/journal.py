"""The action journal: every change to Groove or Trello is written down before its first call.

An action is a kind (:class:`ActionKind`: backlog, close, plan.publish…) plus its payload, a frozen
dataclass stored as JSON, carried out as named steps in order. Each finished step is recorded with
what it produced (a card id, a message id) before the next one starts, and every step is idempotent:
before creating anything it looks for what an earlier, interrupted attempt may have made (a marker in
a card's description, a note in the thread).
So a crash, a quit or a network fault half-way leaves an entry that :meth:`Journal.resume` finishes on
the next start or after reconnecting, in the order the actions were taken, and nothing is done twice.

Failures split in two. *Transient* ones (the service is unavailable or rate-limits us) leave the entry
pending, to be replayed: offline actions are simply queued. *Permanent* ones (refused as invalid, not
found, a conflict, bad credentials) mark it failed with a sentence the UI shows; steps already done
stay done and are listed, so a person can see exactly where it stopped.

Each kind of action has one handler (:class:`Action`): it parses the stored payload into its
dataclass (``domain.actions``), lists its steps as methods in order, and writes the sentence the UI
shows once the action is done. A step returns a typed record; the journal stores its JSON.

Before a step runs, its *attempt* count is written (apart from the step results). A step on its
first attempt knows no earlier run can have half-done it, so it may skip its "look first" read (a
backlog then costs one round trip less per write); a step that was tried before
(:meth:`StepResults.tried_before`) must look. A step that fails with :class:`AmbiguousWriteError`
(the write may or may not have landed) is run again at once, since its look-first makes that safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from supportdesk_tui.clients.errors import ApiError, BadPayloadError, RateLimitedError, UnavailableError
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.domain.journal import ActionKind, ActionPayload, JournalStatus, JsonRecord, RecordError
from supportdesk_tui.store import JournalEntry, Store
from supportdesk_tui.store.base import LEGACY_ATTEMPT

log = logging.getLogger(__name__)

T = TypeVar("T")
P = TypeVar("P", bound=ActionPayload)
R = TypeVar("R", bound=JsonRecord)
# The statuses, under the names this module has always exported (they are JournalStatus members).
PENDING, DONE, FAILED, UNDONE = JournalStatus.PENDING, JournalStatus.DONE, JournalStatus.FAILED, JournalStatus.UNDONE
ATTEMPT = LEGACY_ATTEMPT  # how older versions suffixed attempt counts among the step results (migrated on open)
IMMEDIATE_RERUNS = 1


class StepResults:
    """What an entry's finished steps recorded (JSON, read back as typed records) and how often each
    step was started. Handed to every step, so a step reads what earlier ones produced."""

    def __init__(self, raw: Mapping[str, Any], attempts: Mapping[str, int]) -> None:
        self.raw = raw
        self.attempts = attempts

    def __contains__(self, step: object) -> bool:
        return step in self.raw

    def get(self, step: str, kind: type[R]) -> R:
        """The record ``step`` left (it must have finished: steps run in order)."""
        try:
            return kind.from_json(self.raw[step])
        except KeyError:
            raise LookupError(f"step {step!r} has not finished") from None

    def maybe(self, step: str, kind: type[R]) -> R | None:
        return kind.from_json(self.raw[step]) if step in self.raw else None

    def tries(self, step: str) -> int:
        """How many runs have started ``step``, this one included."""
        return int(self.attempts.get(step, 0))

    def tried_before(self, step: str) -> bool:
        """Whether an earlier run started ``step``, so a write of it may have landed: look before writing."""
        return self.tries(step) > 1


StepFn = Callable[[P, StepResults], Awaitable[JsonRecord]]


@dataclass(frozen=True, slots=True)
class Step(Generic[P]):
    """A named step, for steps that are not one method each (e.g. publishing: one step per card)."""

    name: str
    run: Callable[[P, StepResults], Awaitable[JsonRecord]]


def _named(step: Step[P] | StepFn[P]) -> Step[P]:
    return step if isinstance(step, Step) else Step(str(getattr(step, "__name__")), step)  # noqa: B009


class StepFailed(Exception):
    """A step found a reason to stop for good (a conflict it detected itself); the text is for people."""


class AmbiguousWriteError(UnavailableError):
    """A write got no clear answer: it may have happened. Transient, and worth one immediate re-run,
    because the step looks for what it wrote before writing again."""


async def ambiguous_write(what: str, call: Awaitable[T]) -> T:
    """Await a write that is not idempotent; a lost or unreadable answer becomes :class:`AmbiguousWriteError`,
    which the journal re-runs at once (safe, since such steps look for what they wrote before writing).

    A request that certainly never left (connection refused) stays a plain ``UnavailableError``: the
    service is down, and the action waits in the queue instead of being re-run at once.
    """
    try:
        return await call
    except BadPayloadError as exc:
        raise AmbiguousWriteError(exc.service, f"{what} was accepted but its answer could not be read; "
                                  "looking for it before trying again") from None
    except UnavailableError as exc:
        from supportdesk_tui.clients.retry import NotSentError  # loaded with the clients, not at start

        if isinstance(exc, NotSentError | AmbiguousWriteError):
            raise
        raise AmbiguousWriteError(exc.service, f"{what} got no clear answer, so it may have happened; "
                                  "looking for it before trying again", status=exc.status) from None


class Action(Generic[P]):
    """How one kind of action is carried out. Handlers live in the services that own the workflow.

    ``steps`` lists the step methods in order (a method's name is the step's stored name); each takes
    the payload and the results so far and returns its typed record, doing its work idempotently.
    """

    payload_type: ClassVar[type[ActionPayload]]

    @property
    def kind(self) -> ActionKind:
        return self.payload_type.KIND

    def parse(self, raw: Mapping[str, Any]) -> P:
        return self.payload_type.from_json(raw)  # type: ignore[return-value]  # payload_type is P's class

    def steps(self, payload: P) -> Sequence[Step[P] | StepFn[P]]:
        raise NotImplementedError

    def describe(self, payload: P) -> str:
        """A short phrase for the UI: "backlog #123 to Acme Ltd"."""
        raise NotImplementedError

    def confirm(self, payload: P, done: StepResults) -> str:
        """The sentence the UI shows once the action is done (handlers say what they did)."""
        return f"{self.describe(payload)}: done"




@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to an entry this time round."""

    entry_id: int
    kind: str
    status: JournalStatus  # pending (queued, will be retried), done, failed (undone: cancelled meanwhile)
    message: str
    done: Mapping[str, Any]  # step name -> the JSON result it recorded
    ticket: int | None = None
    confirmation: str = ""  # when done: the handler's sentence saying what was done

    @property
    def ok(self) -> bool:
        return self.status == DONE


class Journal:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.loader: Callable[[], None] | None = None  # registers handlers that are imported lazily
        self.store = store
        self.clock = clock
        self._handlers: dict[str, Action[Any]] = {}
        self._lock = asyncio.Lock()  # one action at a time, in order: replay keeps the user's sequence
        self.pending_count = 0
        self._pending_tickets: dict[int, list[tuple[int, str]]] = {}  # ticket -> [(entry id, kind)] in order
        self.on_earlier: Callable[[Outcome], None] | None = None
        """Told how an older pending entry ended when a new submit ran it first (the App toasts it, as it
        does for a replay: otherwise a backlog queued before a restart would finish without a word)."""

    def register(self, handler: Action[Any]) -> None:
        self._handlers[handler.kind.value] = handler

    def handler(self, kind: str) -> Action[Any]:
        if kind not in self._handlers and self.loader is not None:
            self.loader()  # handlers of workflows imported on first use (see Services.load_workflows)
        try:
            return self._handlers[kind]
        except KeyError:
            raise LookupError(f"no handler registered for journal kind {kind!r}") from None

    async def refresh_count(self) -> int:
        entries = await asyncio.to_thread(self.store.journal_entries, PENDING)
        self.pending_count = len(entries)
        self._pending_tickets = {}
        for entry in entries:
            if entry.ticket is not None:
                self._pending_tickets.setdefault(entry.ticket, []).append((entry.id, entry.kind))
        return self.pending_count

    async def pending_descriptions(self) -> list[str]:
        """One line per unfinished action, oldest first, for the help screen: what, since when, last error."""
        lines = []
        for entry in await asyncio.to_thread(self.store.journal_entries, PENDING):
            what = self.describe(entry)
            since = entry.created_at.strftime("%a %H:%M UTC")
            lines.append(f"{what} (asked {since})" + (f": {entry.error}" if entry.error else ""))
        return lines

    def describe(self, entry: JournalEntry) -> str:
        """The entry's short phrase ("backlog #123 to Acme Ltd"); its kind if it cannot be read."""
        try:
            handler = self.handler(entry.kind)
            return handler.describe(handler.parse(entry.payload))
        except (LookupError, RecordError):
            return entry.kind

    def pending_for(self, ticket: int) -> str | None:
        """The kind of the oldest unfinished action on ``ticket`` (from memory: safe to call per row)."""
        items = self._pending_tickets.get(ticket)
        return items[0][1] if items else None

    def _track(self, entry_id: int, kind: str, ticket: int | None) -> None:
        if ticket is not None:
            self._pending_tickets.setdefault(ticket, []).append((entry_id, kind))

    def _untrack(self, entry_id: int, ticket: int | None) -> None:
        if ticket is None:
            return
        items = [item for item in self._pending_tickets.get(ticket, []) if item[0] != entry_id]
        if items:
            self._pending_tickets[ticket] = items
        else:
            self._pending_tickets.pop(ticket, None)

    async def cancel(self, entry_id: int, allowed: Callable[[JournalEntry], bool], reason: str) -> bool:
        """Drop a still-pending entry (marked undone) if ``allowed`` says so, checked under the lock so no
        run of it can start or be half-way meanwhile. False when it finished, failed or is not allowed."""
        async with self._lock:
            entry = await asyncio.to_thread(self.store.journal_get, entry_id)
            if entry is None or entry.status != PENDING or not allowed(entry):
                return False
            await asyncio.to_thread(self.store.journal_finish, entry_id, UNDONE, self.clock.now(), reason)
            self.pending_count = max(0, self.pending_count - 1)
            self._untrack(entry_id, entry.ticket)
            return True

    async def mark_undone(self, entry_id: int, reason: str) -> None:
        """Record that a finished (or failed) entry's effects were reversed by a later entry."""
        await asyncio.to_thread(self.store.journal_finish, entry_id, UNDONE, self.clock.now(), reason)

    async def submit(self, action: ActionPayload | str, raw: Mapping[str, Any] | None = None, *,
                     ticket: int | None = None) -> Outcome:
        """Write the entry, then carry it out (after any older pending entries, to keep the order).

        ``action`` is a payload (its class says the kind); a kind and its JSON payload are accepted too,
        and parsed first, so a malformed one is refused before anything is written.
        """
        if isinstance(action, str):
            payload = self.handler(action).parse(raw or {})  # refuse unknown kinds before writing anything
        else:
            payload = action
            self.handler(payload.KIND)
        kind = payload.KIND.value
        entry_id = await asyncio.to_thread(self.store.journal_add, kind, payload.to_json(), self.clock.now(),
                                           ticket)
        self.pending_count += 1
        self._track(entry_id, kind, ticket)
        async with self._lock:
            older = [e for e in await asyncio.to_thread(self.store.journal_entries, PENDING) if e.id < entry_id]
            for entry in older:
                outcome = await self._run_now(entry)
                if outcome.status == PENDING:  # still offline: queue behind it, in order
                    return await self._queued(entry_id, outcome.message)
                if self.on_earlier is not None:
                    self.on_earlier(outcome)
            current = await asyncio.to_thread(self.store.journal_get, entry_id)
            assert current is not None
            if current.status != PENDING:  # cancelled while it waited for the lock
                return Outcome(current.id, current.kind, current.status, current.error or current.status.value,
                               current.done_steps, current.ticket)
            return await self._run_now(current)

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
                outcome = await self._run_now(entry)
                outcomes.append(outcome)
                if outcome.status == PENDING:
                    break
        await self.refresh_count()
        return outcomes

    async def _run_now(self, entry: JournalEntry) -> Outcome:
        """Run an entry; after an ambiguous write, run it again straight away (its steps look first)."""
        outcome, ambiguous = await self._run(entry)
        reruns = IMMEDIATE_RERUNS
        while ambiguous and reruns > 0:
            reruns -= 1
            again = await asyncio.to_thread(self.store.journal_get, entry.id)
            assert again is not None
            outcome, ambiguous = await self._run(again)
        return outcome

    async def _run(self, entry: JournalEntry) -> tuple[Outcome, bool]:
        """One pass over the entry's remaining steps; the flag says it stopped on an ambiguous write."""
        handler = self.handler(entry.kind)
        done: dict[str, Any] = dict(entry.done_steps)
        tries: dict[str, int] = dict(entry.attempts)
        try:
            payload = handler.parse(entry.payload)
        except RecordError as exc:
            return await self._fail(entry, f"{entry.kind} #{entry.id} cannot be read by this version: {exc}",
                                    done), False
        what = handler.describe(payload)
        results = StepResults(done, tries)
        for step in map(_named, handler.steps(payload)):
            if step.name in done:
                continue
            tries[step.name] = tries.get(step.name, 0) + 1
            await asyncio.to_thread(self.store.journal_attempt, entry.id, step.name, tries[step.name],
                                    self.clock.now())
            try:
                record = await step.run(payload, results)
            except (UnavailableError, RateLimitedError) as exc:
                await asyncio.to_thread(self.store.journal_note_error, entry.id, str(exc), self.clock.now())
                outcome = Outcome(entry.id, entry.kind, PENDING, f"{what}: will retry ({exc})", done, entry.ticket)
                return outcome, isinstance(exc, AmbiguousWriteError)
            except (ApiError, StepFailed) as exc:
                return await self._fail(entry, f"{what} stopped at '{step.name}': {exc}", done), False
            done[step.name] = record.to_json()
            await asyncio.to_thread(self.store.journal_step, entry.id, step.name, done[step.name], self.clock.now())
        await asyncio.to_thread(self.store.journal_finish, entry.id, DONE, self.clock.now())
        self.pending_count = max(0, self.pending_count - 1)
        self._untrack(entry.id, entry.ticket)
        return Outcome(entry.id, entry.kind, DONE, f"{what}: done", done, entry.ticket,
                       handler.confirm(payload, results)), False

    async def _fail(self, entry: JournalEntry, message: str, done: Mapping[str, Any]) -> Outcome:
        await asyncio.to_thread(self.store.journal_finish, entry.id, FAILED, self.clock.now(), message)
        self.pending_count = max(0, self.pending_count - 1)
        self._untrack(entry.id, entry.ticket)
        return Outcome(entry.id, entry.kind, FAILED, message, done, entry.ticket)
