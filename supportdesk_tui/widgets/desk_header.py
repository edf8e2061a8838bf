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
        return Text(f"{self.left}  {self.right}" if self.right else self.left, no_wrap=True, overflow="ellipsis")

    def watch_left(self) -> None:
        self.refresh()

    def watch_right(self) -> None:
        self.refresh()
