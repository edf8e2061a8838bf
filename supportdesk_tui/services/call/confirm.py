"""Each customer's confirmation of the week's plan, sent as its own new Groove ticket.

A reply on "whatever ticket was updated last" can land on an unrelated, breached bug report and
change its state, so the confirmation goes out as a new ticket to the customer's ``contact`` (or an
address the person picks among the customer's recent senders), subject ``Support plan for week
2026-W49``, through the documented ``POST /tickets``. It is journaled (``plan.confirm_ticket``): before
creating, the step looks for that subject among the tickets of that address, so a retry after a lost
answer finds the ticket instead of sending a second one. Then the ticket's state is set only when
``[triage] confirmation_state`` asks for one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from supportdesk_tui.clients.errors import ApiError, NotFoundError
from supportdesk_tui.domain.actions import ConfirmationTicket, TicketMade
from supportdesk_tui.domain.journal import ActionKind, JournalStatus, StateSet
from supportdesk_tui.domain.plan_export import confirmation_text, planned_cards
from supportdesk_tui.domain.planning import IsoWeek, Plan, WorkItem
from supportdesk_tui.services.call.agenda import AgendaService
from supportdesk_tui.services.journal import Action, Outcome, StepFn, StepResults, ambiguous_write


def confirmation_subject(week: IsoWeek | str) -> str:
    return f"Support plan for week {week}"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """One customer's confirmation and where it would go: ``addresses`` has the contact first."""

    customer: str
    text: str
    addresses: tuple[str, ...] = ()
    sent_on: int | None = None  # the ticket it was already sent as
    problem: str = ""
    contact_set: bool = False

    @property
    def to(self) -> str | None:
        return self.addresses[0] if self.addresses else None

    def where(self, week: IsoWeek) -> str:
        if self.sent_on is not None:
            return f"Already sent as Groove ticket #{self.sent_on}."
        if self.problem:
            return self.problem
        if self.to is None:
            return (f"No address is known for {self.customer}: set contact in its [[customers]] entry "
                    "(copy it meanwhile).")
        more = f" ({len(self.addresses) - 1} other address(es) to pick from)" if len(self.addresses) > 1 else ""
        return f"Send as a new ticket to {self.to}, “{confirmation_subject(week)}”{more}."


class ConfirmationTickets:
    def __init__(self, agenda: AgendaService) -> None:
        self.agenda = agenda
        self.context = agenda.context
        self.settings = agenda.settings
        self.context.journal.register(TicketHandler(self))

    async def drafts(self, plan: Plan, pool: Iterable[WorkItem] = ()) -> list[TicketDraft]:
        """Each customer with work planned: the text, the addresses (contact first, then recent senders).

        Groove trouble is reported in the drafts, never raised: the preview and copying work offline.
        """
        items = tuple(pool)
        names = list(dict.fromkeys(c.item.customer for c in planned_cards(plan, items)))
        order = {c.name: i for i, c in enumerate(self.settings.customers)}
        names.sort(key=lambda n: (order.get(n, len(order)), n))
        sent = await self.sent(plan.week)
        out: list[TicketDraft] = []
        open_tickets = None
        cached, _ = await asyncio.to_thread(self.context.store.load_inbox)  # once for every customer
        for name in names:
            text = confirmation_text(plan, items, name)
            customer = self.agenda.customer(name)
            contact = (customer.contact or "").lower()
            try:
                if open_tickets is None:
                    groove = await self.context.groove()
                    open_tickets = await groove.list_open_tickets(self.settings.groove.states)
                senders = (await self.agenda.customer_tickets(customer, open_tickets, cached)).senders
                problem = ""
            except ApiError as exc:
                senders, problem = (), f"Groove could not be read ({exc}); copy it instead."
            addresses = tuple(dict.fromkeys([a for a in (contact, *senders) if a]))
            if problem and contact:
                problem = ""  # the contact is known without Groove; sending will wait in the queue if need be
            out.append(TicketDraft(name, text, addresses, sent.get(name), problem, bool(contact)))
        return out

    async def sent(self, week: IsoWeek) -> dict[str, int]:
        """Customers already sent this week's confirmation as a ticket, with its number (from the journal)."""
        entries = await asyncio.to_thread(self.context.store.journal_entries, None, 2000)
        out: dict[str, int] = {}
        for e in entries:
            if (e.kind == ActionKind.PLAN_CONFIRM_TICKET and e.status == JournalStatus.DONE
                    and e.payload.get("week") == str(week)):
                made = e.done_steps.get("create") or {}
                if isinstance(made, dict) and isinstance(made.get("number"), int):
                    out[str(e.payload.get("customer", ""))] = int(made["number"])
        return out

    async def send(self, week: IsoWeek, draft: TicketDraft, to: str | None = None) -> Outcome | str:
        """Journaled ``plan.confirm_ticket``; a sentence instead when it cannot or need not be sent."""
        address = (to or draft.to or "").strip()
        if draft.sent_on is not None:
            return f"{draft.customer}'s confirmation was already sent as #{draft.sent_on}."
        if not address:
            return draft.where(week)
        me = self.settings.team.me
        if not me:
            return "Set [team] me (your Groove agent email): a new ticket needs a sender."
        payload = ConfirmationTicket(str(week), draft.customer, address, confirmation_subject(week), draft.text, me,
                                     self.settings.triage.confirmation_state)
        return await self.context.journal.submit(payload)


class TicketHandler(Action[ConfirmationTicket]):
    """``plan.confirm_ticket``: find-or-create the ticket, then set its state if configured."""

    payload_type = ConfirmationTicket

    def __init__(self, service: ConfirmationTickets) -> None:
        self.context = service.context

    def steps(self, p: ConfirmationTicket) -> Sequence[StepFn[ConfirmationTicket]]:
        return (self.create, self.state) if p.state else (self.create,)

    def describe(self, p: ConfirmationTicket) -> str:
        return f"send {p.customer or '?'} the {p.week or '?'} plan as a new ticket to {p.to}"

    def confirm(self, p: ConfirmationTicket, done: StepResults) -> str:
        made = done.get("create", TicketMade)
        if made.found:
            return f"{p.customer}: the confirmation was already there as #{made.number}; not sent again."
        return f"{p.customer}: confirmation sent as ticket #{made.number} to {p.to}."

    async def create(self, p: ConfirmationTicket, done: StepResults) -> TicketMade:
        groove = await self.context.groove()
        try:
            theirs = await groove.list_tickets(customer=p.to)
        except NotFoundError:
            theirs = []  # Groove does not know the address yet: nothing can have been sent to it
        for ticket in theirs:
            if _same(ticket.title, p.subject):
                return TicketMade(ticket.number, found=True)
        # UNCONFIRMED: that ``from`` may be the agent's email for an agent-made ticket (the docs say
        # "agent or customer email") and that it then goes out by email with send_copy_to_customer.
        made = await ambiguous_write("the confirmation ticket", groove.create_ticket(
            to=p.to, sender=p.author, subject=p.subject, body=p.text))
        return TicketMade(made.number, found=False)

    async def state(self, p: ConfirmationTicket, done: StepResults) -> StateSet:
        number = done.get("create", TicketMade).number
        await (await self.context.groove()).set_state(number, p.state)
        return StateSet(p.state)
