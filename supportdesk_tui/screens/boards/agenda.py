"""The agenda for a customer's call, opened with `A` over their board.

The agenda reads like the call's notes (finished work, New Issues waiting, Up next against the days
agreed, the SLA since the last call, tickets open now). During the call the lead moves cards between
New Issues and Up next with the usual Boards keys (`shift+right` / `shift+left`, remapped with the
Boards ids); each move is the same journaled move the board makes, and the running total of Up next
against the commitment is worked out again at once, in words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.agenda import Agenda, AgendaCard, render_agenda, up_next_words
from supportdesk_tui.domain.boards import Board, Card
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.widgets.desk_footer import DeskFooter
from supportdesk_tui.widgets.desk_header import DeskHeader


class BoardBehind(Protocol):
    """What the agenda asks of the Boards screen under it (a Protocol, so the two modules do not import each
    other): the board as shown, and a reload after a move."""

    def shown_board(self) -> Board | None: ...

    def refresh_board(self) -> object: ...

NEW, UP = "new", "up"


class AgendaLoaded(Message):
    def __init__(self, agenda: Agenda, board: Board) -> None:
        super().__init__()
        self.agenda, self.board = agenda, board


class MoveDone(Message):
    def __init__(self, card_id: str, was: str, outcome: Outcome) -> None:
        super().__init__()
        self.card_id, self.was, self.outcome = card_id, was, outcome


class AgendaScreen(DeskScreen):
    DEFAULT_CSS = """
    AgendaScreen #total { text-style: bold; padding: 0 1; }
    AgendaScreen #cards { height: auto; max-height: 14; margin: 0 1; }
    AgendaScreen VerticalScroll { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+right", "move(1)", "To Up next", id="boards.move_right",
                tooltip="Move the card from New Issues to Up next"),
        Binding("shift+left", "move(-1)", "To New Issues", id="boards.move_left",
                tooltip="Move the card from Up next back to New Issues"),
        Binding("escape", "back", "Back", id="boards.agenda.back", tooltip="Back to the board"),
        Binding("c", "copy", "Copy", id="boards.agenda.copy", tooltip="Copy the agenda as Markdown"),
    ]
    HELP = """
## The call's agenda
Since the last call: finished cards, New Issues waiting, Up next against the days agreed, SLA figures and
the tickets open now.

- `↑` `↓`: choose a card of New Issues or Up next
- `shift+right` / `shift+left`: move it to Up next / back to New Issues (the running total follows)
- `c`: copy the agenda as Markdown; `escape`: back to the board
"""

    def __init__(self, desk: Desk, boards: BoardBehind | None, customer: str) -> None:
        super().__init__(desk)
        self.boards = boards
        self.customer = customer
        self.agenda: Agenda | None = None
        self._board: Board | None = None
        self._cards: dict[str, AgendaCard] = {}
        self._where: dict[str, str] = {}  # card id -> NEW or UP, as shown (moves applied at once)
        self._order: list[str] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield Static(Text("Loading the agenda…"), id="total")
        yield OptionList(id="cards")
        with VerticalScroll():
            yield Static(id="agenda")
        yield DeskFooter()

    def on_mount(self) -> None:
        header = self.query_one(DeskHeader)
        header.left = f"Call agenda · {self.customer}"
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(group="agenda-load", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        services = self.desk.services
        customer = services.call.agendas.customer(self.customer)
        board = self.boards.shown_board() if self.boards is not None else None
        if board is None:
            board = (await services.boards.refresh(customer.trello_board)).board
        agenda = await services.call.agenda(self.customer, board)
        self.post_message(AgendaLoaded(agenda, board))

    def on_agenda_loaded(self, message: AgendaLoaded) -> None:
        agenda, board = message.agenda, message.board
        lists = self.desk.settings.trello.lists
        new, up = board.list_named(lists.new), board.list_named(lists.up_next)
        new_cards = board.cards_in(new.id) if new else ()
        up_cards = board.cards_in(up.id) if up else ()
        self.agenda, self._board = agenda, board
        by_id = {a.card_id: a for a in (*agenda.waiting, *agenda.up_next)}
        self._cards = {c.id: by_id[c.id] for c in (*new_cards, *up_cards) if c.id in by_id}
        self._where = {**{c.id: NEW for c in new_cards}, **{c.id: UP for c in up_cards}}
        self._order = [c.id for c in (*new_cards, *up_cards)]
        self.query_one(DeskHeader).right = f"· since {agenda.last_call:%a %d %b} · {agenda.next_call_words}"
        self._show()

    def current_agenda(self) -> Agenda | None:
        """The agenda as shown: Up next and New Issues as moved during the call."""
        if self.agenda is None:
            return None
        ordered = [i for i in self._order if i in self._cards]
        return replace(self.agenda, waiting=tuple(self._cards[i] for i in ordered if self._where[i] == NEW),
                       up_next=tuple(self._cards[i] for i in ordered if self._where[i] == UP))

    def total_words(self) -> str:
        agenda = self.current_agenda()
        if agenda is None:
            return ""
        return up_next_words([c.estimate_half_days for c in agenda.up_next], agenda.agreed_days)

    def _show(self) -> None:
        agenda = self.current_agenda()
        if agenda is None:
            return
        self.query_one("#total", Static).update(Text(self.total_words()))
        options = self.query_one("#cards", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for card_id in self._order:
            card = self._cards.get(card_id)
            if card is None:
                continue
            where = "Up next   " if self._where[card_id] == UP else "New Issues"
            est = f" ({card.estimate_half_days / 2:g} d)" if card.estimate_half_days is not None else ""
            options.add_option(Option(Text(f"{where} · {card.name}{est}"), id=card_id))
        if self._order:
            options.highlighted = min(highlighted or 0, len(self._order) - 1)
        self.query_one("#agenda", Static).update(Text(render_agenda(agenda, markdown=False)))

    def _selected(self) -> str | None:
        options = self.query_one("#cards", OptionList)
        at = options.highlighted
        if at is None:
            return None
        option = options.get_option_at_index(at)
        return option.id

    def action_move(self, delta: int) -> None:
        card_id = self._selected()
        board = self._board
        if card_id is None or board is None:
            return
        was = self._where[card_id]
        to = UP if delta > 0 else NEW
        if was == to:
            self.app.bell()
            return
        lists = self.desk.settings.trello.lists
        target = board.list_named(lists.up_next if to == UP else lists.new)
        card = next((c for c in board.cards if c.id == card_id), None)
        if target is None or card is None:
            self.app.bell()
            return
        self._where[card_id] = to
        self._show()
        self._write(card, target.id, was)

    @work(group="agenda-write", exit_on_error=False)
    async def _write(self, card: Card, list_id: str, was: str) -> None:
        outcome = await self.desk.services.boards.move_card(card, list_id)
        self.post_message(MoveDone(card.id, was, outcome))

    def on_move_done(self, message: MoveDone) -> None:
        outcome = message.outcome
        self.notify_outcome(outcome, undone="The card is back where it was.")
        if outcome.status is JournalStatus.FAILED:
            self._where[message.card_id] = message.was
            self._show()
        if self.boards is not None:
            self.boards.refresh_board()  # the board underneath catches up (and makes the epics copy)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = describe_error(event.worker.error or RuntimeError("unknown error"))
            if event.worker.group == "agenda-load":
                self.query_one("#total", Static).update(Text(f"Could not build the agenda: {error}"))
            else:
                self.notify(f"Could not do that: {error}", severity="error", markup=False)

    @on(OptionList.OptionSelected, "#cards")
    def _chosen(self) -> None:
        """`enter` on a card moves it across (New Issues <-> Up next)."""
        card_id = self._selected()
        if card_id is not None:
            self.action_move(1 if self._where.get(card_id) == NEW else -1)

    def action_copy(self) -> None:
        agenda = self.current_agenda()
        if agenda is not None:
            self.app.copy_to_clipboard(render_agenda(agenda))
            self.notify(f"Copied the agenda (also: supportdesk agenda \"{self.customer}\").", markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Copy agenda", "Copy the agenda as Markdown (c)", self.action_copy)
