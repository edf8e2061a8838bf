"""Monday planning, the I/O side: the work pool from Trello, weekly plans and the rota in the store,
and the two journaled actions that leave the app (publish to Trello, confirm to a customer).

The grid's arithmetic is pure (``domain/planning.py``); this service only fetches, stores and sends.
Store calls go through ``asyncio.to_thread``; Trello and Groove through the context's shared clients.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.domain.actions import PlanPublish, PublishTarget
from supportdesk_tui.domain.boards import Board, Member
from supportdesk_tui.domain.plan_export import (
    export_markdown,
    plan_from_dict,
    plan_to_dict,
    planned_cards,
)
from supportdesk_tui.domain.plan_merge import merge_plans
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem, start_from
from supportdesk_tui.domain.planning_pool import Pool, build_pool
from supportdesk_tui.domain.roster import (
    KNOWLEDGE_WEEKS,
    Knowledge,
    fit_roster,
    knowledge_from,
    match_member,
    member_sightings,
    next_roster,
)
from supportdesk_tui.domain.rota import TriagePair, history_from_store, suggest_triage_pair, triage_pair_problems
from supportdesk_tui.domain.words import count_of
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import DONE, Outcome
from supportdesk_tui.services.planning.actions import (
    ConfirmHandler,
    PublishHandler,
    publish_targets,
)
from supportdesk_tui.services.planning.record import PlanRecordService
from supportdesk_tui.services.planning.record_actions import PlanRecordHandler
from supportdesk_tui.services.planning.record_model import RecordEvent, same_plan

log = logging.getLogger(__name__)


# -------------------------------------------------------------------------------------------- results
class WeekSource(StrEnum):
    """Where the grid's plan came from: saved (here or on the plan card), carried from last week, or new."""

    SAVED = "saved"
    LAST_WEEK = "last week"
    NEW = "new"


class RotaSource(StrEnum):
    """Where a week's triage pair came from: agreed and saved, the config's ``[team] triage``, or suggested."""

    SAVED = "saved"
    CONFIG = "config"
    SUGGESTED = "suggested"
    NONE = "none"  # nobody could be suggested (``problems`` says why)


@dataclass(frozen=True, slots=True)
class OpenedWeek:
    """A week's plan as the grid should show it, and where it came from."""

    plan: Plan
    source: WeekSource
    note: str = ""


@dataclass(frozen=True, slots=True)
class RotaChoice:
    """A week's triage pair; ``source`` says whether the team agreed it or the app suggests it."""

    week: IsoWeek
    pair: TriagePair | None
    source: RotaSource
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What publishing did, counted from the journal's step results."""

    outcome: Outcome | None
    cards: int = 0
    members_added: int = 0
    due_set: int = 0
    comments: int = 0
    notes: tuple[str, ...] = ()
    written: int = 0  # Trello cards touched: a planned card and its Support Epics copy count apart

    @property
    def changed(self) -> int:
        return self.members_added + self.due_set + self.comments

    def summary(self) -> str:
        if self.outcome is None:
            return "Nothing to publish: no card has work planned this week."
        if self.outcome.status != DONE:
            return self.outcome.message
        if not self.changed:
            return f"Trello already shows this plan ({count_of(self.cards, 'card')}); nothing changed."
        copies = (f" and {count_of(self.written - self.cards, 'Support Epics copy', 'Support Epics copies')}"
                  if self.written > self.cards else "")
        return (f"Published {count_of(self.cards, 'card')}{copies}: {count_of(self.members_added, 'member')} added, "
                f"{count_of(self.due_set, 'due date')} set, {count_of(self.comments, 'comment')}.")



# ------------------------------------------------------------------------------------------- service
@dataclass
class _Cache:
    rota: dict[IsoWeek, TriagePair] | None = None
    loading: asyncio.Task[None] | None = None
    carded: dict[IsoWeek, datetime | None] = field(default_factory=dict)
    """Weeks whose pair in ``rota`` is their plan card's, with when this machine last read or wrote that card."""


