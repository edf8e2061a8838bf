"""The one-line reason an impediment is flagged with (the Standup and Boards screens both ask it)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from supportdesk_tui.domain.impediments import clean_reason


class ImpedimentDialog(ModalScreen[str | None]):
    """Ask why the card is blocked; dismissed with the reason (one line) or None."""

    DEFAULT_CSS = """
    ImpedimentDialog { align: center middle; }
    ImpedimentDialog #dialog { width: 80; max-width: 95%; height: auto; border: round $warning;
        background: $surface; padding: 1 2; }
    ImpedimentDialog .heading { margin-bottom: 1; }
    ImpedimentDialog #error { color: $error; display: none; }
    ImpedimentDialog #error.-shown { display: block; }
    ImpedimentDialog .hint { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="impediment.cancel"),
    ]

    def __init__(self, card_name: str, developer: str) -> None:
        super().__init__()
        self.card_name, self.developer = card_name, developer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"Impediment on “{self.card_name}”", style="bold"), classes="heading")
            yield Label(f"What blocks it? (one line; labelled Blocked and commented as {self.developer or 'you'})")
            yield Input(placeholder="e.g. waiting for the customer's test account", id="reason")
            yield Static(id="error")
            yield Static(Text("enter flag it · escape cancel", style="dim"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def confirm(self) -> None:
        reason = clean_reason(self.query_one("#reason", Input).value)
        if not reason:
            box = self.query_one("#error", Static)
            box.update(Text("Say in a few words what blocks the card."))
            box.add_class("-shown")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
