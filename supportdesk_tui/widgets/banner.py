"""A banner for trouble: hidden when all is well, shown with plain words when it is not."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class Banner(Static):
    DEFAULT_CSS = """
    Banner { display: none; height: auto; padding: 0 1; background: $error 30%; color: $text; }
    Banner.-shown { display: block; }
    Banner.-info { background: $warning 25%; }
    """

    def show(self, text: str, *, info: bool = False) -> None:
        self.update(Text(text))  # error text may quote a server body: never markup
        self.set_class(info, "-info")
        self.add_class("-shown")

    def hide(self) -> None:
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")
