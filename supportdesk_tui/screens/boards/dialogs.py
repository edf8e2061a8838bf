"""The Boards screen's other views: card detail, the "done" reply preview, and Support Epics with its sync panel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.epics import GLYPHS, EpicsIssue, IssueKind
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import describe_error, failure_sentence
from supportdesk_tui.services.boards import BoardsService, EpicsJob, EpicsView
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_footer import DeskFooter
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.kanban import Column, KanbanBoard, card_prompt

KIND_WORDS = {IssueKind.MISSING: "missing", IssueKind.DUPLICATE: "duplicate", IssueKind.ORPHAN: "orphan",
              IssueKind.TO_DONE: "to Done", IssueKind.LEFT_UP_NEXT: "left Up next"}


class _BoardsDeskScreen(DeskScreen):
    """A Boards view pushed over the Boards screen, handed the same Desk."""

    @property
    def service(self) -> BoardsService:
        return self.desk.services.boards


class TicketLoaded(Message):
    def __init__(self, ticket: Ticket | None, error: BaseException | None = None) -> None:
        super().__init__()
        self.ticket, self.error = ticket, error


def ticket_line(number: int, url: str, ticket: Ticket | None, error: BaseException | None) -> Text:
    text = Text(f"Groove ticket #{number}", style="bold")
    if ticket is not None:
        text.append(f": {ticket.title or '(no subject)'} · {ticket.state} · {ticket.customer_email or ''}")
    elif error is not None:
        text.append(f" (could not load it: {describe_error(error)})", style="dim")
    else:
        text.append(" (loading…)", style="dim")
    text.append(f"\n{url}", style="dim")
    return text


class CardDetailScreen(_BoardsDeskScreen):
    """Everything about one card, plus the Groove ticket it links (loaded on demand)."""

    CSS_PATH = "boards.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="boards.detail.back"),
        Binding("j", "scroll(1)", "Down", show=False, id="boards.detail.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="boards.detail.up"),
    ]
    HELP = "## Card\nThe card's description, labels, members, due date and linked Groove ticket.\n\n- `escape`: back"

    def __init__(self, desk: Desk, card: Card, customer: str, list_name: str) -> None:
        super().__init__(desk)
        self.card, self.customer, self.list_name = card, customer, list_name

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), id="card-summary")
        yield Static(Text(""), id="card-ticket")
        with VerticalScroll(id="card-desc"):
            yield Static(Text(self.card.desc.strip() or "(no description)"))
        yield DeskFooter()

    def _summary(self) -> Text:
        card = self.card
        text = Text(card.name or "(no name)", style="bold")
        text.append(f"\n{self.customer} · {self.list_name}")
        if card.due is not None:
            zone = ZoneInfo(self.desk.settings.sla.timezone)
            text.append(f" · due {card.due.astimezone(zone):%a %d %b %H:%M}")
        text.append("\nLabels: ")
        text.append(", ".join(lb.name or lb.color or "?" for lb in card.labels) or "none")
        text.append("\nMembers: ")
        text.append(", ".join(m.full_name or m.username for m in card.members) or "none")
        if card.short_url or card.url:
            text.append(f"\n{card.short_url or card.url}", style="dim")
        return text

    def on_mount(self) -> None:
        number = self.service.linked_ticket(self.card)
        ticket_box = self.query_one("#card-ticket", Static)
        if number is None:
            ticket_box.update(Text("No Groove ticket is linked.", style="dim"))
            return
        ticket_box.update(ticket_line(number, self.service.ticket_url(number), None, None))
        self.load_ticket(number)

    @work(group="card-ticket", exclusive=True, exit_on_error=False)
    async def load_ticket(self, number: int) -> None:
        try:
            self.post_message(TicketLoaded(await self.service.ticket(number)))
        except Exception as exc:  # the line says so; the rest of the card is still useful
            self.post_message(TicketLoaded(None, exc))

    def on_ticket_loaded(self, message: TicketLoaded) -> None:
        number = self.service.linked_ticket(self.card)
        if number is not None:
            line = ticket_line(number, self.service.ticket_url(number), message.ticket, message.error)
            self.query_one("#card-ticket", Static).update(line)

    def action_scroll(self, delta: int) -> None:
        box = self.query_one("#card-desc", VerticalScroll)
        box.scroll_down() if delta > 0 else box.scroll_up()


class DonePreviewScreen(ModalScreen[str | None]):
    """The reply the customer will get, editable; ctrl+s sends it (returns the text), escape cancels (None)."""

    CSS_PATH = "boards.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send & close ticket", id="boards.done.send", priority=True),
        Binding("escape", "cancel", "Cancel", id="boards.done.cancel"),
    ]

    def __init__(self, service: BoardsService, card: Card, number: int, reply: str) -> None:
        super().__init__()
        self.service = service
        self.card, self.number, self.reply = card, number, reply

    def compose(self) -> ComposeResult:
        with Vertical(id="done-dialog"):
            title = Text("Done: ", style="bold")
            title.append(self.card.name, style="bold")
            title.append("\nThe card moves to Done, this reply goes to the customer and the ticket is closed.")
            yield Static(title, id="done-title")
            yield Static(ticket_line(self.number, self.service.ticket_url(self.number), None, None), id="done-ticket")
            yield TextArea(self.reply, id="done-reply", soft_wrap=True, show_line_numbers=False)
            yield Static(Text("ctrl+s send · escape cancel · empty the text to move the card without writing",
                              style="dim"), id="done-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.load_ticket()

    @work(group="done-ticket", exclusive=True, exit_on_error=False)
    async def load_ticket(self) -> None:
        try:
            self.post_message(TicketLoaded(await self.service.ticket(self.number)))
        except Exception as exc:  # the reply can still be sent; the line says why it has no subject
            self.post_message(TicketLoaded(None, exc))

    def on_ticket_loaded(self, message: TicketLoaded) -> None:
        line = ticket_line(self.number, self.service.ticket_url(self.number), message.ticket, message.error)
        self.query_one("#done-ticket", Static).update(line)

    def action_send(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class IssueList(OptionList):
    """The sync panel's list: `j`/`k` move like `↓`/`↑`, as everywhere else."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="boards.epics.down"),
        Binding("k", "cursor_up", "Up", show=False, id="boards.epics.up"),
    ]


