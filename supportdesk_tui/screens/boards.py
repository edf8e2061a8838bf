"""Boards: each customer's Trello board as a kanban (being built; see issue 4)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from supportdesk_tui.widgets.desk_header import DeskHeader


class BoardsScreen(Screen[None]):
    HELP = "## Boards\nThe customers' Trello boards will show here."

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("No board data yet: the Boards screen is not built in this version."), id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).left = "Boards"
