"""The week's close-out: Recently Completed emptied of last week's work, and a handover for the next pair.

One journaled ``week.close`` action carries it out, step by step, each step looking before it writes:

- ``card:<id>`` per card that has sat in Recently Completed since before the week's start: the week's
  Done list is found (or made, at the right end of the board), the card moved there unless it already
  is, and its Support Epics copy moved to the epics board's Done list of that week;
- ``handover``: the comment on next week's plan card, written only if no comment there already starts
  with the handover's title.

Running the close-out twice moves nothing the second time (the cards are no longer in Recently
Completed) and finds the handover it wrote. A close-out cut short is finished by the journal's replay,
which the command runs before it looks at the boards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.domain.actions import CardClosed, ClosingCard, HandoverPosted, WeekClose
from supportdesk_tui.domain.boards import Board
from supportdesk_tui.domain.call import Handover, cards_to_close, is_handover, list_entries, render_handover
from supportdesk_tui.domain.epics import choose_keeper, short_link
from supportdesk_tui.domain.impediments import is_blocked, is_blocked_label
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.domain.plan_cards import scan_plan_cards
from supportdesk_tui.domain.plan_record import card_name
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.domain.sla import SlaStatus, clock_for
from supportdesk_tui.domain.triage_text import format_timebox
from supportdesk_tui.services.call.agenda import AgendaService
from supportdesk_tui.services.journal import Action, Outcome, Step, StepFn, StepResults, ambiguous_write
from supportdesk_tui.services.week_lists import BoardsError

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient
    from supportdesk_tui.services.boards import BoardsService
    from supportdesk_tui.services.triage.marks import TriageMarks

@dataclass(frozen=True, slots=True)
class CloseReport:
    week: IsoWeek
    done_name: str
    cards: tuple[ClosingCard, ...]
    handover: str
    plan_card: str  # "" when next week's plan card does not exist
    outcome: Outcome | None
    problems: tuple[str, ...] = ()

    def summary(self) -> str:
        """What happened, in a few sentences (the command prints it above the handover)."""
        lines = list(self.problems)
        if self.outcome is not None and self.outcome.status is not JournalStatus.DONE:
            lines.append(self.outcome.message)
        moved = len(self.cards)
        lines.append(f"{moved} card(s) moved from Recently Completed to “{self.done_name}”." if moved else
                     "Nothing to move: Recently Completed holds only this week's work.")
        found = self.outcome is not None and bool((self.outcome.done.get("handover") or {}).get("found"))
        if not self.plan_card:
            lines.append(f"Next week's plan card (“{card_name(self.week.next())}”) does not exist, so the handover "
                         "is only printed below.")
        elif found:
            lines.append("The handover was already on next week's plan card; not written again.")
        elif self.outcome is not None and self.outcome.ok:
            lines.append(f"The handover is on next week's plan card (“{card_name(self.week.next())}”).")
        return "\n".join(lines)


class CloseOut:
    def __init__(self, agenda: AgendaService, boards: BoardsService, marks: TriageMarks) -> None:
        self.agenda = agenda
        self.boards = boards
        self.marks = marks  # the app's one set of triage marks (the Inbox's timeboxes), not a second reader
        self.context = agenda.context
        self.settings = agenda.settings
        self.handler = WeekCloseHandler(self)
        self.context.journal.register(self.handler)

    async def close(self, week: IsoWeek | None = None) -> CloseReport:
        """Close ``week`` (this week by default): move, hand over, report."""
        week = week or IsoWeek.of(self.context.today())
        await self.context.journal.resume()  # a close-out cut short is finished before the boards are read
        trello = await self.context.trello()
        start = datetime.combine(week.monday, time(0), tzinfo=self.context.zone()).astimezone(UTC)
        cards, boards, problems = await self._cards(trello, start)
        handover = render_handover(await self._handover(week.next(), boards))
        plan_card = await self._plan_card(trello, week.next(), problems)
        payload = WeekClose(str(week), self.boards.done_name(week), tuple(cards), plan_card, handover)
        outcome = await self.context.journal.submit(payload)
        return CloseReport(week, payload.done_name, payload.cards, handover, plan_card, outcome, tuple(problems))

    async def _cards(self, trello: TrelloClient, start: datetime
                     ) -> tuple[list[ClosingCard], list[Board], list[str]]:
        customers = [c for c in self.settings.customers if c.trello_board]
        completed_name = self.settings.trello.lists.completed

        async def one(board_id: str) -> tuple[Board, list[ClosingCard]]:
            board, actions = await asyncio.gather(trello.load_board(board_id), trello.list_arrivals(board_id))
            completed = board.list_named(completed_name)
            if completed is None:
                raise BoardsError(f"the board has no list named “{completed_name}”")
            customer = self.boards.customer_for(board_id)
            return board, [ClosingCard(customer, board_id, card.id, card.name, short_link(card) or "")
                           for card, _ in cards_to_close(board.cards_in(completed.id), list_entries(actions),
                                                         completed.id, start)]

        results = await asyncio.gather(*(one(c.trello_board) for c in customers), return_exceptions=True)
        cards: list[ClosingCard] = []
        boards: list[Board] = []
        problems: list[str] = []
        for customer, result in zip(customers, results, strict=True):
            if isinstance(result, ApiError | BoardsError):
                problems.append(f"{customer.name}: left as it is ({result}).")
            elif isinstance(result, BaseException):
                raise result
            else:
                boards.append(result[0])
                cards.extend(result[1])
        return cards, boards, problems

    async def _plan_card(self, trello: TrelloClient, week: IsoWeek, problems: list[str]) -> str:
        """Next week's plan card on the Support Epics board (in ``lists.plans``), read as the plan of record
        reads it: of two twin cards for the week, the older one."""
        epics_id = self.settings.trello.support_epics_board
        if not epics_id:
            problems.append("No Support Epics board is configured ([trello] support_epics_board).")
            return ""
        board = await trello.load_board(epics_id)
        plans = board.list_named(self.settings.trello.lists.plans)
        found = scan_plan_cards(c for c in board.cards if plans is None or c.list_id == plans.id).get(week)
        return found.card.id if found is not None and not found.card.closed else ""

    async def _handover(self, week: IsoWeek, boards: Sequence[Board]) -> Handover:
        now = self.context.clock.now()
        at_risk: list[str] = []
        try:
            groove = await self.context.groove()
            tickets = await groove.list_open_tickets(self.settings.groove.states)
            histories = await asyncio.to_thread(self.agenda.histories, [t.number for t in tickets])
            for t in sorted(tickets, key=lambda t: t.number):
                status = clock_for(t, self.settings.sla, histories.get(t.number)).status(now)
                if status in (SlaStatus.AT_RISK, SlaStatus.BREACHED):
                    at_risk.append(f"#{t.number} {' '.join(t.title.split())} ({status.value}, "
                                   f"{t.customer_email or 'unknown sender'})")
        except ApiError as exc:
            at_risk.append(f"Groove could not be read ({exc}); look at the Inbox.")
        if not self.marks.loaded:  # the command line has no Inbox that read them at start
            await asyncio.to_thread(self.marks.load)
        timeboxes = [f"#{n}: {_left(box.left(now))}" for n, box in sorted(self.marks.timeboxes.items())]
        blocked_known = any(is_blocked_label(lb.name) for b in boards for lb in b.labels)
        finished = {self.settings.trello.lists.completed.casefold()}
        impediments = [f"{self.boards.customer_for(b.id) or b.name}: {c.name}" for b in boards for c in b.cards
                       if is_blocked(c)
                       and (lst := next((x for x in b.lists if x.id == c.list_id), None)) is not None
                       and lst.name.casefold() not in finished and not lst.name.casefold().startswith("done")]
        pending = await self.context.journal.pending_descriptions()
        pair = await self._pair(week)
        return Handover(week, pair, tuple(at_risk), tuple(timeboxes), tuple(impediments), tuple(pending),
                        blocked_known)

    async def _pair(self, week: IsoWeek) -> tuple[str, ...]:
        rota = await asyncio.to_thread(self.context.store.load_rota)
        pair = rota.get(str(week))
        return tuple(pair) if pair else ()


def _left(left: timedelta) -> str:
    """``1:32 left`` as the Inbox's row says ``fixing 1:32`` (the same rounding), or ``timebox over``."""
    return f"{format_timebox(left)} left" if left.total_seconds() > 0 else "timebox over"


