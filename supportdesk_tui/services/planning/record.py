"""The week's plan of record on the Support Epics board: reading it, and getting every change there.

Trello is the one place the team shares, so each ISO week's plan lives on one card in the plans list
(``[trello] lists.plans``) of the Support Epics board; the local store is the cache and the offline copy.

Reading (:meth:`PlanRecordService.check`) costs one small request when nothing changed (the board's
actions since the last one seen), and one more for the list's cards when something did. A card with a
newer revision replaces the local copy of its week unless this machine has a write of that week still
queued (the write merges instead, so an unsent edit is never dropped).

Writing: each change is saved locally at once, then :meth:`queue_write` puts one ``plan.record`` journal
entry per burst (payload: the week) and a short debounce later the journal runs it. The entry reads
the *latest* local plan when it runs, so a burst of keystrokes becomes one ``PUT`` of the description.
Before writing, the card's revision is compared with the one last read: when someone else saved since,
the two edits are merged cell by cell (``domain/plan_merge.py``); a cell both changed keeps theirs and
the person is told in words, with one key to apply theirs over it. A newer plan is never overwritten
silently, and a card that cannot be trusted (unreadable block, a second card for the week, archived,
moved away) stops all writing of that week until the person chooses to repair it or take theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from supportdesk_tui.clients.errors import ApiError, NotFoundError
from supportdesk_tui.domain.actions import PlanRecordWrite
from supportdesk_tui.domain.boards import BoardList, Card, list_key
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.domain.plan_cards import Trouble, WeekCard, moved_out, read_card, scan_plan_cards
from supportdesk_tui.domain.plan_export import plan_from_dict, plan_to_dict
from supportdesk_tui.domain.plan_merge import apply_mine, merge_plans
from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.services.journal import PENDING, ambiguous_write
from supportdesk_tui.services.planning.record_model import (
    RECORD_KIND,
    Choice,
    RecordStatus,
    base_for,
    conflicts_from_json,
    same_plan,
    unread_merge,
)
from supportdesk_tui.services.planning.record_write import DEBOUNCE_S, RecordWriter
from supportdesk_tui.store import PlanRecordRow

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient

log = logging.getLogger(__name__)
MIGRATED = "plan_records_migrated"
__all__ = ["DEBOUNCE_S", "PlanRecordService"]


class PlanRecordService(RecordWriter):
    """Reads and writes the weeks' plan cards; owned by the planning service."""

    # --- status for the screen and the header -------------------------------------------------------
    async def status(self, week: IsoWeek) -> RecordStatus:
        row = await self._row(week)
        problem = row.problem or {}
        trouble = Trouble(problem["trouble"]) if problem.get("trouble") else None
        return RecordStatus(
            week, self.reachable, row.read_at, row.revision, row.saved_by, row.saved_at, row.card_url,
            tuple(str(c["text"]) for c in row.conflicts.get("items", ())), str(problem.get("message", "")),
            trouble, bool(problem.get("readable")), str(week) in await self._pending_weeks())

    def status_line(self, status: RecordStatus) -> str:
        """``plan r3 by ben 10:02`` when checked; ``as of 10:02 (Trello not reachable)`` when not."""
        if not self.board_id:
            return "kept on this machine (no Support Epics board configured)"
        pending = " · saving to Trello…" if status.pending else ""
        if self.reachable is False:
            return f"{self.unreachable_words(status.as_of)}{pending}"
        if not status.revision:
            return f"not on Trello yet{pending}"
        return f"plan r{status.revision} by {status.saved_by} {self._hhmm(status.saved_at)}{pending}"

    # --- reading --------------------------------------------------------------------------------------
    def check_soon(self) -> None:
        """Start a background check unless one runs (for the header: start, and every poll period)."""
        if not self.board_id or (self._check_task is not None and not self._check_task.done()):
            return
        now = self.context.clock.now()
        last = self._tried_at  # success or not: offline, the header must not ask every second
        if last is not None and (now - last).total_seconds() < self.settings.trello.poll_seconds:
            return
        self._tried_at = now
        with contextlib.suppress(RuntimeError):  # no running loop: a sync caller, nothing to start
            self._check_task = asyncio.get_running_loop().create_task(self._check_quietly(), name="plan-record-check")

    async def _check_quietly(self) -> None:
        try:
            await self.check()
        except Exception:
            log.warning("could not check the plan of record", exc_info=True)

    async def check(self) -> bool:
        """Read the plans list if the board changed since the last look; True when something was read.

        Unchanged costs one small request. Offline leaves everything as it was (the screen then says
        "as of"); when Trello answers again, queued writes are sent.
        """
        if not self.board_id:
            return False
        async with self._check_lock:
            try:
                changed = await self._read()
            except ApiError as exc:
                self.reachable, self.offline_reason = False, str(exc)
                self._emit(None)
                return False
            self.reachable, self.checked_at = True, self.context.clock.now()
        await self._migrate_once()
        if await self._pending_weeks():
            await self.flush()
        self._emit(None)
        return changed

    async def _read(self) -> bool:
        trello = await self.context.trello()
        if self._action_id is not None and self._list_id is not None:
            changed, newest = await trello.board_changed_since(self.board_id, self._action_id)
            self._action_id = newest
            if not changed and not self._reread:
                return False
            self._reread = False
        else:
            self._action_id = await trello.latest_action_id(self.board_id)  # baseline before the read
        list_id = await self.find_list(trello, create=False)
        cards = await trello.list_cards(list_id) if list_id else []
        await self._absorb(trello, cards)
        return True

    async def find_list(self, trello: TrelloClient, *, create: bool) -> str | None:
        """The plans list's id (one small request the first time); created when asked, with a toast."""
        if self._list_id is not None:
            return self._list_id
        name = self.settings.trello.lists.plans
        matching = await self._plans_lists(trello)
        if not matching and create:
            made = await ambiguous_write("creating the plans list", trello.create_list(self.board_id, name))
            # Another machine may have made one at the same moment: every machine keeps the older one,
            # and the maker of the newer (still empty) twin archives it.
            matching = await self._plans_lists(trello)
            if matching and matching[0].id != made.id:
                await trello.archive_list(made.id)
            else:
                self._emit(None, f"Created the list {name} on Support Epics (one card per week's plan).")
        self._list_id = matching[0].id if matching else None
        return self._list_id

    async def _plans_lists(self, trello: TrelloClient) -> list[BoardList]:
        wanted = list_key(self.settings.trello.lists.plans)
        lists = await trello.open_lists(self.board_id)
        return sorted((lst for lst in lists if list_key(lst.name) == wanted), key=lambda lst: lst.id)

    async def _absorb(self, trello: TrelloClient, cards: list[Card]) -> None:
        """Bring what the list says into the store, week by week; never over a queued write."""
        rows = await asyncio.to_thread(self.context.store.load_plan_records)
        known = {IsoWeek.parse(w): r.card_id for w, r in rows.items() if r.card_id}
        weeks = scan_plan_cards(cards, known)
        for week, card_id in known.items():
            if week not in weeks:  # the card this machine wrote is not in the list any more
                try:
                    card = await trello.get_card(card_id)
                except NotFoundError:
                    await asyncio.to_thread(self.context.store.save_plan_record,
                                            replace(rows[str(week)], card_id="", card_url="", problem={}))
                    continue
                weeks[week] = read_card(week, card) if card.list_id == self._list_id else moved_out(week, card)
        for week, found in weeks.items():
            async with self.local_lock:  # the row and the local copy are read and written as one step
                await self._absorb_week(week, found, await self._row(week), await self._pending_weeks())

    async def _absorb_week(self, week: IsoWeek, found: WeekCard, row: PlanRecordRow, pending: set[str]) -> None:
        now = self.context.clock.now()
        if found.trouble is not None:
            problem = {"trouble": found.trouble.value, "message": found.message, "card_id": found.card.id,
                       "readable": found.record is not None}
            if row.problem != problem:
                await asyncio.to_thread(self.context.store.save_plan_record, replace(row, problem=problem))
                self._emit(week)
            return
        record = found.record
        assert record is not None
        held = bool(row.problem)
        if held:  # put right in Trello meanwhile (a twin archived, the block mended)
            row = replace(row, problem={})
            await asyncio.to_thread(self.context.store.save_plan_record, row)
            self._emit(week)
        fresh = replace(row, read_at=now)
        base, unchanged = base_for(row, found.card.id, record)
        if unchanged:
            if held and row.card_id:
                await self.queue_write(week)  # edits held meanwhile go out now (nothing is sent if there were none)
            return
        if str(week) in pending:
            # The queued write reads the card itself and merges: the base must stay what it was. Read the
            # list again at the next check whatever the actions say, in case that write is the one a
            # write from another machine at the same moment replaced.
            self._reread = True
            return
        _, local = await self._local(week)
        if local is None or row.base is None:
            merged = None  # never read before: the card is the plan of record and an old local copy gives way
        elif base is None:
            merged = unread_merge(local, record.plan)  # no common version known: every difference is told
        else:
            merged = merge_plans(base, local, record.plan)
        plan = merged.plan if merged is not None else record.plan
        conflicts = dict(row.conflicts)
        if merged is not None and merged.conflicts:
            conflicts = self._conflicts_json(row, merged.conflicts, merged.plan, record, local)
        updated = replace(fresh, base=plan_to_dict(record.plan), revision=record.revision, card_id=found.card.id,
                          card_url=found.card.short_url or found.card.url, saved_by=record.saved_by,
                          saved_at=record.saved_at, conflicts=conflicts, parent=None, tag=record.tag, parent_tag="")
        await asyncio.to_thread(self.context.store.save_plan_record, updated, self._local_dict(plan), now)
        if not same_plan(plan, record.plan):
            await self.queue_write(week)  # this machine had changes the card lacks (e.g. a failed write)
        self._emit(week)

    # --- writing ----------------------------------------------------------------------------------
    async def queue_write(self, week: IsoWeek, *, migrate: bool = False) -> None:
        """Journal one write of ``week`` per burst (the entry reads the latest local plan when it runs)."""
        if not self.board_id:
            return
        if week not in self._queued:
            row = await self._row(week)
            if row.problem:
                self._emit(week)  # held: nothing is written until the person chooses
                return
            payload = PlanRecordWrite(str(week), migrate=True if migrate else None).to_json()
            await asyncio.to_thread(self.context.store.journal_add, RECORD_KIND, payload, self.context.clock.now(),
                                    None)
            self._queued.add(week)
            await self.context.journal.refresh_count()
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flush_task is not None and not self._flush_task.done():
            if not self._waiting:
                return  # a flush is running; it goes round again for entries queued meanwhile
            self._flush_task.cancel()

        async def later() -> None:
            if self.debounce_s > 0:
                await asyncio.sleep(self.debounce_s)
            self._waiting = False  # from here on the write may be on the wire: never cancel it
            await self.flush()

        self._waiting = True

        with contextlib.suppress(RuntimeError):
            self._flush_task = asyncio.get_running_loop().create_task(later(), name="plan-record-flush")

    async def flush(self) -> None:
        """Run every queued write now (in the journal's order); say what finished or failed."""
        while True:
            offline = False
            for outcome in await self.context.journal.resume():
                if outcome.status == PENDING:
                    offline = True
                    self.reachable, self.offline_reason = False, outcome.message
                elif outcome.kind == RECORD_KIND and outcome.status is JournalStatus.FAILED:
                    self._emit(None, outcome.message, "error")
            if offline or not self._queued:  # edits queued while that ran go out in the next round
                break
        self._emit(None)

    async def drain(self) -> None:
        """Wait for a scheduled write to finish (tests and ``q``); runs it at once, skipping the debounce."""
        task = self._flush_task
        if task is not None and not task.done():
            if self._waiting:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.flush()

    def stop(self) -> None:
        """Drop a debounce still waiting (the app is closing): its entry stays journaled for the next start."""
        if self._flush_task is not None and self._waiting and not self._flush_task.done():
            self._flush_task.cancel()

    # --- the person's choices -----------------------------------------------------------------------
    async def apply_mine(self, week: IsoWeek) -> Plan | None:
        """Put this machine's values over theirs for the week's conflicts, then write (the `m` key)."""
        async with self.local_lock:
            row = await self._row(week)
            items = row.conflicts.get("items") or []
            mine_raw = row.conflicts.get("mine")
            _, local = await self._local(week)
            if not items or local is None or mine_raw is None:
                return None
            plan = apply_mine(local, conflicts_from_json(items), plan_from_dict(mine_raw))
            await asyncio.to_thread(self.context.store.save_plan_record, replace(row, conflicts={}),
                                    self._local_dict(plan), self.context.clock.now())
        self._emit(week)
        await self.queue_write(week)
        return plan

    async def dismiss_conflicts(self, week: IsoWeek) -> None:
        row = await self._row(week)
        await asyncio.to_thread(self.context.store.save_plan_record, replace(row, conflicts={}))
        self._emit(week)

    async def repair(self, week: IsoWeek) -> None:
        """Rewrite the week's card from this machine's copy (the person chose so), journaled."""
        await self.context.journal.submit(PlanRecordWrite(str(week), choice=Choice.REPAIR.value))
        self._emit(week)

    async def take_theirs(self, week: IsoWeek) -> bool:
        """Replace this machine's copy with the card's readable plan; False when it cannot be read."""
        row = await self._row(week)
        card_id = str(row.problem.get("card_id") or row.card_id)
        if not card_id:
            return False
        trello = await self.context.trello()
        found = read_card(week, await trello.get_card(card_id))
        if found.record is None:
            return False
        record, now = found.record, self.context.clock.now()
        updated = replace(row, base=plan_to_dict(record.plan), revision=record.revision, card_id=found.card.id,
                          card_url=found.card.short_url or found.card.url, saved_by=record.saved_by,
                          saved_at=record.saved_at, read_at=now, conflicts={}, problem={}, parent=None,
                          tag=record.tag, parent_tag="")
        await asyncio.to_thread(self.context.store.save_plan_record, updated, self._local_dict(record.plan), now)
        self._emit(week)
        return True

    # --- migration --------------------------------------------------------------------------------
    async def _migrate_once(self) -> None:
        """Plans saved by a version that kept them on this machine only: written once, journaled, and only
        to weeks with no card (the first read already made a week that has one take the card's plan)."""
        if self._migrated:
            return
        self._migrated = True
        if await asyncio.to_thread(self.context.store.get_meta, MIGRATED):
            return
        rows = await asyncio.to_thread(self.context.store.load_plan_records)
        for week_text in await asyncio.to_thread(self.context.store.plan_weeks):
            row = rows.get(week_text)
            if row is None or not row.card_id:
                await self.queue_write(IsoWeek.parse(week_text), migrate=True)
        await asyncio.to_thread(self.context.store.set_meta, MIGRATED, "1")
