"""The `/` filter line shared by the Inbox and the Boards: hidden until asked for, cleared by escape."""

from __future__ import annotations

from textual.widgets import Input


class FilterBox(Input):
    DEFAULT_CSS = """
    FilterBox { display: none; height: 3; }
    FilterBox.-shown { display: block; }
    """

    def open(self) -> None:
        self.add_class("-shown")
        self.focus()

    def close(self, *, clear: bool = False) -> None:
        """Hide the box (keeping its text as the active filter unless ``clear``)."""
        if clear:
            self.value = ""
        self.remove_class("-shown")

    @property
    def text(self) -> str:
        return self.value.strip()
