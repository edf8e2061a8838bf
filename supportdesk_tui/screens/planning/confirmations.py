"""Planning's `o`: each customer's confirmation, previewed, then sent as its own Groove ticket or copied.

The ticket goes to the customer's ``contact``; with more than one address known (the contact first, then
the customer's recent senders) the person picks one before the usual yes/no question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.domain.plan_export import confirmation_text, planned_cards
from supportdesk_tui.domain.planning import Plan, WorkItem
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.errors import describe_error
from supportdesk_tui.screens.planning.dialogs import DIALOG_CSS
from supportdesk_tui.services.call.confirm import ConfirmationTickets, TicketDraft, confirmation_subject
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.services.planning.service import PlanningService


class DraftsLoaded(Message):
    def __init__(self, drafts: list[TicketDraft]) -> None:
        super().__init__()
        self.drafts = drafts


class ConfirmationSent(Message):
    def __init__(self, customer: str, outcome: Outcome | str) -> None:
        super().__init__()
        self.customer = customer
        self.outcome = outcome


class AddressPicker(ModalScreen[str | None]):
    """Which address the confirmation goes to: the contact first, then the customer's recent senders."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AddressPicker")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="planning.confirm.address.cancel"),
    ]

    def __init__(self, draft: TicketDraft) -> None:
        super().__init__()
        self._draft = draft

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Send {self._draft.customer}'s confirmation to:"), classes="title")
            yield OptionList(*[Option(Text(a + ("  (contact)" if i == 0 and self._draft.contact_set else "")), id=a)
                               for i, a in enumerate(self._draft.addresses)], id="addresses")
            yield Static(Text("↑↓ address · enter choose · escape cancel"), classes="keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected, "#addresses")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmationsScreen(ModalScreen[None]):
    """Each customer's confirmation: read it, then send it as a new ticket or copy it."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmationsScreen") + """
    ConfirmationsScreen Horizontal { height: auto; max-height: 30; }
    ConfirmationsScreen #customers { width: 30; max-height: 30; }
    ConfirmationsScreen VerticalScroll { width: 1fr; height: auto; max-height: 30; padding: 0 1; }
    ConfirmationsScreen #where { text-style: bold; padding: 0 0 1 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="planning.confirm.close"),
        Binding("s", "send", "Send", id="planning.confirm.send",
                tooltip="Send as a new Groove ticket to the customer's contact"),
        Binding("c", "copy", "Copy", id="planning.confirm.copy", tooltip="Copy this confirmation"),
        Binding("a", "copy_all", "Copy all", id="planning.confirm.copy_all",
                tooltip="Copy the whole week as Markdown (as plan export prints it)"),
    ]

    def __init__(self, service: PlanningService, plan: Plan, pool: Sequence[WorkItem],
                 sender: ConfirmationTickets) -> None:
        super().__init__()
        self._service = service
        self._sender = sender
        self._plan = plan
        self._pool = tuple(pool)
        names = list(dict.fromkeys(c.item.customer for c in planned_cards(plan, self._pool)))
        order = {c.name: i for i, c in enumerate(service.settings.customers)}
        names.sort(key=lambda n: (order.get(n, len(order)), n))
        self._drafts = [TicketDraft(n, confirmation_text(plan, self._pool, n), problem="Looking up their addresses…")
                        for n in names]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Confirmations for {self._plan.week} ({self._plan.week.span_text()}), each as a new "
                              f"ticket “{confirmation_subject(self._plan.week)}”"), classes="title")
            with Horizontal():
                yield OptionList(*[Option(d.customer, id=d.customer) for d in self._drafts], id="customers")
                with VerticalScroll():
                    yield Static(id="where")
                    yield Static(id="text")
            yield Static(Text("↑↓ customer · s send · c copy · a copy all as Markdown · escape close"),
                         classes="keys")

    def on_mount(self) -> None:
        options = self.query_one("#customers", OptionList)
        if self._drafts:
            options.highlighted = 0
        self._show()
        self.load_drafts()

    @property
    def current(self) -> TicketDraft | None:
        at = self.query_one("#customers", OptionList).highlighted
        return self._drafts[at] if at is not None and at < len(self._drafts) else None

    def _show(self) -> None:
        draft = self.current
        where = self.query_one("#where", Static)
        text = self.query_one("#text", Static)
        if draft is None:
            where.update(Text("No customer has work planned this week, so there is nothing to confirm."))
            text.update("")
            return
        where.update(Text(draft.where(self._plan.week)))
        text.update(Text(draft.text))

    @on(OptionList.OptionHighlighted, "#customers")
    def _highlighted(self) -> None:
        self._show()

    @work(group="planning-drafts", exclusive=True, exit_on_error=False)
    async def load_drafts(self) -> None:
        self.post_message(DraftsLoaded(await self._sender.drafts(self._plan, self._pool)))

    def on_drafts_loaded(self, message: DraftsLoaded) -> None:
        fresh = {d.customer: d for d in message.drafts}
        self._drafts = [fresh.get(d.customer, d) for d in self._drafts]
        self._show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = describe_error(event.worker.error or RuntimeError("unknown error"))
        if event.worker.group == "planning-drafts":
            self._drafts = [replace(d, problem=f"Could not look up their addresses ({error}); copy it instead.")
                            for d in self._drafts]
            self._show()
        elif event.worker.group == "planning-confirm":
            self.notify(f"Sending failed: {error}", severity="error", markup=False)

    def action_send(self) -> None:
        draft = self.current
        if draft is None:
            return
        if draft.sent_on is not None or draft.to is None or draft.problem:
            self.notify(draft.where(self._plan.week), severity="warning", markup=False)
            return

        def ask(address: str | None) -> None:
            if not address:
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    self.send(draft, address)

            self.app.push_screen(ConfirmScreen(
                f"Send {draft.customer}'s confirmation as a new Groove ticket to {address}, subject "
                f"“{confirmation_subject(self._plan.week)}”?"), answer)

        if len(draft.addresses) > 1:
            self.app.push_screen(AddressPicker(draft), ask)
        else:
            ask(draft.to)

    @work(group="planning-confirm", exit_on_error=False)
    async def send(self, draft: TicketDraft, address: str) -> None:
        self.post_message(ConfirmationSent(draft.customer, await self._sender.send(self._plan.week, draft, address)))

    def on_confirmation_sent(self, message: ConfirmationSent) -> None:
        outcome = message.outcome
        if isinstance(outcome, str):
            self.notify(outcome, severity="warning", markup=False)
            return
        if outcome.ok:
            made = outcome.done.get("create") or {}
            number = int(made.get("number", 0)) if isinstance(made, dict) else 0
            self._drafts = [replace(d, sent_on=number) if d.customer == message.customer else d for d in self._drafts]
            self.notify(outcome.confirmation or f"{message.customer}: confirmation sent (#{number}).", markup=False)
            self._show()
        else:
            self.notify(outcome.message, severity="error" if outcome.status is JournalStatus.FAILED else "warning",
                        markup=False, timeout=10)

    def action_copy(self) -> None:
        draft = self.current
        if draft is not None:
            self.app.copy_to_clipboard(draft.text)
            self.notify(f"Copied {draft.customer}'s confirmation.", markup=False)

    def action_copy_all(self) -> None:
        self.app.copy_to_clipboard(self._service.markdown(self._plan, self._pool))
        self.notify(f"Copied the {self._plan.week} plan as Markdown "
                    f"(also: supportdesk plan export --week {self._plan.week}).", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
