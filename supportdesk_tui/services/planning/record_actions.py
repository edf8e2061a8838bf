"""``plan.record``: the journaled write of one week's plan to its card on the Support Epics board.

Payload: ``{"week": "2026-W49"}``, plus ``"choice": "repair"`` when the person chose to rewrite a card
that could not be trusted, or ``"migrate": true`` for a plan saved before plans lived on Trello (written
only when the week has no card). The plan itself is not in the payload: the step reads the latest
local copy when it runs, so one entry carries a whole burst of edits, and a replay after a crash
writes what the person last saw.

Steps, each looking before it writes:

- ``list``: the plans list's id (remembered; else one small read of the board's lists; created with
  ``POST /1/lists`` only when absent, and an unclear answer is looked for before trying again).
- ``write``: read the week's card (one request), merge with what someone else saved since this machine
  last read it, and ``PUT`` the description (one request) only if it differs. A card that vanished is
  looked up in the list by name before a new one is made, so a retry never makes two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.journal import StepFailed
from supportdesk_tui.services.planning.record import PlanRecordService
from supportdesk_tui.services.planning.record_model import RECORD_KIND, Choice


class PlanRecordHandler:
    kind = RECORD_KIND

    def __init__(self, record: PlanRecordService) -> None:
        self.record = record

    def steps(self, payload: Mapping[str, Any]) -> list[str]:
        return ["list", "write"]

    def describe(self, payload: Mapping[str, Any]) -> str:
        what = "rewrite" if payload.get("choice") == Choice.REPAIR.value else "save"
        return f"{what} the {payload.get('week', '?')} plan on Trello"

    async def run_step(self, step: str, payload: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
        trello = await self.record.context.trello()
        if step == "list":
            list_id = await self.record.find_list(trello, create=True)
            if list_id is None:
                raise StepFailed("the plans list could not be found or made on the Support Epics board")
            return {"list_id": list_id}
        week = IsoWeek.parse(str(payload["week"]))
        choice = Choice(str(payload.get("choice", Choice.MERGE.value)))
        return await self.record.write_week(week, str(done["list"]["list_id"]), choice,
                                            migrate=bool(payload.get("migrate")))
