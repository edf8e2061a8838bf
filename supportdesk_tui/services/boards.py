"""Boards, the I/O side: customer boards kept fresh cheaply, card moves, the Support Epics sync, done-and-notify.

Reads: each board is loaded in one request and cached here, together with the id of its newest action
(from the same answer); after that a poll costs one small ``actions?since=`` request and the board is
reloaded only when something happened, so an unchanged poll costs 1 request from the very first one.

Writes all go through the journal (one kind per workflow, each step idempotent), so a crash, a quit or a
network fault half-way is finished by :meth:`Journal.resume` on the next start without doing anything twice:

- ``board.move``: per-field PUTs, idempotent by nature; journaled so a queued move survives a restart.
- ``epics.copy``: look the source's marker up on the epics board BEFORE creating; after creating, look
  again and keep one copy (:func:`choose_keeper`), so a crash or a second copy of the app cannot double it.
- ``epics.done`` / ``epics.dedupe`` / ``epics.orphan``: move a copy to Done, archive extras, archive orphans.
- ``board.done``: move the card to Done, reply on the linked Groove ticket (after looking in the thread for
  the same text) and close the ticket.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from supportdesk_tui.domain.actions import (
    CardDone,
    CardMove,
    EpicsCopy,
    EpicsDedupe,
    EpicsOrphan,
    EpicsToDone,
    ListMove,
    ReplySent,
    Settled,
)
from supportdesk_tui.domain.boards import Board, Card
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.epics import (
    EpicsIssue,
    EpicsStatus,
    IssueKind,
    Move,
    SourceBoard,
    Transition,
    choose_keeper,
    copy_desc,
    copy_name,
    fill_template,
    linked_ticket,
    marker_of,
    reconcile,
    source_marker,
    transitions,
)
from supportdesk_tui.domain.journal import ActionKind, ActionPayload, CardId, JournalStatus, StateSet
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.groove_writes import post_once
from supportdesk_tui.services.journal import Action, Outcome, StepFailed, StepFn, StepResults, ambiguous_write
from supportdesk_tui.services.week_lists import BoardsError, WeekLists

if TYPE_CHECKING:
    from supportdesk_tui.clients.trello.facade import TrelloClient

MOVE, DONE, COPY, TO_DONE, DEDUPE, ORPHAN = (ActionKind.BOARD_MOVE, ActionKind.BOARD_DONE, ActionKind.EPICS_COPY,
                                             ActionKind.EPICS_DONE, ActionKind.EPICS_DEDUPE, ActionKind.EPICS_ORPHAN)
KEEP_FROM_SOURCE = "labels,checklists,due,members"
REPLY_LOOKBACK = timedelta(minutes=15)  # clock skew allowance when looking for our own earlier reply
LABEL_COLORS = ("sky", "green", "yellow", "orange", "purple", "blue", "lime", "pink")


@dataclass(frozen=True, slots=True)
class EpicsJob:
    """An automatic sync step found by comparing two loads of a customer board."""

    customer: str
    transition: Transition


@dataclass(frozen=True, slots=True)
class BoardUpdate:
    board: Board
    reloaded: bool
    synced_at: datetime
    jobs: tuple[EpicsJob, ...] = ()


@dataclass(frozen=True, slots=True)
class EpicsView:
    board: Board
    status: EpicsStatus
    synced_at: datetime
    failed: Mapping[str, str] = field(default_factory=dict)  # customer -> why its board did not load
    jobs: tuple[EpicsJob, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cached:
    board: Board
    action_id: str | None
    synced_at: datetime


class BoardsService(WeekLists):
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        settings = context.settings
        self._names = settings.trello.lists  # the Done list's name may be a week pattern (WeekLists)
        self.epics_board_id = settings.trello.support_epics_board
        self._boards: dict[str, _Cached] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._labels: dict[str, str] = {}  # customer name -> label id on the epics board
        self._made_lists: dict[tuple[str, str], str] = {}  # week lists found or made by this run (WeekLists)
        for handler in (MoveHandler(self), DoneHandler(self), CopyHandler(self), ToDoneHandler(self),
                        DedupeHandler(self), OrphanHandler(self)):
            context.journal.register(handler)

    # ------------------------------------------------------------------ customers and reads

    @property
    def customers(self) -> tuple[Customer, ...]:
        """Customers that have a board, in config order (the order `[` and `]` walk)."""
        return tuple(c for c in self.context.settings.customers if c.trello_board)

    def customer_for(self, board_id: str) -> str:
        return next((c.name for c in self.customers if c.trello_board == board_id), "")

    def cached(self, board_id: str) -> Board | None:
        hit = self._boards.get(board_id)
        return hit.board if hit else None

    def synced_at(self, board_id: str) -> datetime | None:
        hit = self._boards.get(board_id)
        return hit.synced_at if hit else None

    async def refresh(self, board_id: str) -> BoardUpdate:
        """The board, polled: a small request when cached, a reload only when something changed.

        Polls of one board never overlap (a lock per board), so a change is turned into sync jobs once.
        """
        lock = self._locks.setdefault(board_id, asyncio.Lock())
        async with lock:
            trello = await self.context.trello()
            now = self.context.clock.now()
            cached = self._boards.get(board_id)
            newest: str | None = None
            if cached is not None:
                changed, newest = await trello.board_changed_since(board_id, cached.action_id)
                if not changed:
                    self._boards[board_id] = replace(cached, action_id=newest, synced_at=now)
                    return BoardUpdate(cached.board, False, now)
            # The board and its change baseline come from one answer: a cold start loads each board once
            # and its first poll is one small request, like every later one.
            board, baseline = await trello.load_board_with_baseline(board_id)
            self._boards[board_id] = _Cached(board, baseline or newest, now)
            customer = self.customer_for(board_id)
            jobs: tuple[EpicsJob, ...] = ()
            if cached is not None and customer and self.epics_board_id:
                jobs = tuple(EpicsJob(customer, t) for t in transitions(cached.board, board, self.lists))
            return BoardUpdate(board, True, now, jobs)

    async def refresh_many(self, board_ids: Sequence[str]) -> dict[str, BoardUpdate | Exception]:
        """Several boards at once; each answer or the error it met (one bad board spoils nothing)."""
        results = await asyncio.gather(*(self.refresh(b) for b in board_ids), return_exceptions=True)
        out: dict[str, BoardUpdate | Exception] = {}
        for board_id, result in zip(board_ids, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
            out[board_id] = result
        return out

    async def ticket(self, number: int) -> Ticket:
        """The Groove ticket a card links (for the card detail and the done preview)."""
        return await (await self.context.groove()).get_ticket(number)

    def linked_ticket(self, card: Card) -> int | None:
        return linked_ticket(card.desc, self.context.settings.groove.subdomain)

    def ticket_url(self, number: int) -> str:
        return self.context.settings.groove.ticket_url(number)

    def reply_preview(self, card: Card) -> str:
        return fill_template(self.context.settings.triage.done_template, card.name)

    # ------------------------------------------------------------------ the epics board

    async def epics_view(self) -> EpicsView:
        """Every customer board and the epics board polled, then compared (see :func:`reconcile`)."""
        if not self.epics_board_id:
            raise BoardsError("No Support Epics board is configured ([trello] support_epics_board).")
        by_board = {c.trello_board: c.name for c in self.customers}
        results = await self.refresh_many([*by_board, self.epics_board_id])
        epics = results.pop(self.epics_board_id)
        if isinstance(epics, Exception):
            raise epics
        failed = {by_board[b]: str(r) for b, r in results.items() if isinstance(r, Exception)}
        sources = [SourceBoard(by_board[b], r.board) for b, r in results.items() if isinstance(r, BoardUpdate)]
        status = reconcile(sources, epics.board, self.lists, complete=not failed)
        jobs = tuple(j for r in results.values() if isinstance(r, BoardUpdate) for j in r.jobs)
        return EpicsView(epics.board, status, epics.synced_at, failed, jobs)

    async def run_jobs(self, jobs: Sequence[EpicsJob]) -> list[Outcome]:
        """The automatic part of the sync: a card entered Up next (copy it) or finished (copy to Done)."""
        outcomes = []
        for job in jobs:
            t = job.transition
            if t.move is Move.ENTERED_UP_NEXT:
                outcomes.append(await self.context.journal.submit(_copy_payload(job.customer, t.card, t.link)))
            else:
                outcomes.append(await self.context.journal.submit(
                    EpicsToDone(link=t.link, name=t.card.name, customer=job.customer)))
        return outcomes

    async def repair(self, issue: EpicsIssue) -> Outcome:
        """Put one sync problem right, through the journal."""
        journal = self.context.journal
        name = issue.source.name if issue.source else (issue.copy.name if issue.copy else issue.link)
        if issue.kind is IssueKind.MISSING:
            assert issue.source is not None
            return await journal.submit(_copy_payload(issue.customer, issue.source, issue.link))
        if issue.kind is IssueKind.TO_DONE:
            assert issue.copy is not None
            return await journal.submit(EpicsToDone(link=issue.link, name=name, copy_id=issue.copy.id))
        if issue.kind is IssueKind.LEFT_UP_NEXT:  # the source went back from Up next: archive its copies
            assert issue.copy is not None
            outcomes = [await journal.submit(EpicsOrphan(issue.link, copy.name, copy_id=copy.id))
                        for copy in (issue.copy, *issue.extras)]
            return next((o for o in outcomes if o.status is not JournalStatus.DONE), outcomes[-1])
        if issue.kind is IssueKind.DUPLICATE:  # keep the copy the panel showed, if it is still there
            return await journal.submit(EpicsDedupe(issue.link, name, want_done=None,
                                                    keep=issue.copy.id if issue.copy else None))
        assert issue.copy is not None
        return await journal.submit(EpicsOrphan(issue.link, issue.copy.name, copy_id=issue.copy.id))

    async def repair_all(self, status: EpicsStatus) -> list[Outcome]:
        return [await self.repair(issue) for issue in status.issues]

    # ------------------------------------------------------------------ moves and done

    async def move_card(self, card: Card, list_id: str) -> Outcome:
        """Move a card to another list of its board (top of the list), journaled."""
        board = self.cached(card.board_id)
        target = next((lst for lst in board.lists if lst.id == list_id), None) if board else None
        return await self.context.journal.submit(CardMove(card.id, list_id, card.name,
                                                          target.name if target else list_id))

    async def done(self, card: Card, reply: str | None) -> Outcome:
        """Move the card to Done; with a linked ticket and a non-empty reply, reply there and close it."""
        number = self.linked_ticket(card)
        text = (reply or "").strip()
        ticket = number if text else None
        list_id = self.done_list(card.board_id)
        payload = CardDone(card.id, list_id, card.name, ticket=ticket,
                           reply=text if ticket is not None else "", asked_at=self.context.clock.now(),
                           list_name=None if list_id else self.done_name(),
                           board_id=None if list_id else card.board_id)
        return await self.context.journal.submit(payload, ticket=ticket)

    # ------------------------------------------------------------------ what the journal's steps share

    async def _epics_lists(self, trello: TrelloClient) -> tuple[str, str, str]:
        """(board id, target list id, Done list id) on the epics board; its lists are read once."""
        if not self.epics_board_id:
            raise StepFailed("no Support Epics board is configured")
        board = self.cached(self.epics_board_id)
        if board is None:
            board = await trello.load_board(self.epics_board_id)
            self._boards.setdefault(self.epics_board_id, _Cached(board, None, self.context.clock.now()))
        lists = self.lists
        target, done = board.list_named(lists.epics_target), board.list_named(lists.epics_done)
        if target is not None and done is None and self.done_per_week:
            return board.id, target.id, await self.known_list(trello, board.id, lists.epics_done)
        if target is None or done is None:
            raise StepFailed(f"the Support Epics board needs lists “{lists.epics_target}” and "
                             f"“{lists.epics_done}”")
        return board.id, target.id, done.id

    async def _copies(self, trello: TrelloClient, board_id: str, link: str) -> list[Card]:
        """Copies of one source on the epics board, archived ones included (an exact marker match)."""
        return [c for c in await trello.find_cards(board_id, source_marker(link)) if marker_of(c) == link]

    async def _settle(self, trello: TrelloClient, board_id: str, link: str, done_list: str,
                      want_done: bool | None, keep: str | None = None) -> Settled:
        """Keep one live copy of ``link`` (the same choice every instance makes) and archive the others."""
        live = [c for c in await self._copies(trello, board_id, link) if not c.closed]
        if not live:
            return Settled(None, ())
        keeper = next((c for c in live if c.id == keep), None) or choose_keeper(live, done_list, want_done)
        archived = []
        for card in live:
            if card.id != keeper.id:
                await trello.archive_card(card.id)
                archived.append(card.id)
        return Settled(keeper.id, tuple(archived))

    async def _add_customer_label(self, trello: TrelloClient, board_id: str, card_id: str, customer: str) -> None:
        label_id = self._labels.get(customer)
        if label_id is None:
            board = await trello.load_board(board_id)
            same = sorted((lb for lb in board.labels if lb.name.strip().casefold() == customer.casefold()),
                          key=lambda lb: lb.id)
            if same:
                label_id = same[0].id
            else:
                # Not idempotent; if its answer is lost the step is retried and finds the label by name first.
                color = LABEL_COLORS[zlib.crc32(customer.encode()) % len(LABEL_COLORS)]
                label = await ambiguous_write("creating the label", trello.create_label(board_id, customer, color))
                label_id = label.id
            self._labels[customer] = label_id
        await trello.add_label(card_id, label_id)

def _copy_payload(customer: str, card: Card, link: str) -> EpicsCopy:
    return EpicsCopy(customer, card.id, link, copy_name(customer, card), copy_desc(card, link))


# ------------------------------------------------------------------ the journal's handlers, one per kind
P = TypeVar("P", bound=ActionPayload)


class _BoardsAction(Action[P]):
    def __init__(self, service: BoardsService) -> None:
        self.service = service
        self.context = service.context


class MoveHandler(_BoardsAction[CardMove]):
    """``board.move``: per-field PUTs, idempotent by nature."""

    payload_type = CardMove

    def steps(self, p: CardMove) -> Sequence[StepFn[CardMove]]:
        return (self.move,)

    def describe(self, p: CardMove) -> str:
        return f"move “{p.name}” to {p.list_name}"

    async def move(self, p: CardMove, done: StepResults) -> ListMove:
        card = await (await self.context.trello()).move_card(p.card_id, p.list_id, "top")
        return ListMove(card.list_id)


class DoneHandler(_BoardsAction[CardDone]):
    """``board.done``: to Done; with a ticket, the reply (looked for first) and the close."""

    payload_type = CardDone

    def steps(self, p: CardDone) -> Sequence[StepFn[CardDone]]:
        first: tuple[StepFn[CardDone], ...] = (self.list, self.move) if p.list_name and not p.list_id else (self.move,)
        return (*first, self.reply, self.close) if p.ticket is not None else first

    async def list(self, p: CardDone, done: StepResults) -> CardId:
        """The week's Done list, made on the board if it is not there yet (looked for first)."""
        assert p.list_name and p.board_id
        return CardId(await self.service.ensure_list(await self.context.trello(), p.board_id, p.list_name))

    def describe(self, p: CardDone) -> str:
        if p.ticket is not None:
            return f"done “{p.name}”, reply on #{p.ticket} and close it"
        return f"move “{p.name}” to Done"

    async def move(self, p: CardDone, done: StepResults) -> ListMove:
        list_id = p.list_id or str(done.get("list", CardId).id)
        card = await (await self.context.trello()).move_card(p.card_id, list_id, "top")
        return ListMove(card.list_id)

    async def reply(self, p: CardDone, done: StepResults) -> ReplySent:
        """Always looks first, but only since the user asked: the same stock reply may be older."""
        assert p.ticket is not None
        posted = await post_once(await self.context.groove(), p.ticket, p.reply, note=False, author=None,
                                 look=True, since=p.asked_at - REPLY_LOOKBACK)
        return ReplySent(posted.id, found=True) if posted.found else ReplySent(posted.id)

    async def close(self, p: CardDone, done: StepResults) -> StateSet:
        assert p.ticket is not None
        await (await self.context.groove()).set_state(p.ticket, "closed")
        return StateSet("closed")


