"""A Trello board as columns of cards, keyboard first, that keeps the cursor on its card across refreshes.

Each column is an :class:`OptionList` keyed by card id; the column's name and count sit in its border.
:meth:`KanbanBoard.show` diffs per column and puts the cursor back on the card it was on, following that
card into another column if it moved there (a refresh, someone else's move, or our own optimistic one).
Card names, labels and members are written by anyone on the board, so prompts are ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.impediments import BLOCKED_GLYPH, is_blocked

# Trello's label colours as terminal colours (a word shows as well: colour is never the only signal).
LABEL_STYLES = {"green": "green", "yellow": "yellow", "orange": "dark_orange", "red": "red", "purple": "magenta",
                "blue": "blue", "sky": "cyan", "lime": "bright_green", "pink": "hot_pink", "black": "bright_black"}


@dataclass(frozen=True, slots=True)
class Column:
    """What one column shows: a list (``list_id`` empty when the board lacks it) and its cards in order."""

    list_id: str
    title: str
    cards: Sequence[Card]
    total: int | None = None  # cards before filtering, shown as "3/7" when it differs


def card_prompt(card: Card, *, due: str = "", badge: str = "") -> Text:
    """Name on the first line; labels, members, due date and a badge (e.g. a ticket) dimmed below."""
    text = Text(style="bold")
    if is_blocked(card):
        text.append(f"{BLOCKED_GLYPH} BLOCKED ", style="red")
    text.append(card.name or "(no name)")
    details = Text()
    for label in card.labels:
        details.append(f"■ {label.name or label.color or 'label'}", style=LABEL_STYLES.get(label.color or "", ""))
        details.append(" ")
    for member in card.members:
        details.append(f"@{member.username or member.initials or '?'} ", style="dim")
    if due:
        details.append(f"⏰ {due} ", style="dim")
    if badge:
        details.append(badge, style="dim italic")
    if details.plain.strip():
        text.append("\n")
        text.append_text(details)
    return text


class CardList(OptionList):
    """One list's cards."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="boards.nav.down"),
        Binding("k", "cursor_up", "Up", show=False, id="boards.nav.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.list_id = ""
        self._shown: list[tuple[str, str]] = []  # (card id, prompt text): skip work when nothing changed

    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def card_ids(self) -> list[str]:
        return [cid for cid, _ in self._shown]

    def show(self, column: Column, prompts: Sequence[Text]) -> None:
        """Replace the cards, keeping the highlight on the same card (or the same place if it left)."""
        self.list_id = column.list_id
        count = f"{len(column.cards)}" if column.total in (None, len(column.cards)) else \
            f"{len(column.cards)}/{column.total}"
        self.border_title = Text(f"{column.title} · {count}")
        wanted = [(card.id, prompt.plain + str(prompt.spans)) for card, prompt in zip(column.cards, prompts,
                                                                                       strict=True)]
        if wanted == self._shown:
            return
        keep, index, scroll = self.current_id(), self.highlighted, self.scroll_y
        options: list[Option | None] = []
        for card, prompt in zip(column.cards, prompts, strict=True):
            options += [Option(prompt, id=card.id), None]  # None: a thin rule between cards
        self.set_options(options[:-1])
        self._shown = wanted
        ids = self.card_ids()
        if keep in ids:
            self.highlighted = ids.index(keep)
        elif ids:
            self.highlighted = min(index or 0, len(ids) - 1)
        self.scroll_to(y=scroll, animate=False, immediate=True)
        self.scroll_to_highlight()

    def select_card(self, card_id: str) -> bool:
        ids = self.card_ids()
        if card_id not in ids:
            return False
        self.highlighted = ids.index(card_id)
        return True


class KanbanBoard(Horizontal):
    """Columns side by side; left/right (or h/l) move between them, up/down (or j/k) within one."""

    DEFAULT_CSS = """
    KanbanBoard { height: 1fr; }
    KanbanBoard CardList { width: 1fr; height: 1fr; border: round $panel-lighten-2; border-title-color: $text;
        padding: 0 0; }
    KanbanBoard CardList:focus { border: round $accent; border-title-style: bold; }
    KanbanBoard CardList > .option-list--option { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "column(-1)", "Left", show=False, id="boards.nav.left"),
        Binding("right,l", "column(1)", "Right", show=False, id="boards.nav.right"),
    ]

    class CardChosen(Message):
        """Enter on a card."""

        def __init__(self, card_id: str) -> None:
            super().__init__()
            self.card_id = card_id

    def __init__(self, prompt: Callable[[Card], Text] = card_prompt, *, columns: int = 0,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._prompt = prompt
        self._initial = columns  # composed up front when known: mounting later costs a second layout pass
        self._column = 0  # the column the cursor is in, remembered while focus is elsewhere (a filter box)

    def compose(self) -> ComposeResult:
        for _ in range(self._initial):
            yield CardList()

    @property
    def columns(self) -> list[CardList]:
        return list(self.query_children(CardList))

    @property
    def current_column(self) -> int:
        return self._column

    def current_card_id(self) -> str | None:
        columns = self.columns
        return columns[self._column].current_id() if 0 <= self._column < len(columns) else None

    async def show(self, columns: Sequence[Column]) -> None:
        """Show these columns; the cursor stays on its card, following it if it changed column."""
        keep = self.current_card_id()
        if len(self.columns) != len(columns):
            had_focus = self.has_focus_within
            await self.remove_children()
            await self.mount_all(CardList() for _ in columns)
            self._column = min(self._column, max(0, len(columns) - 1))
            if had_focus:
                self.focus_column(self._column)
        with self.app.batch_update():
            for widget, column in zip(self.columns, columns, strict=True):
                widget.show(column, [self._prompt(card) for card in column.cards])
            if keep is not None:
                self.focus_card(keep, focus=self.has_focus_within)

    def focus_card(self, card_id: str, *, focus: bool = True) -> bool:
        """Put the cursor on a card wherever it is; False when it is not shown."""
        for index, widget in enumerate(self.columns):
            if widget.select_card(card_id):
                self._column = index
                if focus and self.screen.focused is not widget:  # each focus change re-renders the footer
                    widget.focus()
                return True
        return False

    def focus_column(self, index: int) -> None:
        columns = self.columns
        if columns:
            self._column = max(0, min(index, len(columns) - 1))
            columns[self._column].focus()

    def action_column(self, delta: int) -> None:
        self.focus_column(self._column + delta)

    def on_descendant_focus(self, event: object) -> None:
        focused = self.screen.focused
        for index, widget in enumerate(self.columns):
            if widget is focused:
                self._column = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.CardChosen(event.option.id))
