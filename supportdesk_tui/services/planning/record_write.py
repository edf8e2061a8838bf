"""The plan of record's write: one week's card read, merged with what others saved, and written once.

The half of :class:`~supportdesk_tui.services.planning.record.PlanRecordService` that the journal's
``plan.record`` step runs (see ``record_actions.py``), with the state and helpers both halves share.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportdesk_tui.clients.errors import NotFoundError, RateLimitedError, UnavailableError
from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.plan_cards import Trouble, moved_out, read_card, scan_plan_cards
from supportdesk_tui.domain.plan_export import plan_from_dict, plan_to_dict
from supportdesk_tui.domain.plan_merge import Conflict, describe, merge_plans
from supportdesk_tui.domain.plan_record import (
    LINEAGE,
    PlanRecord,
    PlanTooLarge,
    card_name,
    parse_description,
    render_description,
)
from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import PENDING, StepFailed, ambiguous_write
from supportdesk_tui.services.planning.record_model import (
    RECORD_KIND,
    Choice,
    RecordEvent,
    base_for,
    conflicts_to_json,
    new_tag,
    same_plan,
    unread_merge,
)
from supportdesk_tui.store import PlanRecordRow

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient

log = logging.getLogger(__name__)
DEBOUNCE_S = 1.5
"""Edits within this long of each other go to Trello as one write (well inside the 5 s promise)."""


class RecordWriter:
    """The state both halves share, the small helpers, and the journaled write of one week's card."""

    def __init__(self, context: ServiceContext, *, debounce_s: float = DEBOUNCE_S) -> None:
        self.context = context
        self.settings = context.settings
        self.debounce_s = debounce_s
        self.listeners: list[Callable[[RecordEvent], None]] = []
        self.reachable: bool | None = None
        self.checked_at: datetime | None = None
        self._tried_at: datetime | None = None  # the header's last background check, answered or not
        self.offline_reason = ""
        self._list_id: str | None = None
        self._action_id: str | None = None
        self._queued: set[IsoWeek] = set()  # weeks with a journal entry whose write has not started
        self._check_lock = asyncio.Lock()
        self.local_lock = asyncio.Lock()
        """Held while the local copy of a plan is read, merged and written (here and in the planning save)."""
        self._flush_task: asyncio.Task[None] | None = None
        self._waiting = False  # the flush task is still in its debounce sleep (safe to cancel)
        self._check_task: asyncio.Task[None] | None = None
        self._migrated = False
        self._reread = False  # a week was skipped at the last read (a write of it was queued): read again

    # --- small helpers ----------------------------------------------------------------------------
    @property
    def board_id(self) -> str:
        return self.settings.trello.support_epics_board

    @property
    def me(self) -> str:
        """Who saves, as the card and the conflict sentences name people: ``[team] me``, an address's
        local part only (``ana@consultancy.example`` is ``ana``, as in the grid)."""
        return (self.settings.team.me or "someone").split("@")[0]

    def _emit(self, week: IsoWeek | None, notice: str = "", severity: str = "information") -> None:
        for listener in list(self.listeners):
            try:
                listener(RecordEvent(week, notice, severity))
            except Exception:  # a closed screen's callback must not stop the others
                log.debug("record listener failed", exc_info=True)

    def changed(self, week: IsoWeek) -> None:
        """The local copy of ``week`` changed outside the screen's own edits: listeners show it again."""
        self._emit(week)

    def _hhmm(self, when: datetime | None) -> str:
        if when is None:
            return "?"
        return when.astimezone(self.context.zone()).strftime("%H:%M")

    def unreachable_words(self, read_at: datetime | None) -> str:
        """How every header dates a plan Trello could not be asked about: ``as of 10:02 (Trello not reachable)``."""
        return f"as of {self._hhmm(read_at) if read_at else 'never'} (Trello not reachable)"

    async def _row(self, week: IsoWeek) -> PlanRecordRow:
        row = await asyncio.to_thread(self.context.store.load_plan_record, str(week))
        return row or PlanRecordRow(str(week))

    def _local_dict(self, plan: Plan) -> dict[str, Any]:
        """A plan as the planning service stores it: with the config's team at save time (see its ``_fit``)."""
        return {**plan_to_dict(plan), "team": list(self.settings.team.developers)}

    async def _local(self, week: IsoWeek) -> tuple[dict[str, Any] | None, Plan | None]:
        raw = await asyncio.to_thread(self.context.store.load_plan, str(week))
        return raw, (plan_from_dict(raw) if raw is not None else None)

    async def _pending_weeks(self) -> set[str]:
        entries = await asyncio.to_thread(self.context.store.journal_entries, PENDING)
        return {str(e.payload.get("week")) for e in entries if e.kind == RECORD_KIND}

    def _conflicts_json(self, row: PlanRecordRow, conflicts: tuple[Conflict, ...], plan: Plan, theirs: PlanRecord,
                        mine: Plan | None) -> dict[str, Any]:
        texts = [describe(c, plan, who=theirs.saved_by, when=self._hhmm(theirs.saved_at)) for c in conflicts]
        items = [*row.conflicts.get("items", []), *conflicts_to_json(conflicts, texts)]
        return {"mine": plan_to_dict(mine) if mine is not None else None, "items": items}

    # --- the write (the journal step) ------------------------------------------------------------
    async def write_week(self, week: IsoWeek, list_id: str, choice: Choice, *, migrate: bool = False) -> dict[str, Any]:
        """The journal step: read the card (one request), merge if someone saved since, write (one PUT)."""
        self._queued.discard(week)  # claimed: an edit from now on queues a new entry
        try:
            return await self._write_week(week, list_id, choice, migrate=migrate)
        except (UnavailableError, RateLimitedError):
            self._queued.add(week)  # still pending (offline): later edits ride on this entry, no new one
            raise

    async def _write_week(self, week: IsoWeek, list_id: str, choice: Choice, *, migrate: bool) -> dict[str, Any]:
        trello = await self.context.trello()
        row = await self._row(week)
        if row.problem and choice is Choice.MERGE:
            raise StepFailed(str(row.problem.get("message", "the plan card needs a choice first")))
        raw, local = await self._local(week)
        if local is None:
            return {"skipped": "no plan saved on this machine"}
        card = await self._card_of(trello, row, list_id, week, choice)
        if migrate and card is not None and not row.card_id:
            return {"skipped": "the week already has a plan card"}
        now = self.context.clock.now()
        if card is None:  # no card yet: create it holding this plan, revision 1
            desc = self._render(PlanRecord(local, max(row.revision, 0) + 1, self.me, now, new_tag()))
            made = await ambiguous_write("creating the plan card", trello.create_card(list_id, card_name(week), desc))
            # Another machine may have made the week's card at the same moment: the older one is the plan of
            # record on every machine; this machine archives its newer twin and merges into the older.
            again = scan_plan_cards([c for c in await trello.list_cards(list_id) if not c.closed]).get(week)
            if again is None or again.card.id == made.id:
                await self._written(week, row, made, local, local, parse_description(desc), raw, {}, None)
                return {"card_id": made.id, "revision": row.revision + 1, "created": True}
            await trello.archive_card(made.id)
            card = again.card
        found = read_card(week, card)
        if card.list_id != list_id and choice is Choice.MERGE:
            found = moved_out(week, card)
        if found.trouble is not None and choice is Choice.MERGE:
            problem = {"trouble": found.trouble.value, "message": found.message, "card_id": card.id,
                       "readable": found.record is not None}
            await asyncio.to_thread(self.context.store.save_plan_record, replace(row, problem=problem))
            self._emit(week)
            raise StepFailed(found.message)
        theirs = found.record
        conflicts = row.conflicts
        if choice is Choice.REPAIR or theirs is None:
            plan, revision = local, max(row.revision, theirs.revision if theirs else 0) + 1
        else:
            base, unchanged = base_for(row, card.id, theirs)
            if unchanged:
                plan = local  # nobody else saved since this machine last read or wrote it
            else:
                merged = merge_plans(base, local, theirs.plan) if base is not None else unread_merge(local, theirs.plan)
                plan = merged.plan
                if merged.conflicts:
                    conflicts = self._conflicts_json(row, merged.conflicts, plan, theirs, local)
            revision = max(row.revision, theirs.revision) + (0 if same_plan(plan, theirs.plan) else 1)
        wrote = theirs is None or choice is Choice.REPAIR or not same_plan(plan, theirs.plan)
        lineage = (*theirs.lineage, theirs.tag) if theirs is not None and theirs.tag else ()
        record = PlanRecord(plan, revision, self.me, now, new_tag(), lineage[-LINEAGE:]) if wrote or theirs is None \
            else theirs
        if wrote:
            await trello.set_card_desc(card.id, self._render(record))
        await self._written(week, row, card, plan, local, record, raw, conflicts,
                            (plan_to_dict(theirs.plan), theirs.tag) if wrote and theirs is not None else None)
        return {"card_id": card.id, "revision": record.revision, "wrote": wrote,
                "conflicts": len(conflicts.get("items", ())) if conflicts else 0}

    async def _card_of(self, trello: TrelloClient, row: PlanRecordRow, list_id: str, week: IsoWeek,
                       choice: Choice) -> Card | None:
        """The week's card: the one this machine knows (one read), else looked up in the list."""
        trouble = Trouble(row.problem["trouble"]) if row.problem.get("trouble") else None
        if row.card_id and not (choice is Choice.REPAIR and trouble is not None and trouble is not Trouble.UNREADABLE):
            try:
                return await trello.get_card(row.card_id)
            except NotFoundError:
                pass  # deleted in Trello: look in the list (or make a new card)
        known = {week: row.card_id} if row.card_id else {}
        found = scan_plan_cards([c for c in await trello.list_cards(list_id) if not c.closed], known).get(week)
        if found is None:
            return None
        if choice is Choice.REPAIR:
            for other in found.others:  # the person chose this machine's copy: the duplicates go
                await trello.archive_card(other.id)
        return found.card

    def _render(self, record: PlanRecord) -> str:
        try:
            return render_description(record, self.settings.customers)
        except PlanTooLarge as exc:
            raise StepFailed(str(exc)) from None

    async def _written(self, week: IsoWeek, row: PlanRecordRow, card: Card, plan: Plan, local: Plan,
                       record: PlanRecord, raw: dict[str, Any] | None, conflicts: dict[str, Any],
                       parent: tuple[dict[str, Any], str] | None) -> None:
        """Keep the card's plan as the new base; the local copy becomes the merge unless edited meanwhile."""
        async with self.local_lock:
            await self._keep_written(week, row, card, plan, local, record, raw, conflicts, parent)
        self._emit(week)

    async def _keep_written(self, week: IsoWeek, row: PlanRecordRow, card: Card, plan: Plan, local: Plan,
                            record: PlanRecord, raw: dict[str, Any] | None, conflicts: dict[str, Any],
                            parent: tuple[dict[str, Any], str] | None) -> None:
        now = self.context.clock.now()
        current_raw, current = await self._local(week)
        if current is not None and current_raw != raw:
            plan = merge_plans(local, plan, current).plan  # an edit made while this write ran wins: it is newer
        updated = replace(row, base=plan_to_dict(record.plan), revision=record.revision, card_id=card.id,
                          card_url=card.short_url or card.url, saved_by=record.saved_by, saved_at=record.saved_at,
                          read_at=now, conflicts=conflicts, problem={}, parent=parent[0] if parent else None,
                          tag=record.tag, parent_tag=parent[1] if parent else "")
        await asyncio.to_thread(self.context.store.save_plan_record, updated, self._local_dict(plan), now)

