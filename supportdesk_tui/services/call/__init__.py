"""The customer call and the week's close-out: the agenda, the cadence, the close-out and confirmations.

:class:`CallService` is what the screens and the CLI are handed; it registers the journal handlers of
the close-out (``week.close``) and of confirmations sent as their own tickets (``plan.confirm_ticket``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportdesk_tui.domain.agenda import Agenda, render_agenda
from supportdesk_tui.domain.boards import Board
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.call.agenda import AgendaService, UnknownCustomerError
from supportdesk_tui.services.call.closeout import CloseOut, CloseReport
from supportdesk_tui.services.call.confirm import ConfirmationTickets, TicketDraft, confirmation_subject
from supportdesk_tui.services.context import ServiceContext

if TYPE_CHECKING:
    from supportdesk_tui.services.boards import BoardsService
    from supportdesk_tui.services.triage.marks import TriageMarks


class CallService:
    def __init__(self, context: ServiceContext, boards: BoardsService, marks: TriageMarks) -> None:
        self.context = context
        self.agendas = AgendaService(context)
        self.closeout = CloseOut(self.agendas, boards, marks)
        self.confirmations = ConfirmationTickets(self.agendas)

    def cadence_words(self, customer: Customer) -> str:
        return self.agendas.cadence_words(customer)

    async def agenda(self, customer: str, board: Board | None = None) -> Agenda:
        return await self.agendas.agenda(customer, board)

    async def agenda_text(self, customer: str, *, markdown: bool = True) -> str:
        return render_agenda(await self.agenda(customer), markdown=markdown)

    async def close_week(self, week: IsoWeek | None = None) -> CloseReport:
        return await self.closeout.close(week)


__all__ = ["CallService", "CloseReport", "TicketDraft", "UnknownCustomerError", "confirmation_subject"]