class WeekCloseHandler(Action[WeekClose]):
    """``week.close``: one step per card, then the handover (see the module docstring)."""

    payload_type = WeekClose

    def __init__(self, closeout: CloseOut) -> None:
        self.closeout = closeout
        self.context = closeout.context

    def steps(self, p: WeekClose) -> Sequence[Step[WeekClose]]:
        return [*(Step(f"card:{c.card_id}", self._mover(c)) for c in p.cards), Step("handover", self.handover)]

    def describe(self, p: WeekClose) -> str:
        return f"close {p.week or '?'} ({len(p.cards)} card(s) to “{p.done_name}”)"

    def confirm(self, p: WeekClose, done: StepResults) -> str:
        return f"Closed {p.week}: {len(p.cards)} card(s) moved to “{p.done_name}”."

    def _mover(self, card: ClosingCard) -> StepFn[WeekClose]:
        async def move(p: WeekClose, done: StepResults) -> CardClosed:
            trello = await self.context.trello()
            target = await self.closeout.boards.known_list(trello, card.board_id, p.done_name)
            # Only ``idList`` is written (no position): a card already there is not touched again.
            await trello.move_card(card.card_id, target, None)
            return CardClosed(target, await self._copy_follows(trello, p, card))

        return move

    async def _copy_follows(self, trello: TrelloClient, p: WeekClose, card: ClosingCard) -> str | None:
        boards = self.closeout.boards
        epics_id = boards.epics_board_id
        if not card.link or not epics_id:
            return None
        live = [c for c in await boards._copies(trello, epics_id, card.link) if not c.closed]
        if not live:
            return None
        target = await boards.known_list(trello, epics_id, p.done_name)
        keeper = choose_keeper(live, target, want_done=True)
        if keeper.list_id != target:
            await trello.move_card(keeper.id, target, "top")
        return keeper.id

    async def handover(self, p: WeekClose, done: StepResults) -> HandoverPosted:
        if not p.plan_card:
            return HandoverPosted(None, False)
        trello = await self.context.trello()
        week = IsoWeek.parse(p.week).next()
        for comment_id, text in await trello.list_comments(p.plan_card):
            if is_handover(text, week):
                return HandoverPosted(comment_id, True)
        posted = await ambiguous_write("the handover comment", trello.add_comment(p.plan_card, p.handover))
        return HandoverPosted(posted, False)
