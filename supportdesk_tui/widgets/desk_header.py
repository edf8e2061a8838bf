"""The one-line header every screen shows: where you are, who is on triage, counts and sync age."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class DeskHeader(Static):
    """A single status line; screens set ``left`` and ``right`` and it re-renders only on change."""

    left: reactive[str] = reactive("")
    right: reactive[str] = reactive("")

    def render(self) -> Text:
        """``left`` gives way first on a narrow terminal: ``right`` holds the state of things (counts,
        breaches, last sync, offline), which must stay readable."""
        if not self.right:
            return Text(self.left, no_wrap=True, overflow="ellipsis")
        right = Text(self.right)
        left = Text(self.left)
        room = self.content_size.width - right.cell_len - 2
        if left.cell_len > room:
            left.truncate(max(room, 0), overflow="ellipsis")
        return Text.assemble(left, "  " if left.cell_len else "", right, no_wrap=True, overflow="ellipsis")

    def watch_left(self) -> None:
        self.refresh()

    def watch_right(self) -> None:
        self.refresh()
