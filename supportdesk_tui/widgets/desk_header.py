"""The one-line header every screen shows: where you are, who is on triage, counts and sync age."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


def triage_words(pair: tuple[str, ...], *, unset: str = "not set", as_of: str = "") -> str:
    """Who is on triage, as every header says it: ``triage: ana + ben`` (``unset`` when nobody is), with
    ``as_of`` after it when the pair is a plan's that could not be checked (``as of 10:02 (Trello not
    reachable)``, the words the Planning header gives its plan)."""
    return f"triage: {' + '.join(pair) or unset}" + (f" {as_of}" if as_of else "")


class DeskHeader(Static):
    """A single status line; screens set ``left`` and ``right`` and it re-renders only on change."""

    DEFAULT_CSS = """
    DeskHeader { height: 1; padding: 0 1; background: $panel; color: $text; }
    """

    left: reactive[str] = reactive("")
    right: reactive[str] = reactive("")
    right_short: reactive[str] = reactive("")
    """Optional: ``right`` said in fewer cells, used when ``left`` would not fit whole beside ``right``."""

    def render(self) -> Text:
        """``left`` gives way first on a narrow terminal: ``right`` holds the state of things (counts,
        breaches, last sync, offline), which must stay readable. Where ``left`` (the screen, the week, who
        is on triage) would be cut, ``right_short`` says the same state in fewer cells."""
        if not self.right:
            return Text(self.left, no_wrap=True, overflow="ellipsis")
        width = self.content_size.width
        right = Text(self.right)
        left = Text(self.left)
        if self.right_short and width - right.cell_len - 2 < left.cell_len:
            right = Text(self.right_short)
        room = width - right.cell_len - 2
        if left.cell_len > room:
            left.truncate(max(room, 0), overflow="ellipsis")
        return Text.assemble(left, "  " if left.cell_len else "", right, no_wrap=True, overflow="ellipsis")

    def watch_left(self) -> None:
        self.refresh()

    def watch_right(self) -> None:
        self.refresh()

    def watch_right_short(self) -> None:
        self.refresh()
