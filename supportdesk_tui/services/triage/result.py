"""What a triage key gives back, and the words for queued actions: light, so the Inbox can paint without the
triage workflows (their payload types cost a tenth of cold start) and load them after the first paint."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from supportdesk_tui.domain.journal import ActionKind, JournalStatus
from supportdesk_tui.services.journal import DONE

TRIAGE_KINDS = (ActionKind.BACKLOG, ActionKind.FIX_NOW, ActionKind.URGENT, ActionKind.CLOSE, ActionKind.NOTE)
class Refusal(StrEnum):
    """A TriageResult status beside the journal's: refused before anything was written."""

    REFUSED = "refused"


REFUSED = Refusal.REFUSED
PENDING_WORDS = {kind.value: f"{kind.words} queued" for kind in (*TRIAGE_KINDS, ActionKind.UNDO)}


@dataclass(frozen=True, slots=True)
class TriageResult:
    """What the UI shows after a triage key: ``status`` is done, pending (queued), failed or refused."""

    status: JournalStatus | Refusal
    message: str
    kind: str
    number: int | None = None
    entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == DONE
