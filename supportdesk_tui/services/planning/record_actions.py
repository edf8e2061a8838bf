"""``plan.record``: the journaled write of one week's plan to its card on the Support Epics board.

Payload (:class:`~supportdesk_tui.domain.actions.PlanRecordWrite`): the week, plus ``choice="repair"``
when the person chose to rewrite a card that could not be trusted, or ``migrate`` for a plan saved
before plans lived on Trello (written only when the week has no card). The plan itself is not in the
payload: the step reads the latest local copy when it runs, so one entry carries a whole burst of
edits, and a replay after a crash writes what the person last saw.

Steps, each looking before it writes:

- ``list``: the plans list's id (remembered; else one small read of the board's lists; created with
  ``POST /1/lists`` only when absent, and an unclear answer is looked for before trying again).
- ``write``: read the week's card (one request), merge with what someone else saved since this machine
  last read it, and ``PUT`` the description (one request) only if it differs. A card that vanished is
  looked up in the list by name before a new one is made, so a retry never makes two.
"""

from __future__ import annotations

from collections.abc import Sequence

from supportdesk_tui.domain.actions import PlanRecordWrite, PlansList, PlanWritten
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.journal import Action, StepFailed, StepFn, StepResults
from supportdesk_tui.services.planning.record import PlanRecordService
from supportdesk_tui.services.planning.record_model import Choice


class PlanRecordHandler(Action[PlanRecordWrite]):
    payload_type = PlanRecordWrite

    def __init__(self, record: PlanRecordService) -> None:
        self.record = record

    def steps(self, p: PlanRecordWrite) -> Sequence[StepFn[PlanRecordWrite]]:
        return (self.list, self.write)

    def describe(self, p: PlanRecordWrite) -> str:
        return f"{'rewrite' if p.choice == Choice.REPAIR.value else 'save'} the {p.week} plan on Trello"

    async def list(self, p: PlanRecordWrite, done: StepResults) -> PlansList:
        list_id = await self.record.find_list(await self.record.context.trello(), create=True)
        if list_id is None:
            raise StepFailed("the plans list could not be found or made on the Support Epics board")
        return PlansList(list_id)

    async def write(self, p: PlanRecordWrite, done: StepResults) -> PlanWritten:
        choice = Choice(p.choice or Choice.MERGE.value)
        result = await self.record.write_week(IsoWeek.parse(p.week), done.get("list", PlansList).list_id, choice,
                                              migrate=bool(p.migrate))
        return PlanWritten(**result)
