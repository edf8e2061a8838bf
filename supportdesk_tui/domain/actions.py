"""One payload type per journaled action, and the typed results their steps record.

Each class reads and writes exactly the JSON object earlier versions stored (same keys, same
values), so entries queued or half-done by an older version resume and undo under this one; the
journal tests prove it on a file the older code wrote. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from supportdesk_tui.domain.journal import ActionKind, ActionPayload, JsonRecord

# ------------------------------------------------------------------------------------------ triage


@dataclass(frozen=True, slots=True)
class TicketAction(ActionPayload):
    """What every triage action on a ticket carries: the ticket and who saw it in which state."""

    number: int
    me: str
    seen_assignee: str | None
    seen_state: str


@dataclass(frozen=True, slots=True)
class Backlog(TicketAction):
    KIND = ActionKind.BACKLOG
    customer: str
    board: str
    list_name: str
    title: str
    desc: str
    ticket_url: str
    state: str


@dataclass(frozen=True, slots=True)
class FixNow(TicketAction):
    KIND = ActionKind.FIX_NOW
    hours: float


@dataclass(frozen=True, slots=True)
class Urgent(TicketAction):
    KIND = ActionKind.URGENT
    reason: str


@dataclass(frozen=True, slots=True)
class Close(TicketAction):
    KIND = ActionKind.CLOSE
    reply: str  # empty: close without a reply
    email: str | None


@dataclass(frozen=True, slots=True)
class Note(TicketAction):
    KIND = ActionKind.NOTE
    text: str


@dataclass(frozen=True, slots=True)
class Undo(ActionPayload):
    """Reverse ``target``: each optional write is present only when the target did that change.

    ``expect_*`` is what the ticket must still show (else the undo refuses); the bare field is what
    to put back. ``priority`` may be ``null`` (no priority before) yet present: it is stored exactly
    when ``expect_priority`` is.
    """

    KIND = ActionKind.UNDO
    OMIT_IF_NONE = frozenset({"card", "expect_state", "state", "expect_assignee", "assignee", "expect_priority",
                              "priority"})
    number: int
    target: int
    target_kind: ActionKind
    me: str
    since: datetime
    started: datetime
    ours: tuple[str, ...] = ()
    undo: tuple[str, ...] = ()
    cannot: tuple[str, ...] = ()
    card: str | None = None
    expect_state: str | None = None
    state: str | None = None
    expect_assignee: str | None = None
    assignee: str | None = None
    expect_priority: str | None = None
    priority: str | None = None

    def to_json(self) -> Any:
        out = JsonRecord.to_json(self)
        if self.expect_priority is not None:
            out["priority"] = self.priority
        return out


class CardOrigin(StrEnum):
    """Where a backlog's card came from."""

    NEW = "new"  # made by this backlog
    REVIVED = "revived"  # an archived card for the ticket, brought back
    EXISTING = "existing"  # already on the board: linked, never archived by undo


@dataclass(frozen=True, slots=True)
class Snapshot(JsonRecord):
    """The ticket as a triage check found it: what undo puts back and checks has not changed since."""

    state: str
    assignee: str | None
    priority: str | None
    updated_at: str


@dataclass(frozen=True, slots=True)
class CardInfo(JsonRecord):
    id: str
    url: str
    closed: bool
    list_id: str
    ours: bool  # its description carries our marker line


@dataclass(frozen=True, slots=True)
class BacklogCard(CardInfo):
    origin: CardOrigin


@dataclass(frozen=True, slots=True)
class BacklogCheck(JsonRecord):
    ticket: Snapshot
    found: CardInfo | None
    list_id: str


@dataclass(frozen=True, slots=True)
class Assigned(JsonRecord):
    already: bool  # it was mine already: nothing was written (and undo leaves it)


@dataclass(frozen=True, slots=True)
class TimeboxStarted(JsonRecord):
    start: datetime


