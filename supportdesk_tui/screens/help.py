"""`?`: the current screen's keys as they are bound now (custom keys included), plus its notes."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static


def bindings_table(screen: Screen[object]) -> Table:
    """Read the live bindings (after ``set_keymap``), never a hard-coded list."""
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    table.add_column("Key", no_wrap=True)
    table.add_column("Does")
    table.add_column("Id", style="dim")
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id and not binding.show:
            continue  # generic widget keys (scrolling, copy) would drown the screen's own
        label = binding.key_display or screen.app.get_key_display(binding)
        ident = (label, binding.action)
        if ident in seen:
            continue
        seen.add(ident)
        table.add_row(Text(label), Text(binding.tooltip or binding.description or binding.action),
                      Text(binding.id or ""))
        del key
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 85%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, of_screen: Screen[object], extra: str = "") -> None:
        super().__init__()
        self._table = bindings_table(of_screen)
        self._help = (of_screen.HELP or "").strip()
        self._extra = extra

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            if self._help:
                yield Markdown(self._help)
            yield Static(Text("Keys on this screen (as bound now)", style="bold"))
            yield Static(self._table)
            if self._extra:
                yield Markdown(self._extra)
            yield Static(Text("escape closes this help", style="dim"))
