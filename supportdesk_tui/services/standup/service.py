"""The daily stand-up, the I/O side: the plan of the day's week, what moved on the boards, how triage went.

- The plan comes from the planning service only (``load_plan``/``open_week``), so it is the same plan
  of record every machine shows.
- What moved: one request per customer board plus one for Support Epics (the board with its cards'
  lists and labels, and its list moves and comments since the previous working day's start), run
  concurrently (the Trello facade queues them on its worker, inside its request budget). The result
  is cached in the store per board, so reopening within :data:`FRESH_FOR` costs one small
  ``actions?since=<newest>`` request per board. A board that fails is named in ``unread``.
- Triage since the previous working day's stand-up (:data:`STANDUP_TIME`, team time zone): the SLA
  clocks replayed from the store's ticket histories, and the journal's pending count.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.domain.actions import ImpedimentClear, ImpedimentFlag
from supportdesk_tui.domain.boards import Board, Card
from supportdesk_tui.domain.business_time import local_to_utc
from supportdesk_tui.domain.epics import short_link
from supportdesk_tui.domain.impediments import impediment_comment, is_blocked
from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.domain.sla import sla_cycles
from supportdesk_tui.domain.sla_clock import SlaClock
from supportdesk_tui.domain.standup import (
    CardEvent,
    Standup,
    TriageSince,
    build_standup,
    next_working_day,
    previous_working_day,
    standup_day,
    triage_since,
    watch_caveat,
)
from supportdesk_tui.domain.standup_activity import BoardActivity, CardState, impediment_reasons, join_activity
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.services.standup.impediments import ClearHandler, FlagHandler, ImpedimentTarget

if TYPE_CHECKING:
    from supportdesk_tui.services.boards import BoardsService
    from supportdesk_tui.services.planning.service import PlanningService

log = logging.getLogger(__name__)
STANDUP_TIME = time(9, 30)  # local, team time zone: triage is counted from the previous day's stand-up
FRESH_FOR = timedelta(minutes=1)  # a cached board younger than this is topped up, not read again
CACHE_KEY = "standup.activity."


class NoPlanError(LookupError):
    """No plan of record for the week: the stand-up has nothing to say (the text names the week)."""


@dataclass(frozen=True, slots=True)
class StandupView:
    """The stand-up as the screen and the CLI show it, plus what `enter` and `!` need per planned card."""

    standup: Standup
    plan: Plan
    planned: bool  # a plan of record exists for the week (else developers show "nothing planned today")
    targets: dict[str, ImpedimentTarget] = field(default_factory=dict)  # plan item id -> both sides' cards
    requests: int = 0  # Trello requests this load cost


class StandupService:
    def __init__(self, context: ServiceContext, planning: PlanningService, boards: BoardsService) -> None:
        self.context = context
        self.settings = context.settings
        self.planning = planning
        self.boards = boards
        self._memory: dict[str, BoardActivity] = {}
        context.journal.register(FlagHandler(context))
        context.journal.register(ClearHandler(context))

    # --- the days --------------------------------------------------------------------------------
    @property
    def holidays(self) -> tuple[date, ...]:
        return tuple(self.settings.sla.holidays)

    def today(self) -> date:
        """The stand-up today reads: today in the team's zone, or the Friday before on a weekend."""
        return standup_day(self.planning.today())

    def step(self, day: date, delta: int) -> date:
        """A working day back (-1) or forward (+1)."""
        return next_working_day(day, self.holidays) if delta > 0 else previous_working_day(day, self.holidays)

    def _local(self, day: date, at: time) -> datetime:
        return local_to_utc(datetime.combine(day, at), self.context.zone())

    # --- the whole --------------------------------------------------------------------------------
    async def load(self, day: date | None = None, *, require_plan: bool = False) -> StandupView:
        """The stand-up of ``day`` (default today). Raises :class:`NoPlanError` only with ``require_plan``."""
        day = standup_day(day or self.today())
        week = IsoWeek.of(day)
        record = self.planning.record
        previous = previous_working_day(day, self.holidays)
        since = self._local(previous, time(0, 0))
        boards = asyncio.ensure_future(self._activities(since))  # the boards, while the plan card is checked
        if record.checked_at is None or self.context.clock.now() - record.checked_at > timedelta(
                seconds=self.settings.trello.poll_seconds):
            await record.check()  # not checked lately (the app checks on every boards poll): one small request
        try:
            saved = await self.planning.load_plan(week)
        except BaseException:
            boards.cancel()
            raise
        if saved is None and require_plan:
            boards.cancel()
            raise NoPlanError(f"There is no plan for {week} ({week.days()[0]:%d %b} to {week.days()[4]:%d %b}): "
                              "plan it on the Planning screen (3) first.")
        plan = saved if saved is not None else await self._empty_plan(week)
        activities, unread, requests = await boards
        if record.board_id and record.reachable is False:
            unread = [f"the plan of record on Trello ({record.offline_reason}); this machine's copy is shown",
                      *unread]
        joined = join_activity(plan, activities)
        triage = await self._triage(self._local(previous, STANDUP_TIME))
        names = self.settings.trello.lists
        standup = build_standup(plan, day, events=joined.events, finished_lists=(names.completed, names.done),
                                current_lists=joined.current_lists, impediments=joined.impediments,
                                customers=self.settings.customers, holidays=self.holidays, triage=triage,
                                unread=unread)
        return StandupView(standup, plan, saved is not None, self._targets(plan, activities), requests)

    async def _empty_plan(self, week: IsoWeek) -> Plan:
        """No plan of record: the team with nothing planned, and the week's triage pair if one is known."""
        opened = await self.planning.open_week(week)
        empty = self.planning.new_plan(week)
        return empty.with_triage_pair(opened.plan.triage_pair) if opened.plan.triage_pair else empty

    # --- what moved -------------------------------------------------------------------------------
    def _boards(self) -> list[tuple[str, str]]:
        """(board id, name for people) of every customer board and the Support Epics board."""
        out = [(c.trello_board, c.name) for c in self.settings.customers if c.trello_board]
        epics = self.settings.trello.support_epics_board
        if epics:
            out.append((epics, "Support Epics"))
        return out

    async def _activities(self, since: datetime) -> tuple[list[BoardActivity], list[str], int]:
        boards = self._boards()
        results = await asyncio.gather(*(self._activity(board_id, since) for board_id, _ in boards),
                                       return_exceptions=True)
        found: list[BoardActivity] = []
        unread: list[str] = []
        requests = 0
        for (_, name), result in zip(boards, results, strict=True):
            if isinstance(result, ApiError):
                unread.append(f"{name}: board not read ({result})")
                continue
            if isinstance(result, BaseException):
                raise result
            activity, cost = result
            found.append(activity)
            requests += cost
        return found, unread, requests

    async def _activity(self, board_id: str, since: datetime) -> tuple[BoardActivity, int]:
        """One board: topped up with one small request when read less than a minute ago, else read afresh."""
        trello = await self.context.trello()
        now = self.context.clock.now()
        cached = await self._cached(board_id)
        if cached is not None and cached.since == since and timedelta(0) <= now - cached.read_at < FRESH_FOR:
            events, newest = await trello.card_events_since(board_id, cached.newest_action or since)
            activity = cached.merged(events, newest, cached.read_at) if events else cached
            await self._keep(activity)
            return activity, 1
        board, events, newest = await trello.board_activity(board_id, since)
        activity = activity_from(board, events, since, now, newest)
        await self._keep(activity)
        return activity, 1

    async def _cached(self, board_id: str) -> BoardActivity | None:
        hit = self._memory.get(board_id)
        if hit is not None:
            return hit
        raw = await asyncio.to_thread(self.context.store.get_meta, CACHE_KEY + board_id)
        if not raw:
            return None
        try:
            return BoardActivity.from_json(json.loads(raw))
        except ValueError:
            return None

    async def _keep(self, activity: BoardActivity) -> None:
        self._memory[activity.board_id] = activity
        text = json.dumps(activity.to_json(), separators=(",", ":"))
        await asyncio.to_thread(self.context.store.set_meta, CACHE_KEY + activity.board_id, text)

    def forget(self, board_id: str | None = None) -> None:
        """Drop the in-memory cache (after our own impediment write, so the next load reads it)."""
        if board_id is None:
            self._memory.clear()
        else:
            self._memory.pop(board_id, None)

    def _targets(self, plan: Plan, activities: Sequence[BoardActivity]) -> dict[str, ImpedimentTarget]:
        """Per planned card: the customer's card (id, board, shortLink) and its Support Epics copy."""
        where: dict[str, tuple[str, CardState]] = {}
        by_link: dict[str, str] = {}
        for activity in activities:
            for cid, state in activity.cards.items():
                where[cid] = (activity.board_id, state)
                if state.link:
                    by_link[state.link] = cid
        epics = self.settings.trello.support_epics_board
        out: dict[str, ImpedimentTarget] = {}
        for item_id, item in plan.items.items():
            source = by_link.get(item.source_card_id or "", item.source_card_id or "") if item.source_card_id else None
            card_id = source if source is not None else item_id
            found = where.get(card_id)
            if found is None or (epics and found[0] == epics):
                continue  # the customer's card was not read: nothing to flag or open
            copy = item_id if source is not None else None
            out[item_id] = ImpedimentTarget(card_id, found[0], found[1].link, item.title, copy)
        return out

    async def card(self, target: ImpedimentTarget) -> tuple[Card, str, str] | None:
        """The customer's card for the detail screen: (card, customer, list name), from the Boards cache."""
        update = await self.boards.refresh(target.board_id)
        card = next((c for c in update.board.cards if c.id == target.card_id), None)
        if card is None:
            return None
        lst = next((x.name for x in update.board.lists if x.id == card.list_id), "")
        return card, self.boards.customer_for(target.board_id) or update.board.name, lst

    # --- impediments ------------------------------------------------------------------------------
    def me(self) -> str:
        """Who flags from Boards: this app's user as the team names them (``[team] me`` before the @)."""
        name = self.settings.team.me.split("@", 1)[0]
        return next((d for d in self.settings.team.developers if d.casefold() == name.casefold()), name)

    def target_for(self, card: Card) -> ImpedimentTarget:
        """A customer's card on Boards as an impediment target (its copy is found by its marker)."""
        return ImpedimentTarget(card.id, card.board_id, short_link(card) or "", card.name)

    async def flag(self, target: ImpedimentTarget, reason: str, developer: str) -> Outcome:
        """Label both sides ``Blocked`` and comment the reason, through the journal."""
        text = impediment_comment(reason, developer, self.planning.today())
        return await self.context.journal.submit(ImpedimentFlag(target.card_id, target.board_id, target.link,
                                                                target.name, text, self.context.clock.now(),
                                                                target.copy_id))

    async def clear(self, target: ImpedimentTarget) -> Outcome:
        """Remove the ``Blocked`` label from both sides and comment ``Impediment cleared``, journaled."""
        return await self.context.journal.submit(ImpedimentClear(target.card_id, target.board_id, target.link,
                                                                 target.name, self.context.clock.now(),
                                                                 target.copy_id))

    # --- triage -----------------------------------------------------------------------------------
    async def _triage(self, since: datetime) -> TriageSince:
        now = self.context.clock.now()
        clocks = await asyncio.to_thread(self._clocks)
        watched = await asyncio.to_thread(self.context.store.watching_since)
        return triage_since(clocks, since, now, self.context.journal.pending_count,
                            watch_caveat(watched, since, self.context.zone()))

    def _clocks(self) -> list[SlaClock]:
        """Every seen ticket's clocks, replayed from the store's histories (runs in a thread)."""
        histories = self.context.store.ticket_histories()
        return [clock for history in histories.values() for clock in sla_cycles(history, self.settings.sla)]


def activity_from(board: Board, events: Sequence[CardEvent], since: datetime, now: datetime,
                  newest: str | None) -> BoardActivity:
    """A freshly read board as the stand-up keeps it: each visible card's list, shortLink and ``Blocked``
    label (the board is the truth), the reason from the newest impediment comment among ``events``."""
    lists = {lst.id: lst.name for lst in board.lists}
    reasons = impediment_reasons(events)
    cards = {c.id: CardState(lists.get(c.list_id, ""), short_link(c) or "", is_blocked(c),
                             reasons.get(c.id, "") if is_blocked(c) else "") for c in board.cards}
    return BoardActivity(board.id, since, now, newest, cards, tuple(events))