class PlanningService:
    """Everything the Planning screen and the header need that is not pure arithmetic."""

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.settings = context.settings
        self._cache = _Cache()
        self._save_lock = asyncio.Lock()
        self._latest: dict[IsoWeek, tuple[Plan, Plan | None]] = {}  # week -> (newest plan, what it was edited from)
        self._boards: dict[str, Board] = {}  # the last pool load's customer boards: card members, people
        self._members: tuple[Member, ...] = ()
        context.journal.register(PublishHandler(context))
        context.journal.register(ConfirmHandler(context))
        self.record = PlanRecordService(context)  # the plan of record on Trello; this store is its cache
        context.journal.register(PlanRecordHandler(self.record))
        self.record.listeners.append(self._record_changed)

    # --- weeks ----------------------------------------------------------------------------------
    def today(self) -> date:
        """Today in the team's zone (``sla.timezone``), not the machine's."""
        return self.context.today()

    def this_week(self) -> IsoWeek:
        return IsoWeek.of(self.today())

    def new_plan(self, week: IsoWeek) -> Plan:
        return Plan.new(week, self.settings.team.developers, holidays=self.settings.sla.holidays)

    def _fit(self, plan: Plan, team_when_saved: list[str] | None = None) -> Plan:
        """Follow config changes (team, holidays) made since the plan was saved; the week's own roster
        changes (people added with N, removed with D) stay (see ``domain.roster.fit_roster``)."""
        roster = fit_roster(plan.developers, self.settings.team.developers, team_when_saved)
        if plan.developers != roster:
            plan = plan.with_developers(roster)
        holidays = frozenset(d for d in self.settings.sla.holidays if d in plan.days)
        return plan if holidays == plan.holidays else plan.with_holidays(holidays)

    async def load_plan(self, week: IsoWeek) -> Plan | None:
        raw = await asyncio.to_thread(self.context.store.load_plan, str(week))
        if raw is None:
            return None
        team = raw.get("team")
        return self._fit(plan_from_dict(raw), [str(d) for d in team] if isinstance(team, list) else None)

    async def plan_history(self, week: IsoWeek, weeks: int = KNOWLEDGE_WEEKS) -> list[Plan]:
        """The saved plans of the ``weeks`` weeks before ``week``, oldest first (weeks never saved are skipped)."""
        past: list[IsoWeek] = []
        for _ in range(weeks):
            past.insert(0, (past[0] if past else week).prev())
        plans = await asyncio.gather(*(self.load_plan(w) for w in past))
        return [p for p in plans if p is not None]

    async def knowledge(self, week: IsoWeek, roster: Iterable[str] = ()) -> Knowledge:
        """Who worked for which customer before ``week``: the last 12 weeks' plans, and the team's people
        who are members of finished cards on the boards the pool last loaded."""
        history = await self.plan_history(week)
        people = dict.fromkeys([*self.settings.team.developers, *roster, *(d for p in history for d in p.developers)])
        lists = self.settings.trello.lists
        return knowledge_from(history, member_sightings(self._boards, people, (lists.completed, lists.done)))

    def match_member(self, name: str) -> Member | None:
        """The Trello member a typed name means, among the members of the boards the pool last loaded."""
        return match_member(name, self._members)

    async def open_week(self, week: IsoWeek, pool: Iterable[WorkItem] = ()) -> OpenedWeek:
        """The saved plan; else a copy of last week's (work still in the pool only); else an empty one."""
        rota = await self.rota_for(week)
        saved = await self.load_plan(week)
        if saved is not None:
            plan = saved if saved.triage_pair == rota.pair or rota.source is not RotaSource.SAVED else \
                saved.with_triage_pair(rota.pair)
            return OpenedWeek(plan, WeekSource.SAVED)
        previous = await self.load_plan(week.prev())
        if previous is not None:
            plan = start_from(previous, week, pool, holidays=self.settings.sla.holidays,
                              developers=next_roster(previous, self.settings.team.developers), triage_pair=rota.pair)
            return OpenedWeek(plan, WeekSource.LAST_WEEK,
                              f"Started from {week.prev()}'s plan (not saved until you change it).")
        return OpenedWeek(self.new_plan(week).with_triage_pair(rota.pair), WeekSource.NEW)

    async def save(self, plan: Plan, base: Plan | None = None) -> None:
        """Save a plan (and its triage pair in the rota); later calls win, writes stay in order.

        ``base`` is the plan the edit was made on. When the stored copy changed under it (another
        machine's edit, read from Trello meanwhile), the two are merged cell by cell, the edit made here
        winning where both touched the same cell, and the screen is told to show the result.
        """
        pending = self._latest.get(plan.week)
        self._latest[plan.week] = (plan, pending[1] if pending is not None else base)  # the oldest unsaved base
        async with self._save_lock:
            queued = self._latest.pop(plan.week, None)
            if queued is None:
                return  # a later call already wrote a newer version
            latest, edited_from = queued
            now = self.context.clock.now()
            async with self.record.local_lock:
                current = await self.load_plan(latest.week) if edited_from is not None else None
                if current is not None and edited_from is not None and not same_plan(current, edited_from):
                    latest = merge_plans(edited_from, current, latest).plan
                    self.record.changed(latest.week)
                # The config's developers at save time let a later config change apply without undoing the
                # week's own roster changes (``_fit``).
                data = {**plan_to_dict(latest), "team": list(self.settings.team.developers)}
                await asyncio.to_thread(self.context.store.save_plan, str(latest.week), data, now)
            if latest.triage_pair is not None:
                await self._save_rota(latest.week, latest.triage_pair)
        await self.record.queue_write(plan.week)

    # --- the pool -------------------------------------------------------------------------------
    async def load_pool(self) -> Pool:
        """This week's Up next work: one request per customer board plus one for Support Epics."""
        trello = await self.context.trello()
        customers = [c for c in self.settings.customers if c.trello_board]
        epics_id = self.settings.trello.support_epics_board
        jobs = [trello.load_board(c.trello_board) for c in customers]
        if epics_id:
            jobs.append(trello.load_board(epics_id))
        results = await asyncio.gather(*jobs, return_exceptions=True)
        problems: list[str] = []
        boards: dict[str, Board] = {}
        for customer, result in zip(customers, results, strict=False):
            if isinstance(result, ApiError):
                problems.append(f"{customer.name}: board not loaded ({result})")
            elif isinstance(result, BaseException):
                raise result
            else:
                boards[customer.name] = result
        epics: Board | None = None
        if epics_id:
            last = results[-1]
            if isinstance(last, ApiError):
                problems.append(f"Support Epics: board not loaded ({last})")
            elif isinstance(last, BaseException):
                raise last
            else:
                epics = last
        if not boards and epics is None:
            failure = next((r for r in results if isinstance(r, ApiError)), None)
            if failure is not None:
                raise failure  # nothing at all could be read: the screen says Trello is unreachable
        items = build_pool(customers, boards, epics, self.settings.trello.lists)
        self._boards = boards
        self._members = tuple({m.id: m for b in [*boards.values(), *([epics] if epics else [])]
                               for m in b.members}.values())
        return Pool(tuple(items), self.context.clock.now(), tuple(problems))

    # --- the rota -------------------------------------------------------------------------------
    async def rota_history(self) -> dict[IsoWeek, TriagePair]:
        """Each week's pair: the plan of record's (the same on every machine) wherever a plan card was
        read, as this machine's copy of it holds it (with an edit not sent yet); this machine's own rota
        only for weeks without a card."""
        self._cache.rota = await asyncio.to_thread(self._read_rota)
        return dict(self._cache.rota)

    def _read_rota(self) -> dict[IsoWeek, TriagePair]:
        store = self.context.store
        records = {w: r for w, r in store.load_plan_records().items() if r.card_id}
        history = history_from_store({w: p for w, p in store.load_rota().items() if w not in records})
        carded: dict[IsoWeek, datetime | None] = {}
        for week, row in records.items():
            pair = (store.load_plan(week) or row.base or {}).get("triage_pair")
            if pair and len(pair) == 2:
                history[IsoWeek.parse(week)] = (str(pair[0]), str(pair[1]))
                carded[IsoWeek.parse(week)] = row.read_at
            else:
                history.pop(IsoWeek.parse(week), None)
        self._cache.carded = carded
        return history

    def _record_changed(self, event: RecordEvent) -> None:
        """A card may have named another pair: read the rota again, showing the one known meanwhile."""
        if self._cache.loading is not None and not self._cache.loading.done():
            self._cache.loading.add_done_callback(lambda _: self._start_rota_load())
        else:
            self._start_rota_load()

    def _choice(self, week: IsoWeek, history: Mapping[IsoWeek, TriagePair]) -> RotaChoice:
        team = self.settings.team
        if week in history:
            pair = history[week]
            problems = triage_pair_problems(pair, team.triage_leads, team.developers, week=week, history=history)
            return RotaChoice(week, pair, RotaSource.SAVED, problems)
        configured = tuple(team.triage)
        if week == self.this_week() and len(configured) == 2 and configured[0] != configured[1]:
            return RotaChoice(week, (configured[0], configured[1]), RotaSource.CONFIG)
        try:
            return RotaChoice(week, suggest_triage_pair(week, team.triage_leads, team.developers, history),
                              RotaSource.SUGGESTED)
        except ValueError as exc:
            return RotaChoice(week, None, RotaSource.NONE, (str(exc),))

    async def rota_for(self, week: IsoWeek) -> RotaChoice:
        """The agreed pair if saved; this week's configured ``[team].triage``; else the fair suggestion."""
        return self._choice(week, await self.rota_history())

    async def suggest(self, week: IsoWeek) -> TriagePair | None:
        """The rota's fair suggestion, ignoring any saved or configured pair for ``week`` itself."""
        history = {w: p for w, p in (await self.rota_history()).items() if w != week}
        team = self.settings.team
        try:
            return suggest_triage_pair(week, team.triage_leads, team.developers, history)
        except ValueError:
            return None

    async def set_rota(self, week: IsoWeek, pair: TriagePair) -> tuple[str, ...]:
        """Save an edited pair; returns what is unusual about it, in words (never refused)."""
        await self._save_rota(week, pair)
        team = self.settings.team
        history = self._cache.rota or {}
        return triage_pair_problems(pair, team.triage_leads, team.developers, week=week, history=history)

    async def _save_rota(self, week: IsoWeek, pair: TriagePair) -> None:
        if self._cache.rota is not None and self._cache.rota.get(week) == pair:
            return
        await asyncio.to_thread(self.context.store.save_rota, str(week), pair[0], pair[1])
        if self._cache.rota is None:
            self._cache.rota = {}
        self._cache.rota[week] = pair

    def current_pair(self) -> tuple[str, ...]:
        """This week's pair for every screen's header; never blocks (the rota loads in the background).

        Until the rota has been read, or when it has nothing for this week, the configured
        ``[team].triage`` shows, else the suggestion.
        """
        self.record.check_soon()  # on start, then once per Trello poll period: the pair may change elsewhere
        if self._cache.rota is None:
            self._start_rota_load()
            return tuple(self.settings.team.triage)
        choice = self._choice(self.this_week(), self._cache.rota)
        return choice.pair or ()

    def pair_as_of(self) -> str:
        """For the headers beside the pair ``current_pair`` gives: ``as of 10:02 (Trello not reachable)``
        (the Planning header's words) when it is this week's plan card's and Trello could not be asked
        about that card just now; empty when the pair is current, or not a plan card's."""
        if self.record.reachable is not False or self._cache.rota is None:
            return ""
        week = self.this_week()
        if week not in self._cache.carded or self._choice(week, self._cache.rota).source is not RotaSource.SAVED:
            return ""
        return self.record.unreachable_words(self._cache.carded[week])

    def _start_rota_load(self) -> None:
        if self._cache.loading is not None and not self._cache.loading.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a sync caller): the header shows the configured pair meanwhile

        async def load() -> None:
            try:
                await self.rota_history()
            except Exception:  # a locked or broken store: keep the config pair, say why in the log
                log.warning("could not read the triage rota", exc_info=True)
                self._cache.rota = {}

        self._cache.loading = loop.create_task(load(), name="planning-rota-load")

    # --- publishing and confirmations -----------------------------------------------------------
    async def publish(self, plan: Plan, pool: Iterable[WorkItem] = ()) -> PublishReport:
        """Journaled ``plan.publish``: members, due dates and a plan comment on every planned card."""
        targets = publish_targets(plan, pool, self.settings)
        if not targets:
            return PublishReport(None)
        payload = PlanPublish(str(plan.week), uuid.uuid4().hex, tuple(PublishTarget.from_json(t) for t in targets))
        outcome = await self.context.journal.submit(payload)
        return report_from(outcome, len(planned_cards(plan, pool)))

    def markdown(self, plan: Plan, pool: Iterable[WorkItem] = ()) -> str:
        """The whole week as ``plan export --format md`` prints it (for the clipboard)."""
        return export_markdown(plan, pool, self.settings.customers)


def report_from(outcome: Outcome, cards: int) -> PublishReport:
    """Add up the per-card step results the journal kept."""
    members = due = comments = written = 0
    notes: list[str] = []
    for result in outcome.done.values():
        if not isinstance(result, Mapping):
            continue
        written += 1
        members += len(result.get("members_added", ()))
        due += 1 if result.get("due_set") else 0
        comments += len(result.get("commented", ()))
        notes += [str(n) for n in result.get("notes", ())]
    return PublishReport(outcome, cards, members, due, comments, tuple(dict.fromkeys(notes)), written)


__all__ = ["OpenedWeek", "PlanningService", "Pool", "PublishReport", "RotaChoice",
           "build_pool", "report_from"]
