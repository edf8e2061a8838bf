"""The small dialogs behind the triage keys: backlog, close as fixed, private note, urgent reason (the
shared one-line reason dialog, in the Inbox's words).

They only gather and check input (a customer with a board, a title, a reason) and return a choice;
the Inbox runs the action. Ticket text is user input, so everything shown goes in as ``Text``
(never parsed as markup). Every dialog confirms with one key and cancels with ``escape``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.screens.reason import ReasonDialog


@dataclass(frozen=True, slots=True)
class BacklogChoice:
    customer: str
    title: str
    remember_domain: str | None = None  # the user agreed to write it into the config


@dataclass(frozen=True, slots=True)
class CloseChoice:
    reply: str | None  # None: close without a reply


SHORT_ROWS = 34  # below this many terminal rows the backlog dialog packs itself tighter


class SpaceCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox that `space` ticks, leaving `enter` to the dialog (which confirms): `b` `enter` must
    backlog wherever the focus happens to be."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "Toggle", show=False),
    ]


class _Dialog(ModalScreen[object]):
    CSS_PATH = "triage_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, text: str) -> None:
        box = self.query_one("#error", Static)
        box.update(Text(text))
        box.add_class("-shown")


class BacklogDialog(_Dialog):
    """Customer (pre-selected from the sender's domain; type to pick another), card title, description preview."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Backlog", id="backlog.confirm", priority=True),
        Binding("enter", "confirm", "Backlog", show=False),
        Binding("down", "customer(1)", "Next customer", show=False, id="backlog.next"),
        Binding("up", "customer(-1)", "Previous customer", show=False, id="backlog.previous"),
    ]

    def __init__(self, ticket: Ticket, customers: tuple[Customer, ...], suggested: Customer | None, *,
                 describe: Callable[[Customer], str], board_problem: Callable[[Customer], str | None],
                 list_name: str, config_path: str, unmapped_domain: str | None) -> None:
        super().__init__()
        self.ticket = ticket
        self.customers = customers
        self.suggested = suggested
        self.describe = describe
        self.board_problem = board_problem
        self.list_name = list_name
        self.config_path = config_path
        self.unmapped_domain = unmapped_domain
        self._shown: list[Customer] = []

    def compose(self) -> ComposeResult:
        t = self.ticket
        with Vertical(id="dialog"):
            yield Static(Text(f"Backlog #{t.number} to Trello", style="bold"), classes="heading")
            sender = t.customer_email or "no sender"
            known = f"{self.suggested.name} (from {t.customer_domain})" if self.suggested else \
                f"none: {sender} is not a known customer's address"
            yield Label(Text(f"Customer: {known}. Type to pick another, ↑/↓ to move."))
            yield Input(placeholder="type a customer's name", id="customer-filter")
            yield OptionList(id="customers")
            if self.unmapped_domain:
                yield SpaceCheckbox(self._remember_label(False), id="remember")
            yield Label("Card title")
            yield Input(value=t.title, placeholder="the card's title (required)", id="title")
            yield Static(id="preview")
            yield Static(id="error")
            yield Static(Text("enter backlog · tab next field · escape cancel", style="dim"), classes="hint")

    def on_mount(self) -> None:
        self._fit()
        self._fill("")
        self.query_one("#customer-filter", Input).focus()

    def _remember_label(self, ticked: bool) -> str:
        """The box's state in words, not only as a glyph (and the file it would write to)."""
        name = self.config_path.rsplit("/", 1)[-1]
        if ticked:
            return f"Remember {self.unmapped_domain} for this customer? YES, written to {name} (space: no)"
        return f"Remember {self.unmapped_domain} for this customer? no, nothing written (space: yes)"

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """On a short terminal (24 rows) the fields go borderless and the lists shorter, so the preview
        and the hint stay on screen."""
        self.query_one("#dialog").set_class(self.app.size.height < SHORT_ROWS, "-short")

    @on(Checkbox.Changed, "#remember")
    def _remember_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = self._remember_label(event.value)

    def _fill(self, needle: str) -> None:
        wanted = needle.strip().casefold()
        self._shown = [c for c in self.customers if wanted in c.name.casefold()
                       or any(wanted in d for d in c.email_domains)]
        options = self.query_one("#customers", OptionList)
        options.clear_options()
        options.add_options([Option(Text(c.name + ("" if c.trello_board.strip() else "  (no board)")))
                             for c in self._shown])
        # typed: the first match; not typed: the sender's customer, or nobody (never a silent guess)
        index: int | None = 0 if wanted else None
        if not wanted and self.suggested is not None and self.suggested in self._shown:
            index = self._shown.index(self.suggested)
        options.highlighted = index if self._shown else None
        self._preview()

    def chosen(self) -> Customer | None:
        index = self.query_one("#customers", OptionList).highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        return self._shown[index]

    def _preview(self) -> None:
        customer = self.chosen()
        preview = self.query_one("#preview", Static)
        if customer is None:
            preview.update(Text("No customer chosen yet.", style="italic"))
            return
        title = self.query_one("#title", Input).value.strip() or "(no title yet)"
        body = Text(f"Card \"{title}\" in {customer.name} › {self.list_name}\n", style="bold")
        body.append(self.describe(customer), style="")
        preview.update(body)

    @on(Input.Changed, "#customer-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Changed, "#title")
    def _title(self) -> None:
        self._preview()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._preview()

    def action_customer(self, step: int) -> None:
        options = self.query_one("#customers", OptionList)
        if not self._shown:
            return
        current = options.highlighted if options.highlighted is not None else -step
        options.highlighted = max(0, min(len(self._shown) - 1, current + step))

    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def _submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        customer = self.chosen()
        if customer is None:
            typed = self.query_one("#customer-filter", Input).value.strip()
            self._error("Pick a customer: none matches what you typed." if typed else
                        f"Pick a customer for {self.ticket.customer_email or 'this ticket'}: type part of a name, "
                        "or use ↓.")
            return
        problem = self.board_problem(customer)
        if problem is not None:
            self._error(problem)
            return
        title = " ".join(self.query_one("#title", Input).value.split())
        if not title:
            self._error("The card needs a title: type one (this ticket has no subject).")
            self.query_one("#title", Input).focus()
            return
        remember = None
        if self.unmapped_domain and self.query_one("#remember", Checkbox).value:
            remember = self.unmapped_domain
        self.dismiss(BacklogChoice(customer.name, title, remember))


class CloseDialog(_Dialog):
    """Close as fixed, with an optional public reply: editable, previewed as the customer will read it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Close ticket", id="close.confirm", priority=True),
    ]

    def __init__(self, ticket: Ticket, draft: str) -> None:
        super().__init__()
        self.ticket = ticket
        self.draft = draft

    def compose(self) -> ComposeResult:
        t = self.ticket
        with Vertical(id="dialog"):
            yield Static(Text(f"Close #{t.number} as fixed: {t.title}", style="bold"), classes="heading")
            yield Checkbox(f"Send this reply to {t.customer_email or 'the customer'}", value=True, id="send")
            yield TextArea(self.draft, id="reply", soft_wrap=True)
            yield Label("Preview: what the customer receives", classes="preview-label")
            yield Static(id="preview")
            yield Static(id="error")
            yield Static(Text("ctrl+s close the ticket · tab next field · escape cancel", style="dim"),
                         classes="hint")

    def on_mount(self) -> None:
        self._preview()
        self.query_one("#reply", TextArea).focus()

    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _preview(self) -> None:
        send = self.query_one("#send", Checkbox).value
        text = self.query_one("#reply", TextArea).text.strip()
        preview = self.query_one("#preview", Static)
        if not send:
            preview.update(Text("No reply: the ticket is closed quietly.", style="italic"))
        else:
            preview.update(Text(text or "(empty)"))

    def action_confirm(self) -> None:
        send = self.query_one("#send", Checkbox).value
        text = self.query_one("#reply", TextArea).text.strip()
        if send and not text:
            self._error("The reply is empty: write one, or untick \"Send this reply\" to close without one.")
            return
        self.dismiss(CloseChoice(text if send else None))


class NoteDialog(_Dialog):
    """A private note (agents only see it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Add note", id="note.confirm", priority=True),
    ]

    def __init__(self, ticket: Ticket) -> None:
        super().__init__()
        self.ticket = ticket

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"Private note on #{self.ticket.number}: {self.ticket.title}", style="bold"),
                         classes="heading")
            yield TextArea("", id="text", soft_wrap=True)
            yield Static(id="error")
            yield Static(Text("ctrl+s add the note · escape cancel · only agents see it", style="dim"),
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).focus()

    def action_confirm(self) -> None:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            self._error("The note is empty.")
            return
        self.dismiss(text)


class UrgentDialog(ReasonDialog):
    """Urgent: one line saying how it hurts the customer's business (kept as a private note)."""

    CSS_PATH = "triage_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(f"Urgent #{ticket.number}: {ticket.title}",
                         "Why does it hurt the customer's business? (one line, kept as a private note)",
                         placeholder="e.g. no orders can be placed since 9:00", confirm="mark urgent",
                         empty="Say in a few words why it is urgent.")
        self.ticket = ticket