class CopyHandler(_BoardsAction[EpicsCopy]):
    """``epics.copy``: look the source's marker up BEFORE creating; after, keep one copy; label it."""

    payload_type = EpicsCopy

    def steps(self, p: EpicsCopy) -> Sequence[StepFn[EpicsCopy]]:
        return (self.copy, self.settle, self.label)

    def describe(self, p: EpicsCopy) -> str:
        return f"copy “{p.name}” to Support Epics"

    async def copy(self, p: EpicsCopy, done: StepResults) -> CardId:
        trello = await self.context.trello()
        board_id, target, done_list = await self.service._epics_lists(trello)
        found = await self.service._copies(trello, board_id, p.link)
        live = [c for c in found if not c.closed]
        if live:  # already there (a retry, a resume, or another copy of the app): reuse it
            keeper = choose_keeper(live, done_list, want_done=False)
            if keeper.list_id == done_list:  # the source came back to Up next
                await trello.move_card(keeper.id, target, "bottom")
            return CardId(keeper.id)
        if found:  # only archived copies: bring one back rather than make another
            keeper = min(found, key=lambda c: c.id)
            await trello.unarchive_card(keeper.id)
            if keeper.list_id != target:
                await trello.move_card(keeper.id, target, "bottom")
            return CardId(keeper.id)
        card = await ambiguous_write("copying the card", trello.copy_card(
            p.source_id, target, name=p.name, desc=p.desc, keep_from_source=KEEP_FROM_SOURCE))
        return CardId(card.id)

    async def settle(self, p: EpicsCopy, done: StepResults) -> Settled:
        trello = await self.context.trello()
        board_id, _target, done_list = await self.service._epics_lists(trello)
        return await self.service._settle(trello, board_id, p.link, done_list, want_done=False)

    async def label(self, p: EpicsCopy, done: StepResults) -> CardId:
        trello = await self.context.trello()
        board_id, _target, _done = await self.service._epics_lists(trello)
        keep = done.get("settle", Settled).keep or done.get("copy", CardId).id
        await self.service._add_customer_label(trello, board_id, str(keep), p.customer)
        return CardId(keep)


