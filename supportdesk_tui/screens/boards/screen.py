"""Boards: one customer's Trello board as a live kanban; `[`/`]` walk the customers.

Reads and writes never block the screen: a poll every ``trello.poll_seconds`` (one exclusive worker,
skipped while another screen or a dialog is on top, never queued behind itself), and writes in their own
non-exclusive group that nothing cancels. A move shows at once (optimistic) and is put back, with
Trello's reason, if it is refused. What changed on a board (a card into Up next, out of it to Completed)
becomes Support Epics sync work, carried out through the journal like every other write.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.boards import Board, Card
from supportdesk_tui.domain.impediments import is_blocked
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.boards.dialogs import CardDetailScreen, DonePreviewScreen, EpicsScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error, failure_sentence
from supportdesk_tui.screens.standup.dialogs import ImpedimentDialog
from supportdesk_tui.services.boards import BoardsService, BoardUpdate, EpicsJob
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.services.standup.impediments import ImpedimentTarget
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_footer import DeskFooter
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.filter_box import FilterBox
from supportdesk_tui.widgets.kanban import Column, KanbanBoard, card_prompt

REFRESH_GROUP = "boards-refresh"
WRITE_GROUP = "boards-write"


class BoardLoaded(Message):
    def __init__(self, board_id: str, update: BoardUpdate, poll: int = 0) -> None:
        super().__init__()
        self.board_id, self.update = board_id, update
        self.poll = poll  # which poll (in the order they started) brought this board


class BoardFailed(Message):
    def __init__(self, board_id: str, error: BaseException) -> None:
        super().__init__()
        self.board_id, self.error = board_id, error


class WriteFinished(Message):
    """A journaled write came back; ``card_id`` is set when it was shown optimistically."""

    def __init__(self, outcome: Outcome, card_id: str | None, done_text: str) -> None:
        super().__init__()
        self.outcome, self.card_id, self.done_text = outcome, card_id, done_text


class BoardsScreen(DeskScreen):
    CSS_PATH = "boards.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "customer(-1)", "Prev customer", id="boards.prev_customer",
                tooltip="The previous customer's board"),
        Binding("right_square_bracket", "customer(1)", "Next customer", id="boards.next_customer",
                tooltip="The next customer's board"),
        Binding("shift+left", "move_card(-1)", "Move ←", id="boards.move_left",
                tooltip="Move the card to the list on the left"),
        Binding("shift+right", "move_card(1)", "Move →", id="boards.move_right",
                tooltip="Move the card to the list on the right"),
        Binding("d", "done", "Done", id="boards.done", tooltip="Move to Done and tell the customer (preview first)"),
        Binding("e", "epics", "Support Epics", id="boards.epics", tooltip="The Support Epics board and sync status"),
        Binding("A", "agenda", "Agenda", id="boards.agenda", tooltip="The agenda for this customer's call"),
        Binding("slash", "filter", "Filter", id="boards.filter", tooltip="Filter cards by text"),
        Binding("exclamation_mark", "impediment", "Impediment", id="boards.impediment",
                tooltip="Flag the card as blocked (asks why), or clear its impediment"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="boards.clear_filter"),
    ]
    HELP = """
## Boards
One customer's Trello board: New Issues, Up next, Recently Completed and Done, with counts.

- `[` / `]`: previous / next customer
- arrows or `h` `j` `k` `l`: move around; `enter`: card detail
- `shift+left` / `shift+right`: move the card to the neighbouring list (shown at once; put back if Trello refuses)
- `d`: done: move to Done and, when the card links a Groove ticket, reply to the customer (preview first) and close it
- `e`: the Support Epics board and its sync status (missing copies, duplicates, orphans), with repair keys
- `A`: the agenda for this customer's call (since the last call), with a running total of Up next while cards move
- `/`: filter by text; `escape` clears it
- `!`: flag an impediment (asks a one-line reason; labels the card and its Support Epics copy Blocked and
  comments why); `!` on a blocked card clears it
