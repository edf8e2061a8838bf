"""One ticket's thread, loaded on demand (plain text only: HTML bodies are never rendered)."""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import GLYPHS, SlaClock, format_time_left
from supportdesk_tui.domain.tickets import Message, Ticket
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error
from supportdesk_tui.widgets.desk_footer import DeskFooter


class TicketDetailScreen(DeskScreen):
    CSS_PATH = "ticket_detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("j", "scroll_down", "Down", show=False, id="detail.down"),
        Binding("k", "scroll_up", "Up", show=False, id="detail.up"),
    ]
    HELP = """
## Ticket
The ticket's thread, oldest first. Customer messages, agent replies and private notes are marked.

- `escape`: back to the inbox
"""

    def __init__(self, desk: Desk, ticket: Ticket, customer: Customer | None, clock: SlaClock) -> None:
        super().__init__(desk)
        self.ticket = ticket
        self.customer = customer
        self.sla = clock

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), id="summary")
        yield VerticalScroll(Static(Text("Loading the thread…"), id="loading"), id="thread")
        yield DeskFooter()

    def _summary(self) -> Text:
        t = self.ticket
        now = self.desk.clock.now()
        status = self.sla.status(now)
        zone = ZoneInfo(self.desk.settings.sla.timezone)
        who = self.customer.name if self.customer else "unmapped customer"
        text = Text()
        text.append(f"#{t.number} ", style="bold")
        text.append(t.title or "(no subject)", style="bold")
        text.append(f"\n{who} · {t.customer_email or 'no sender'} · state {t.state} · "
                    f"assignee {t.assignee or 'none'} · priority {t.priority or 'normal'}")
        text.append(f"\nReceived {t.created_at.astimezone(zone):%a %d %b %H:%M} · SLA {GLYPHS[status]} "
                    f"{status.value}, {format_time_left(self.sla.time_left(now))}")
        text.append(f" · {self.desk.settings.groove.ticket_url(t.number)}")
        return text

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick, name="detail-countdown")
        self.load_thread()

    def tick(self) -> None:
        """The countdown ticks here as it does on the row behind (memory only)."""
        self.query_one("#summary", Static).update(self._summary())

    @work(group="ticket-thread", exclusive=True, exit_on_error=False)
    async def load_thread(self) -> None:
        messages = await self.desk.services.inbox.messages(self.ticket.number)
        self._show(messages)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "ticket-thread" and event.state is WorkerState.ERROR:
            loading = self.query("#loading")
            text = Text(f"Could not load the thread: {describe_error(event.worker.error or Exception())}. "
                        "Press escape and try again.")
            if loading:
                loading.first(Static).update(text)

    def _show(self, messages: list[Message]) -> None:
        thread = self.query_one("#thread", VerticalScroll)
        thread.remove_children()
        zone = ZoneInfo(self.desk.settings.sla.timezone)
        if not messages:
            thread.mount(Static(Text("No messages in this thread.")))
            return
        widgets = []
        for m in messages:
            kind = "private note" if m.note else {"customer": "customer", "agent": "agent"}.get(m.author_kind, "")
            head = Text(f"{m.created_at.astimezone(zone):%a %d %b %H:%M} · {m.author or 'unknown'} · {kind}\n",
                        style="bold")
            head.append(m.body_text.strip() or "(empty)", style="")
            widget = Static(head, classes="message")
            widget.set_class(m.note, "-note")
            widget.set_class(m.author_kind == "customer" and not m.note, "-customer")
            widgets.append(widget)
        thread.mount_all(widgets)

    def action_scroll_down(self) -> None:
        self.query_one("#thread", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#thread", VerticalScroll).scroll_up()