class ToDoneHandler(_BoardsAction[EpicsToDone]):
    payload_type = EpicsToDone

    def steps(self, p: EpicsToDone) -> Sequence[StepFn[EpicsToDone]]:
        return (self.move,)

    def describe(self, p: EpicsToDone) -> str:
        return f"move the epics copy of “{p.name}” to Done"

    async def move(self, p: EpicsToDone, done: StepResults) -> CardId:
        trello = await self.context.trello()
        board_id, _target, done_list = await self.service._epics_lists(trello)
        copy_id = p.copy_id
        if not copy_id:
            live = [c for c in await self.service._copies(trello, board_id, p.link) if not c.closed]
            if not live:
                return CardId(None)  # no copy to move (the sync panel lists it if that is wrong)
            copy_id = choose_keeper(live, done_list, want_done=True).id
        await trello.move_card(copy_id, done_list, "top")
        return CardId(copy_id)


class DedupeHandler(_BoardsAction[EpicsDedupe]):
    payload_type = EpicsDedupe

    def steps(self, p: EpicsDedupe) -> Sequence[StepFn[EpicsDedupe]]:
        return (self.archive,)

    def describe(self, p: EpicsDedupe) -> str:
        return f"archive extra epics copies of “{p.name}”"

    async def archive(self, p: EpicsDedupe, done: StepResults) -> Settled:
        trello = await self.context.trello()
        board_id, _target, done_list = await self.service._epics_lists(trello)
        return await self.service._settle(trello, board_id, p.link, done_list, p.want_done, p.keep)


class OrphanHandler(_BoardsAction[EpicsOrphan]):
    payload_type = EpicsOrphan

    def steps(self, p: EpicsOrphan) -> Sequence[StepFn[EpicsOrphan]]:
        return (self.archive,)

    def describe(self, p: EpicsOrphan) -> str:
        return f"archive the orphan epics copy “{p.name}”"

    async def archive(self, p: EpicsOrphan, done: StepResults) -> CardId:
        await (await self.context.trello()).archive_card(p.copy_id)
        return CardId(p.copy_id)