"""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self._index = 0
        self._board: Board | None = None
        self._synced: datetime | None = None
        self._filter = ""
        self._optimistic: dict[str, str] = {}  # card id -> list id it is shown in until Trello answers
        self._queued: set[str] = set()  # of those, moves the journal holds until Trello is back
        # Of those, moves Trello confirmed, by the number of polls started when it did: the card stays shown
        # where it went until a poll that started after that comes back (an older one may predate the move).
        self._confirmed: dict[str, int] = {}
        self._polls_started = 0
        self._failures = 0  # polls in a row that failed: back off to every 2nd, 4th, 8th tick
        self._ticks = 0

    @property
    def service(self) -> BoardsService:
        return self.desk.services.boards

    @property
    def board_id(self) -> str | None:
        customers = self.service.customers
        return customers[self._index].trello_board if customers else None

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield Banner(id="banner")
        yield FilterBox(placeholder="Filter: words in a card's name, description, labels or members (escape clears)",
                    id="filter")
        yield KanbanBoard(self._prompt, columns=4, id="kanban")
        yield Static(Text("No customers with a Trello board are configured ([[customers]] trello_board)."),
                     id="empty")
        yield DeskFooter()

    async def on_mount(self) -> None:
        self.poll_every(self.desk.settings.trello.poll_seconds, self._poll_tick, name="boards-poll")
        has_customers = bool(self.service.customers)
        self.query_one("#empty").display = not has_customers
        self.query_one(KanbanBoard).display = has_customers
        await self._show_customer()
        self.query_one(KanbanBoard).focus_column(0)

    def on_screen_resume(self) -> None:
        if not self._refresh_running():
            self.refresh_board()  # back on this screen: catch up at once (one small request when unchanged)

    # --- data flow --------------------------------------------------------------------------------
    async def _show_customer(self) -> None:
        board_id = self.board_id
        if board_id is None:
            self._update_header()
            return
        self._board, self._synced, self.failure = self.service.cached(board_id), self.service.synced_at(board_id), None
        self.query_one(Banner).hide()
        await self._redraw()
        self.refresh_board()

    @work(group=REFRESH_GROUP, exclusive=True, exit_on_error=False)
    async def refresh_board(self) -> None:
        board_id = self.board_id
        if board_id is None:
            return
        self._polls_started += 1
        poll = self._polls_started
        await self.renew_if_refused()  # `r` after a refused key or token: read them again
        try:
            update = await self.service.refresh(board_id)
        except Exception as exc:  # shown as a banner; the board stays as it was
            self.post_message(BoardFailed(board_id, exc))
            return
        self.post_message(BoardLoaded(board_id, update, poll))

    def _refresh_running(self) -> bool:
        return any(w.group == REFRESH_GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.workers)

    def _poll_tick(self) -> None:
        if self.app.screen is not self or self._refresh_running():
            return  # another screen or a dialog is on top, or the last poll is still out: skip, never queue
        if self.refused:
            return  # the same key and token would be refused again: wait for `r`
        self._ticks += 1
        if self._failures and self._ticks % (1 << min(self._failures, 3)):
            return  # offline: try less often (r still retries at once)
        self.refresh_board()

    def action_refresh(self) -> None:
        """`r`: poll now (restarts the exclusive worker)."""
        self.refresh_board()

    async def on_board_loaded(self, message: BoardLoaded) -> None:
        if message.update.jobs:
            self.sync_epics(message.update.jobs)
        if message.board_id != self.board_id:
            return  # the user moved on to another customer; the service cached it for later
        self._board, self._synced, self.failure = message.update.board, message.update.synced_at, None
        self.note_error(None)
        self._failures = 0
        self.query_one(Banner).hide()
        self.service_answered()  # back online: the services replay what was queued, in order
        if not self.desk.pending_actions():
            # The queued moves have run; this poll may have started before they did, so each is treated
            # as a move Trello just confirmed: shown where it went until a poll started from now on.
            for card_id in self._queued:
                self._confirmed.setdefault(card_id, self._polls_started)
            self._queued.clear()
        for card_id, confirmed_at in list(self._confirmed.items()):
            if message.poll > confirmed_at:  # this poll started after Trello confirmed the move
                del self._confirmed[card_id]
                self._optimistic.pop(card_id, None)
        await self._redraw()

    def on_board_failed(self, message: BoardFailed) -> None:
        if message.board_id != self.board_id:
            return
        self.failure = message.error
        self._failures += 1
        customer = self.service.customer_for(message.board_id)
        doing = f"loading {customer}'s board" if customer else "loading the board"
        self.note_error(message.error, doing)
        when = self._local(self._synced).strftime("%a %H:%M") if self._synced else None
        shown = f"showing the board as of {when}" if when else "nothing to show yet"
        then = f"{shown}, trying again less and less often (r retries now, ? shows the detail)"
        self.show_failure(doing=doing, then=then)
        self._update_header()

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def sync_epics(self, jobs: tuple[EpicsJob, ...]) -> None:
        for outcome in await self.service.run_jobs(jobs):
            if outcome.status is not JournalStatus.DONE:
                self.notify(outcome.message, title="Support Epics sync", severity="warning", markup=False)

    # --- rendering --------------------------------------------------------------------------------
    def _prompt(self, card: Card) -> Text:
        number = self.service.linked_ticket(card)
        due = self._local(card.due).strftime("%d %b") if card.due else ""
        return card_prompt(card, due=due, badge=f"✉ #{number}" if number is not None else "")

    def _local(self, when: datetime) -> datetime:
        return when.astimezone(ZoneInfo(self.desk.settings.sla.timezone))

    def shown_board(self) -> Board | None:
        """The board as shown: Trello's, with moves still on their way applied."""
        board = self._board
        if board is None or not self._optimistic:
            return board
        from dataclasses import replace

        tops = {lst.id: min((c.pos for c in board.cards if c.list_id == lst.id), default=1.0) for lst in board.lists}
        cards = tuple(replace(c, list_id=self._optimistic[c.id], pos=tops.get(self._optimistic[c.id], 1.0) - 1)
                      if c.id in self._optimistic else c for c in board.cards)
        return replace(board, cards=cards)

    def _columns(self, board: Board | None) -> list[Column]:
        names = self.desk.settings.trello.lists
        needle = self._filter.casefold()
        columns = []
        done = self.service.done_name()  # this week's, when [trello] lists.done is a week pattern
        for name in (names.new, names.up_next, names.completed, done):
            lst = board.list_named(name) if board else None
            if lst is None:
                made_later = name == done and self.service.done_per_week
                why = "made with its first card" if made_later else "no such list"
                title = name if board is None else f"{name} ({why})"
                columns.append(Column("", title, ()))
                continue
            cards = board.cards_in(lst.id) if board else ()
            shown = [c for c in cards if not needle or needle in _haystack(c)]
            columns.append(Column(lst.id, lst.name, shown, len(cards)))
        return columns

    async def _redraw(self) -> None:
        await self.query_one(KanbanBoard).show(self._columns(self.shown_board()))
        self._update_header()

    def _update_header(self) -> None:
        header = self.query_one(DeskHeader)
        customers = self.service.customers
        triage = f"· {self.triage_words()} "
        if not customers:
            header.left, header.right = "Boards", f"{triage}· no customers configured"
            return
        header.left = f"Boards · {customers[self._index].name} ({self._index + 1}/{len(customers)})"
        board = self._board
        if board is None:
            header.right = triage + ("· offline" if self.failure is not None else "· loading…")
            return
        synced = self._local(self._synced).strftime("%H:%M:%S") if self._synced else "never"
        state = "" if self.failure is None else "REFUSED, " if self.refused else "OFFLINE, "
        pending = self.desk.pending_actions()
        extra = f" · {pending} pending action(s)" if pending else ""
        filt = f" · filter: {self._filter}" if self._filter else ""
        cadence = self.desk.services.call.cadence_words(customers[self._index])  # "call due Thu"
        header.right = f"{triage}· {cadence} · {len(board.cards)} cards{filt}{extra} · {state}synced {synced}"

    # --- keys ---------------------------------------------------------------------------------------
    async def action_customer(self, delta: int) -> None:
        count = len(self.service.customers)
        if count < 2:
            return
        self._index = (self._index + delta) % count
        await self._show_customer()

    def current_card(self) -> Card | None:
        board, card_id = self.shown_board(), self.query_one(KanbanBoard).current_card_id()
        if board is None or card_id is None:
            return None
        return next((c for c in board.cards if c.id == card_id), None)

    async def action_move_card(self, delta: int) -> None:
        card, kanban = self.current_card(), self.query_one(KanbanBoard)
        if card is None:
            return
        columns = self._columns(self.shown_board())
        target = kanban.current_column + delta
        if not 0 <= target < len(columns) or not columns[target].list_id:
            self.app.bell()
            return
        to = columns[target]
        self._optimistic[card.id] = to.list_id
        await self._redraw()
        kanban.focus_card(card.id)
        self._write_move(card, to.list_id, to.title)

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def _write_move(self, card: Card, list_id: str, list_name: str) -> None:
        source = self._board_card(card.id) or card
        outcome = await self.service.move_card(source, list_id)
        self.post_message(WriteFinished(outcome, card.id, ""))

    def _board_card(self, card_id: str) -> Card | None:
        return next((c for c in self._board.cards if c.id == card_id), None) if self._board else None

    async def on_write_finished(self, message: WriteFinished) -> None:
        outcome = message.outcome
        where = ""
        if message.card_id is not None and outcome.status is JournalStatus.PENDING:
            self._queued.add(message.card_id)  # keep showing it where it is going
        elif message.card_id is not None and outcome.status is JournalStatus.DONE:
            self._queued.discard(message.card_id)
            # Trello has it: keep showing the card there until a poll started from now on brings the board
            # (the board held here, and any poll already under way, predate the move).
            self._confirmed[message.card_id] = self._polls_started
        elif message.card_id is not None:
            self._queued.discard(message.card_id)
            self._confirmed.pop(message.card_id, None)
            self._optimistic.pop(message.card_id, None)
            original = self._board_card(message.card_id)
            lst = next((x for x in self._board.lists if original and x.id == original.list_id), None) \
                if self._board else None
            where = f"The card is back in {lst.name}." if lst else ""
        self.notify_outcome(outcome, done=message.done_text, undone=where)
        await self._redraw()
        self.refresh_board()  # picks up our own change and turns it into epics sync work

    def action_done(self) -> None:
        card = self.current_card()
        if card is None or self._board is None:
            return
        try:
            done_id = self.service.done_list(self._board.id)  # "" when the week's Done list is still to be made
        except Exception as exc:  # BoardsError: the board lacks the list; the text says which
            self.notify(describe_error(exc), severity="error", markup=False)
            return
        number = self.service.linked_ticket(card)
        if number is None:
            def answer(yes: bool | None) -> None:
                if yes:
                    self._start_done(card, done_id, None)

            self.app.push_screen(ConfirmScreen(f"Move “{card.name}” to Done? No Groove ticket is linked, so "
                                               "nobody is told."), answer)
            return

        def send(text: str | None) -> None:
            if text is not None:
                self._start_done(card, done_id, text)

        self.app.push_screen(DonePreviewScreen(self.service, card, number, self.service.reply_preview(card)), send)

    def _start_done(self, card: Card, done_list: str, reply: str | None) -> None:
        if done_list:
            self._optimistic[card.id] = done_list
        self.call_next(self._redraw)
        self._write_done(card, reply)

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def _write_done(self, card: Card, reply: str | None) -> None:
        number = self.service.linked_ticket(card) if reply and reply.strip() else None
        outcome = await self.service.done(self._board_card(card.id) or card, reply)
        text = f"“{card.name}” is done; replied on #{number} and closed it." if number else \
            f"“{card.name}” moved to Done."
        self.post_message(WriteFinished(outcome, card.id, text))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == WRITE_GROUP and event.state is WorkerState.ERROR:
            self._optimistic = {k: v for k, v in self._optimistic.items() if k in self._queued or k in self._confirmed}
            error = event.worker.error or RuntimeError("unknown")
            self.note_error(error, "writing to Trello")
            self.notify(failure_sentence(error, doing="writing to Trello", then="nothing more was sent"),
                        title="Could not do that", severity="error", markup=False)
            self.call_next(self._redraw)

    def action_epics(self) -> None:
        self.app.push_screen(EpicsScreen(self.desk))

    def action_agenda(self) -> None:
        """`A`: the call's agenda over this board; its moves come back here (see :class:`AgendaScreen`)."""
        if self.board_id is None:
            return
        from supportdesk_tui.screens.boards.agenda import AgendaScreen

        self.app.push_screen(AgendaScreen(self.desk, self, self.service.customers[self._index].name))

    @on(KanbanBoard.CardChosen)
    def _open(self, event: KanbanBoard.CardChosen) -> None:
        board = self.shown_board()
        card = next((c for c in board.cards if c.id == event.card_id), None) if board else None
        if card is not None and board is not None:
            lst = next((x.name for x in board.lists if x.id == card.list_id), "")
            customer = self.service.customer_for(card.board_id) or board.name
            self.app.push_screen(CardDetailScreen(self.desk, card, customer, lst))

    def action_filter(self) -> None:
        self.query_one("#filter", FilterBox).open()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", FilterBox).close(clear=True)
        self.query_one(KanbanBoard).focus_column(self.query_one(KanbanBoard).current_column)

    @on(Input.Changed, "#filter")
    async def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        await self._redraw()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if not self._filter:
            self.query_one("#filter", FilterBox).close()
        kanban = self.query_one(KanbanBoard)
        kanban.focus_column(kanban.current_column)

    def action_impediment(self) -> None:
        """`!`: flag an impediment on the card (the Standup screen's key, here for the card at hand)."""
        card = self.current_card()
        if card is None:
            return
        standup = self.desk.services.standup
        target = standup.target_for(self._board_card(card.id) or card)
        if is_blocked(card):
            self._write_impediment(target, None, "")
            return

        def flag(reason: str | None) -> None:
            if reason:
                self._write_impediment(target, reason, standup.me())

        self.app.push_screen(ImpedimentDialog(card.name, standup.me()), flag)

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def _write_impediment(self, target: ImpedimentTarget, reason: str | None, developer: str) -> None:
        standup = self.desk.services.standup
        outcome = await (standup.flag(target, reason, developer) if reason else standup.clear(target))
        self.post_message(WriteFinished(outcome, None, outcome.confirmation))

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Next customer", "The next customer's board (])", lambda: self.run_action("customer(1)"))
        yield SystemCommand("Previous customer", "The previous customer's board ([)",
                            lambda: self.run_action("customer(-1)"))
        yield SystemCommand("Support Epics", "The epics board and its sync status (e)", self.action_epics)
        yield SystemCommand("Call agenda", "The agenda for this customer's call (A)", self.action_agenda)
        yield SystemCommand("Done", "Move the card to Done and tell the customer (d)", self.action_done)
        yield SystemCommand("Filter cards", "Filter the board by text (/)", self.action_filter)


def _haystack(card: Card) -> str:
    return " ".join([card.name, card.desc, *(lb.name for lb in card.labels),
                     *(m.username for m in card.members), *(m.full_name for m in card.members)]).casefold()