class EpicsLoaded(Message):
    def __init__(self, view: EpicsView) -> None:
        super().__init__()
        self.view = view


class RepairsDone(Message):
    def __init__(self, outcomes: Sequence[Outcome], *, automatic: bool = False) -> None:
        super().__init__()
        self.outcomes, self.automatic = outcomes, automatic


class EpicsScreen(_BoardsDeskScreen):
    """The Support Epics board, and what is out of sync with the customers' Up next lists."""

    CSS_PATH = "boards.tcss"
    AUTO_FOCUS = "#issues"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="boards.epics.back"),
        Binding("f", "repair", "Repair", id="boards.epics.repair", tooltip="Repair the highlighted problem"),
        Binding("F", "repair_all", "Repair all", id="boards.epics.repair_all", tooltip="Repair every problem listed"),
        Binding("tab", "app.focus_next", "Switch pane", show=False, id="boards.epics.next_pane"),
    ]
    HELP = """
## Support Epics
Every card in a customer's Up next list should have exactly one copy here, linked back by the line
`Source: https://trello.com/c/…` in its description. The panel lists what is out of sync:

- ✚ missing: an Up next card without a copy (repair: copy it, labelled with the customer)
- ⧉ duplicate: two or more copies of one card (repair: archive the extras)
- ? orphan: a copy whose source card is archived or gone (repair: archive the copy)
- → to Done: the source is finished but its copy is not in Done (repair: move it)
- ← left Up next: the source went back to another list, such as New Issues (repair: archive its copy)

`j`/`k` or the arrows move in the list; `f` repairs the highlighted problem, `F` all of them; `r` refreshes;
`escape` goes back.
"""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self._view: EpicsView | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="epics-header")
        yield Banner(id="epics-banner")
        with Horizontal(id="epics-body"):
            yield KanbanBoard(self._prompt, id="epics-board")
            with Vertical(id="epics-panel"):
                yield Static(Text("Sync status: loading…"), id="epics-summary")
                yield IssueList(id="issues")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._header_left()
        self.load_view()

    def _header_left(self) -> None:
        self.query_one(DeskHeader).left = f"Support Epics · {self.triage_words()}"

    def _prompt(self, card: Card) -> Text:
        return card_prompt(card)

    @work(group="epics-view", exclusive=True, exit_on_error=False)
    async def load_view(self) -> None:
        self.post_message(EpicsLoaded(await self.service.epics_view()))

    def action_refresh(self) -> None:
        self.load_view()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error or RuntimeError("unknown error")
        if event.worker.group == "epics-view":
            self.note_error(error, "reading the boards")
            self.query_one(Banner).show("⚠ " + failure_sentence(
                error, doing="reading the boards", then="press r to try again (? shows the detail)"))
        elif event.worker.group == "epics-repair":
            self.note_error(error, "repairing Support Epics")
            self.notify(failure_sentence(error, doing="repairing Support Epics",
                                         then="what is journaled finishes when Trello answers"),
                        title="Repair failed", severity="error", markup=False)

    async def on_epics_loaded(self, message: EpicsLoaded) -> None:
        view = self._view = message.view
        if view.jobs:
            self._follow_up(view.jobs)
        banner = self.query_one(Banner)
        self.note_error(None)
        if view.failed:
            banner.show("⚠ Not loaded: " + "; ".join(f"{name} ({why})" for name, why in view.failed.items())
                        + ". Orphans cannot be told apart until every board loads.")
        else:
            banner.hide()
        columns = [Column(lst.id, lst.name, view.board.cards_in(lst.id)) for lst in view.board.lists]
        await self.query_one(KanbanBoard).show(columns)
        zone = ZoneInfo(self.desk.settings.sla.timezone)
        # The board's name only when it says more than the screen's title already does.
        name = "" if view.board.name.strip().casefold() == "support epics" else f"· {view.board.name} "
        self._header_left()
        self.query_one(DeskHeader).right = (f"{name}· {len(view.board.cards)} cards · synced "
                                            f"{view.synced_at.astimezone(zone):%H:%M:%S}")
        status = view.status
        summary = Text("Sync status\n", style="bold")
        summary.append(f"✓ all in sync: {status.in_sync} Up next card(s), one copy each" if status.clean
                       else status.summary())
        self.query_one("#epics-summary", Static).update(summary)
        issues = self.query_one("#issues", OptionList)
        keep = issues.highlighted
        options: list[Option | None] = []
        for issue in status.issues:
            options += [Option(self._issue_text(issue), id=issue.key), None]
        issues.set_options(options[:-1])
        if status.issues:
            issues.highlighted = min(keep or 0, len(status.issues) - 1)

    @staticmethod
    def _issue_text(issue: EpicsIssue) -> Text:
        """Glyph, kind and customer on one line, the card below (user text as Text, never markup)."""
        text = Text(f"{GLYPHS[issue.kind]} {KIND_WORDS[issue.kind]}", style="bold")
        if issue.customer:
            text.append(f" · {issue.customer}")
        name = issue.source.name if issue.source else (issue.copy.name if issue.copy else issue.link)
        detail = {IssueKind.MISSING: " (its copy sits in Done)" if issue.copy else "",
                  IssueKind.DUPLICATE: f" ({len(issue.extras) + 1} copies)",
                  IssueKind.ORPHAN: " (source archived or gone)",
                  IssueKind.TO_DONE: f" (source in {issue.source_list})",
                  IssueKind.LEFT_UP_NEXT: f" (source back in {issue.source_list})"}[issue.kind]
        text.append(f"\n{name}{detail}", style="")
        return text

    def _selected(self) -> EpicsIssue | None:
        option = self.query_one("#issues", OptionList).highlighted_option
        if option is None or self._view is None:
            return None
        return next((i for i in self._view.status.issues if i.key == option.id), None)

    def action_repair(self) -> None:
        issue = self._selected()
        if issue is not None:
            self._repair([issue])

    def action_repair_all(self) -> None:
        if self._view is None or self._view.status.clean:
            return
        issues = list(self._view.status.issues)

        def answer(yes: bool | None) -> None:
            if yes:
                self._repair(issues)

        self.app.push_screen(ConfirmScreen(f"Repair all {len(issues)} problem(s) on Support Epics?"), answer)

    @on(OptionList.OptionSelected, "#issues")
    def _chosen(self) -> None:
        self.action_repair()

    def _repair(self, issues: list[EpicsIssue]) -> None:
        text = Text("Sync status\n", style="bold")
        text.append(f"Repairing {len(issues)} problem(s)…")
        self.query_one("#epics-summary", Static).update(text)
        self._run_repairs(issues)

    @work(group="epics-repair", exit_on_error=False)
    async def _run_repairs(self, issues: list[EpicsIssue]) -> None:
        self.post_message(RepairsDone([await self.service.repair(issue) for issue in issues]))

    @work(group="epics-repair", exit_on_error=False)
    async def _follow_up(self, jobs: tuple[EpicsJob, ...]) -> None:
        """Changes seen while loading (a card entered or left Up next) are synced like on the Boards screen."""
        self.post_message(RepairsDone(await self.service.run_jobs(jobs), automatic=True))

    def on_repairs_done(self, message: RepairsDone) -> None:
        bad = [o for o in message.outcomes if o.status is not JournalStatus.DONE]
        for outcome in bad:
            self.notify(outcome.message, title="Repair not finished", severity="warning", markup=False)
        if not bad and not message.automatic:
            self.notify(f"Repaired {len(message.outcomes)} problem(s).", markup=False)
        self.load_view()
