"""Triage in a keystroke: backlog, fix now, urgent, close, note and undo, each a journaled action.

This is what the Inbox's keys call. It validates what can be validated without the network (a
customer with no board, an empty title), writes the action to the journal, and turns the journal's
outcome into one sentence for a toast. The handlers that do the work live in ``triage_backlog``,
``triage_actions`` and ``triage_undo``; the texts they write in ``triage_text``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from supportdesk_tui.domain.actions import Backlog, Close, FixNow, Note, TicketAction, Urgent
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.journal import ActionKind
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.domain.triage_text import card_description, default_reply, one_line
from supportdesk_tui.services.config_write import ConfigWriteError, add_email_domain
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.journal import DONE, PENDING, UNDONE, Outcome
from supportdesk_tui.services.triage.actions import CloseHandler, FixNowHandler, NoteHandler, UrgentHandler
from supportdesk_tui.services.triage.backlog import BacklogHandler
from supportdesk_tui.services.triage.marks import TriageMarks, row_mark
from supportdesk_tui.services.triage.result import REFUSED, TRIAGE_KINDS, TriageResult
from supportdesk_tui.services.triage.undo import UNDOABLE, UndoHandler, plan_undo, written_nothing


class TriageService:
    def __init__(self, context: ServiceContext, marks: TriageMarks | None = None) -> None:
        self.context = context
        self.settings = context.settings
        self.directory = context.directory
        self.marks = marks or TriageMarks(context.store)
        for handler in (BacklogHandler(context, self.marks), FixNowHandler(context, self.marks),
                        UrgentHandler(context, self.marks), CloseHandler(context, self.marks),
                        NoteHandler(context, self.marks), UndoHandler(context, self.marks)):
            context.journal.register(handler)

    async def load(self) -> None:
        """Read timeboxes, urgent marks and the pending queue once (rows then ask from memory)."""
        await asyncio.to_thread(self.marks.load)
        await self.context.journal.refresh_count()

    @property
    def me(self) -> str:
        return self.settings.team.me

    # --- what the dialogs show ---------------------------------------------------------------------
    def suggest_customer(self, ticket: Ticket) -> Customer | None:
        return self.directory.for_email(ticket.customer_email)

    def customers(self) -> tuple[Customer, ...]:
        return self.directory.customers

    def ticket_url(self, number: int) -> str:
        return self.settings.groove.ticket_url(number)

    def card_description(self, ticket: Ticket, customer: Customer) -> str:
        return card_description(ticket, customer, self.ticket_url(ticket.number), self.settings.sla.timezone)

    def board_problem(self, customer: Customer) -> str | None:
        """Why ``customer`` cannot take a backlog card (no board mapped), with the config key to set."""
        if customer.trello_board.strip():
            return None
        return (f"{customer.name} has no Trello board: set trello_board in the [[customers]] entry named "
                f"\"{customer.name}\" in {self.settings.config_path}")

    def reply_draft(self, ticket: Ticket) -> str:
        return default_reply(ticket)

    @property
    def list_name(self) -> str:
        return self.settings.trello.lists.new

    async def warm_up(self, customer: Customer) -> None:
        """Fetch and cache the board's list ids while the user reads the dialog (best effort)."""
        if self.board_problem(customer) is not None:
            return
        if await asyncio.to_thread(self.marks.list_id, customer.trello_board, self.list_name) is not None:
            return
        board = await (await self.context.trello()).load_board(customer.trello_board)
        await asyncio.to_thread(self.marks.remember_lists, customer.trello_board,
                                {lst.name: lst.id for lst in board.lists})

    def can_remember_domains(self) -> bool:
        """Whether there is a config file to write a new domain into (not in the demo, not on env alone)."""
        return self.settings.config_path.is_file()

    async def remember_domain(self, customer_name: str, domain: str) -> str:
        """Write ``domain`` into the customer's ``email_domains`` in the config file (the user said yes)."""
        path = self.settings.config_path
        try:
            added = await asyncio.to_thread(add_email_domain, path, customer_name, domain)
        except (ConfigWriteError, OSError) as exc:
            return f"Could not remember {domain} for {customer_name}: {exc}"
        self.directory.add_domain(customer_name, domain)
        if not added:
            return f"{domain} was already listed for {customer_name} in {path}."
        return f"Remembered {domain} for {customer_name} in {path}."

    # --- actions -----------------------------------------------------------------------------------
    def _base(self, ticket: Ticket) -> dict[str, Any]:
        """The fields every triage payload shares (see :class:`TicketAction`)."""
        return {"number": ticket.number, "me": self.me, "seen_assignee": ticket.assignee,
                "seen_state": ticket.state}

    async def _submit(self, payload: TicketAction) -> TriageResult:
        return self._result(await self.context.journal.submit(payload, ticket=payload.number))

    async def backlog(self, ticket: Ticket, customer_name: str, title: str) -> TriageResult:
        customer = self.directory.by_name(customer_name)
        if customer is None:
            return self._refused(ActionKind.BACKLOG, ticket, f"No customer named {customer_name!r} in the config.")
        problem = self.board_problem(customer)
        if problem is not None:
            return self._refused(ActionKind.BACKLOG, ticket, problem)
        title = one_line(title)
        if not title:
            return self._refused(ActionKind.BACKLOG, ticket, "The card needs a title.")
        return await self._submit(Backlog(
            **self._base(ticket), customer=customer.name, board=customer.trello_board, list_name=self.list_name,
            title=title, desc=self.card_description(ticket, customer), ticket_url=self.ticket_url(ticket.number),
            state=self.settings.triage.backlog_state))

    async def fix_now(self, ticket: Ticket) -> TriageResult:
        if not self.me:
            return self._refused(ActionKind.FIX_NOW, ticket,
                                 "Set team.me in the config to your Groove agent email first.")
        return await self._submit(FixNow(**self._base(ticket), hours=self.settings.triage.timebox_hours))

    async def urgent(self, ticket: Ticket, reason: str) -> TriageResult:
        reason = one_line(reason)
        if not reason:
            return self._refused(ActionKind.URGENT, ticket, "Say in a few words why it hurts the customer's business.")
        return await self._submit(Urgent(**self._base(ticket), reason=reason))

    async def close(self, ticket: Ticket, reply: str | None) -> TriageResult:
        return await self._submit(Close(**self._base(ticket), reply=(reply or "").strip(),
                                        email=ticket.customer_email))

    async def note(self, ticket: Ticket, text: str) -> TriageResult:
        if not text.strip():
            return self._refused(ActionKind.NOTE, ticket, "An empty note was not added.")
        return await self._submit(Note(**self._base(ticket), text=text.strip()))

    async def undo(self) -> TriageResult:
        """Undo the newest triage action (or drop it from the queue if it has not written anything yet)."""
        entries = await asyncio.to_thread(self.context.store.journal_entries, None, 200)
        target = next((e for e in entries if e.kind in (*TRIAGE_KINDS, ActionKind.UNDO)), None)
        if target is None:
            return TriageResult(REFUSED, "Nothing to undo yet.", ActionKind.UNDO)
        number = target.ticket
        what = self.context.journal.describe(target)
        if target.kind == ActionKind.UNDO:
            return TriageResult(REFUSED, f"The last action was an undo ({what}); there is nothing newer to undo.",
                                ActionKind.UNDO, number)
        if target.status == UNDONE:
            return TriageResult(REFUSED, f"The last action ({what}) was already undone.", ActionKind.UNDO, number)
        if target.status == PENDING:
            if await self.context.journal.cancel(target.id, written_nothing, "cancelled by undo before it ran"):
                return TriageResult(DONE, f"Cancelled the queued {what}: nothing had been sent.", ActionKind.UNDO,
                                    number)
            latest = await asyncio.to_thread(self.context.store.journal_get, target.id)
            if latest is None or latest.status == PENDING:
                return TriageResult(REFUSED, f"{what} is still in progress; undo it once it has finished.",
                                    ActionKind.UNDO, number)
            target = latest  # it finished while we waited for it: undo it like any other
        if target.kind not in UNDOABLE and target.kind != ActionKind.NOTE:
            return TriageResult(REFUSED, f"The last action ({what}) cannot be undone here.", ActionKind.UNDO, number)
        payload, why = plan_undo(target, self.me)
        if payload is None:
            return TriageResult(REFUSED, why, ActionKind.UNDO, number)
        return self._result(await self.context.journal.submit(payload, ticket=number))

    # --- marks the Inbox shows ---------------------------------------------------------------------
    def row_mark(self, number: int, now: datetime) -> str:
        """"fixing 1:32", "urgent", "backlog queued"… joined; empty when there is nothing to say."""
        return row_mark(self.context.journal, self.marks, number, now)

    def expired_timeboxes(self, now: datetime) -> list[int]:
        """Timeboxes that just ran out (each reported once per run, for the "backlog instead?" nudge)."""
        return self.marks.expired(now)

    # --- outcome -> sentence -----------------------------------------------------------------------
    def _refused(self, kind: str, ticket: Ticket, why: str) -> TriageResult:
        return TriageResult(REFUSED, why, kind, ticket.number)

    def _result(self, outcome: Outcome) -> TriageResult:
        """The toast's sentence: the handler's own once done, the journal's when queued or failed."""
        if outcome.status == PENDING:
            text = (f"Queued: {outcome.message}. It will finish by itself when the service answers "
                    f"({self.context.journal.pending_count} action(s) waiting).")
        elif outcome.status == DONE:
            text = outcome.confirmation or outcome.message
        else:
            text = outcome.message
        return TriageResult(outcome.status, text, outcome.kind, outcome.ticket, outcome.entry_id)
