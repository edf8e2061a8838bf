"""Planning: developers against days for one ISO week (being built; see issue 6)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from supportdesk_tui.widgets.desk_header import DeskHeader


class PlanningScreen(Screen[None]):
    HELP = "## Planning\nThe Monday planning grid will show here."

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("No plan yet: the Planning screen is not built in this version."), id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).left = "Planning"