@dataclass(frozen=True, slots=True)
class PrioritySet(JsonRecord):
    """A priority written; ``refused`` says Groove would not take it (undo carries on without it)."""

    OMIT_IF_NONE = frozenset({"refused"})
    priority: str | None
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class AssigneeSet(JsonRecord):
    """An assignee written (empty: unassigned); ``refused`` as for :class:`PrioritySet`."""

    OMIT_IF_NONE = frozenset({"refused"})
    assignee: str
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class TicketNow(JsonRecord):
    """The ticket as undo's check found it."""

    state: str
    assignee: str | None
    priority: str | None


@dataclass(frozen=True, slots=True)
class Archived(JsonRecord):
    archived: str


# ------------------------------------------------------------------------------------------ boards


@dataclass(frozen=True, slots=True)
class CardMove(ActionPayload):
    KIND = ActionKind.BOARD_MOVE
    card_id: str
    list_id: str
    name: str
    list_name: str


@dataclass(frozen=True, slots=True)
class CardDone(ActionPayload):
    """Move to Done; with a ``ticket``, reply there (unless the reply is found) and close it."""

    KIND = ActionKind.BOARD_DONE
    OMIT_IF_NONE = frozenset({"list_name", "board_id"})
    card_id: str
    list_id: str  # empty when the week's Done list is still to be made (``list_name`` on ``board_id``)
    name: str
    ticket: int | None
    reply: str
    asked_at: datetime
    list_name: str | None = None
    board_id: str | None = None


@dataclass(frozen=True, slots=True)
class EpicsCopy(ActionPayload):
    KIND = ActionKind.EPICS_COPY
    customer: str
    source_id: str
    link: str
    name: str
    desc: str


@dataclass(frozen=True, slots=True)
class EpicsToDone(ActionPayload):
    """Move a source's epics copy to Done: ``copy_id`` when the panel named one, else the best found."""

    KIND = ActionKind.EPICS_DONE
    OMIT_IF_NONE = frozenset({"customer", "copy_id"})
    link: str
    name: str
    customer: str | None = None
    copy_id: str | None = None


@dataclass(frozen=True, slots=True)
class EpicsDedupe(ActionPayload):
    KIND = ActionKind.EPICS_DEDUPE
    link: str
    name: str
    want_done: bool | None
    keep: str | None


@dataclass(frozen=True, slots=True)
class EpicsOrphan(ActionPayload):
    KIND = ActionKind.EPICS_ORPHAN
    link: str
    name: str
    copy_id: str


@dataclass(frozen=True, slots=True)
class ListMove(JsonRecord):
    list: str  # the card's list id after the move


@dataclass(frozen=True, slots=True)
class ReplySent(JsonRecord):
    OMIT_IF_NONE = frozenset({"found"})
    message: str
    found: bool | None = None  # True: an earlier attempt's reply was found, nothing was sent


@dataclass(frozen=True, slots=True)
class Settled(JsonRecord):
    keep: str | None
    archived: tuple[str, ...]


# ---------------------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class PublishTarget(JsonRecord):
    """One Trello card a plan reaches: who works on it, the due instant (ISO), the plan comments."""

    card_id: str
    board_id: str
    customer: str
    title: str
    developers: tuple[str, ...]
    due: str
    comments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanPublish(ActionPayload):
    KIND = ActionKind.PLAN_PUBLISH
    week: str
    run: str  # one publish run: board loads are shared within it
    targets: tuple[PublishTarget, ...]


@dataclass(frozen=True, slots=True)
class Confirmation(ActionPayload):
    KIND = ActionKind.PLAN_CONFIRM
    week: str
    customer: str
    ticket: int
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class ConfirmationTicket(ActionPayload):
    """The week's confirmation as a new Groove ticket to ``to`` (looked for by subject first)."""

    KIND = ActionKind.PLAN_CONFIRM_TICKET
    week: str
    customer: str
    to: str
    subject: str
    text: str
    author: str
    state: str  # "" leaves the ticket as Groove makes it


@dataclass(frozen=True, slots=True)
class TicketMade(JsonRecord):
    number: int
    found: bool  # an earlier attempt's ticket was found: nothing was sent


# ---------------------------------------------------------------------------------------- close-out


