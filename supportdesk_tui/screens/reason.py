"""The one-line reason dialog: asked by the Inbox's `u` (why a ticket is urgent) and by `!` on the
Standup and Boards screens (why a card is blocked). Each caller brings its own words."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


def one_line(text: str) -> str:
    """White space folded: what the person typed, as one line."""
    return " ".join(text.split())


class ReasonDialog(ModalScreen[str | None]):
    """Ask for one line; dismissed with it (cleaned by ``clean``) or None. An empty answer is refused in
    the dialog with ``empty``, so the caller never gets a blank reason. Subclasses bind `escape` to
    ``cancel`` under their own binding id (the keymap names it)."""

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog #dialog { width: 80; max-width: 95%; height: auto; border: round $warning;
        background: $surface; padding: 1 2; }
    ReasonDialog .heading { margin-bottom: 1; }
    ReasonDialog #error { color: $error; display: none; }
    ReasonDialog #error.-shown { display: block; }
    ReasonDialog .hint { margin-top: 1; }
    """

    def __init__(self, heading: str, question: str, *, placeholder: str, confirm: str, empty: str,
                 clean: Callable[[str], str] = one_line) -> None:
        super().__init__()
        self.heading, self.question, self.placeholder = heading, question, placeholder
        self.confirm_words, self.empty, self.clean = confirm, empty, clean

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="heading")
            yield Label(self.question)
            yield Input(placeholder=self.placeholder, id="reason")
            yield Static(id="error")
            yield Static(Text(f"enter {self.confirm_words} · escape cancel", style="dim"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def action_confirm(self) -> None:
        reason = self.clean(self.query_one("#reason", Input).value)
        if not reason:
            box = self.query_one("#error", Static)
            box.update(Text(self.empty))
            box.add_class("-shown")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