@dataclass(frozen=True, slots=True)
class ClosingCard(JsonRecord):
    """A card to move from Recently Completed to the week's Done list, and its epics copy's link."""

    customer: str
    board_id: str
    card_id: str
    name: str
    link: str  # the card's shortLink ("" when unknown): its Support Epics copy follows it


@dataclass(frozen=True, slots=True)
class WeekClose(ActionPayload):
    KIND = ActionKind.WEEK_CLOSE
    week: str
    done_name: str  # the week's Done list name (the same on the customer boards and Support Epics)
    cards: tuple[ClosingCard, ...]
    plan_card: str  # next week's plan card id ("" when it does not exist: the handover is printed only)
    handover: str


@dataclass(frozen=True, slots=True)
class CardClosed(JsonRecord):
    list: str
    epics_copy: str | None


@dataclass(frozen=True, slots=True)
class HandoverPosted(JsonRecord):
    comment: str | None  # None: no plan card to write on
    found: bool


@dataclass(frozen=True, slots=True)
class Published(JsonRecord):
    members_added: tuple[str, ...] = ()
    due_set: bool = False
    commented: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Confirmed(JsonRecord):
    message_id: str
    already: bool


# -------------------------------------------------------------------------------------- impediments


@dataclass(frozen=True, slots=True)
class ImpedimentFlag(ActionPayload):
    """Label a card ``Blocked`` and comment why, on the customer's card and on its Support Epics copy.

    ``card_id`` is the customer's card (``link`` its shortLink, which finds the copy by its marker);
    ``copy_id`` is the copy when the flag was raised on it, or None to look it up. ``comment`` is the
    exact text posted on both, so a retry can look for it before posting again.
    """

    KIND = ActionKind.IMPEDIMENT
    OMIT_IF_NONE = frozenset({"copy_id"})
    card_id: str
    board_id: str
    link: str
    name: str
    comment: str
    asked_at: datetime
    copy_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImpedimentClear(ActionPayload):
    """Remove the ``Blocked`` label and comment ``Impediment cleared`` on both sides (see :class:`ImpedimentFlag`)."""

    KIND = ActionKind.IMPEDIMENT_CLEAR
    OMIT_IF_NONE = frozenset({"copy_id"})
    card_id: str
    board_id: str
    link: str
    name: str
    asked_at: datetime
    copy_id: str | None = None


@dataclass(frozen=True, slots=True)
class Labelled(JsonRecord):
    """A ``Blocked`` label put on or taken off a card (``card`` None: that side has no card)."""

    card: str | None
    label: str | None
    created: bool = False  # the board had no Blocked label: this step made it


@dataclass(frozen=True, slots=True)
class Commented(JsonRecord):
    """A comment posted on a card (``found``: an earlier attempt's was found, nothing was posted)."""

    card: str | None
    action: str | None
    found: bool = False


@dataclass(frozen=True, slots=True)
class PlanRecordWrite(ActionPayload):
    """Write the week's plan (the latest local copy, read when the step runs) to its plan card.
    ``choice`` is ``"repair"`` when the person chose to rewrite a card that could not be trusted;
    ``migrate`` marks a plan saved before plans lived on Trello (written only where no card exists)."""

    KIND = ActionKind.PLAN_RECORD
    OMIT_IF_NONE = frozenset({"choice", "migrate"})
    week: str
    choice: str | None = None
    migrate: bool | None = None


@dataclass(frozen=True, slots=True)
class PlansList(JsonRecord):
    list_id: str


@dataclass(frozen=True, slots=True)
class PlanWritten(JsonRecord):
    OMIT_IF_NONE = frozenset({"card_id", "skipped"})
    card_id: str | None = None
    revision: int = 0
    wrote: bool = False
    created: bool = False
    conflicts: int = 0
    skipped: str | None = None


PAYLOADS: dict[ActionKind, type[ActionPayload]] = {
    cls.KIND: cls for cls in (Backlog, FixNow, Urgent, Close, Note, Undo, CardMove, CardDone, EpicsCopy,
                              EpicsToDone, EpicsDedupe, EpicsOrphan, PlanPublish, Confirmation,
                              ConfirmationTicket, WeekClose, ImpedimentFlag, ImpedimentClear,
                              PlanRecordWrite)}
