"""The Planning screen's two journaled actions: ``plan.publish`` (Trello) and ``plan.confirm`` (Groove).

Both follow the journal's rule: every step looks before it writes, so a replay after a crash or a
dropped answer, or a second publish of the same plan, changes nothing that is already right.

- Publish has one step per Trello card. The step reads the card (from one board load per board and
  run), adds only the planned developers who are not members yet, sets the due date only if it
  differs, and comments the plan only if that exact comment is not on the card yet.
- Confirm has one step: re-read the ticket's thread and post the text as a public reply only if no
  reply of ours in it already contains the text (``services.groove_writes.post_once``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.actions import Confirmation, Confirmed, PlanPublish, Published, PublishTarget
from supportdesk_tui.domain.boards import Board, Card
from supportdesk_tui.domain.journal import ActionKind
from supportdesk_tui.domain.plan_export import PlannedCard, describe_when, planned_cards
from supportdesk_tui.domain.planning import Plan, WorkItem, day_label
from supportdesk_tui.services.context import ServiceContext
from supportdesk_tui.services.groove_writes import post_once
from supportdesk_tui.services.journal import Action, AmbiguousWriteError, Step, StepFn, StepResults

PUBLISH_KIND = ActionKind.PLAN_PUBLISH
CONFIRM_KIND = ActionKind.PLAN_CONFIRM
_BOARD_CACHE_RUNS = 2


def normalise(text: str) -> str:
    """Whitespace-insensitive text, for finding our own words again in a thread or a comment list.

    Groove turns a posted body into HTML and back (``plain_text_body``), which may re-wrap lines.
    """
    return " ".join(text.split())


def due_instant(day: date, settings: Settings) -> datetime:
    """The close of business on ``day`` in the team's zone: the end of the last business-hours window."""
    window = settings.sla.business_hours[-1] if settings.sla.business_hours else "09:00-17:30"
    end = window.split("-")[-1]
    hour, minute = (int(x) for x in end.split(":"))
    close = time(23, 59) if hour == 24 else time(hour, minute)
    return datetime.combine(day, close, tzinfo=ZoneInfo(settings.sla.timezone))


def plan_comment(week: str, card: PlannedCard) -> str:
    """``Support plan 2026-W48: ana, Mon–Tue; ben, Wed (half day). Due Wed 25 Nov.``"""
    return f"Support plan {week}: {describe_when(card)}. Due {day_label(card.last_day)}."


def publish_targets(plan: Plan, pool: Iterable[WorkItem], settings: Settings) -> list[dict[str, Any]]:
    """One JSON-able target per Trello card: the epic card and its source card, or the lone card.

    A card reached twice (an old plan's customer card and a newer epic copy of it) is merged into
    one target, so two steps never fight over its due date.
    """
    boards = {c.name: c.trello_board for c in settings.customers}
    epics = settings.trello.support_epics_board
    merged: dict[str, dict[str, Any]] = {}
    for card in planned_cards(plan, pool):
        item = card.item
        due = due_instant(card.last_day, settings).isoformat()
        comment = plan_comment(str(plan.week), card)
        places = [(item.card_id, epics), (item.source_card_id, boards.get(item.customer, ""))] \
            if item.source_card_id else [(item.card_id, boards.get(item.customer, ""))]
        for card_id, board_id in places:
            assert card_id is not None
            target = merged.setdefault(card_id, {"card_id": card_id, "board_id": board_id, "customer": item.customer,
                                                 "title": item.title, "developers": [], "due": due, "comments": []})
            target["developers"] = list(dict.fromkeys([*target["developers"], *card.developers]))
            target["due"] = max(target["due"], due, key=datetime.fromisoformat)
            if comment not in target["comments"]:
                target["comments"].append(comment)
    return list(merged.values())


def _write_outcome_unknown(exc: BaseException) -> bool:
    """A Trello write that may have landed. Imported here, not at the top: py-trello is heavy, and
    the container keeps it out of the app's cold start until Trello is first used (it is by then)."""
    from supportdesk_tui.clients.trello.errors import WriteOutcomeUnknownError

    return isinstance(exc, WriteOutcomeUnknownError)


def _find(board: Board, ref: str) -> Card | None:
    return next((c for c in board.cards if c.id == ref or c.short_url.rstrip("/").endswith(f"/{ref}")), None)


class PublishHandler(Action[PlanPublish]):
    """``plan.publish``: one step per target card (``card:<id>``), see :func:`publish_targets`."""

    payload_type = PlanPublish

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self._boards: dict[tuple[str, str], Board] = {}  # (run, board id): one load per board per run

    def steps(self, p: PlanPublish) -> Sequence[Step[PlanPublish]]:
        return [Step(f"card:{t.card_id}", self._step_for(t)) for t in p.targets]

    def describe(self, p: PlanPublish) -> str:
        return f"publish the {p.week or '?'} plan to Trello"

    def _step_for(self, target: PublishTarget) -> StepFn[PlanPublish]:
        async def publish(p: PlanPublish, done: StepResults) -> Published:
            return await self.publish_card(p.run, target)

        return publish

    async def publish_card(self, run: str, target: PublishTarget) -> Published:
        try:
            return await self._publish_card(run, target)
        except BaseException as exc:
            # The step may have changed the card before failing: read it afresh on the retry.
            self._boards.pop((run, target.board_id), None)
            if _write_outcome_unknown(exc):
                # The step looks before it writes, so the journal may run it again straight away.
                raise AmbiguousWriteError("Trello", "a write got no clear answer and may have happened; "
                                          "the card is read again before anything is retried") from None
            raise

    async def _board(self, run: str, board_id: str) -> Board:
        key = (run, board_id)
        if key not in self._boards:
            runs = list(dict.fromkeys(r for r, _ in self._boards))
            if run not in runs and len(runs) >= _BOARD_CACHE_RUNS:
                self._boards = {k: v for k, v in self._boards.items() if k[0] != runs[0]}
            trello = await self.context.trello()
            self._boards[key] = await trello.load_board(board_id)
        return self._boards[key]

    async def _publish_card(self, run: str, target: PublishTarget) -> Published:
        where = f"{target.customer}: {target.title}"
        if not target.board_id:
            return Published(notes=(f"{where}: no Trello board is configured for it; skipped.",))
        board = await self._board(run, target.board_id)
        card = _find(board, target.card_id)
        if card is None:
            return Published(notes=(f"{where}: card {target.card_id} is not on the {board.name} board any more "
                                    "(archived or moved); skipped.",))
        trello = await self.context.trello()
        added: list[str] = []
        notes: list[str] = []
        on_card = {m.id for m in card.members}
        for developer in target.developers:
            member = next((m for m in board.members if m.username.casefold() == developer.casefold()), None)
            if member is None:
                notes.append(f"{developer} has no Trello member of that username on the {board.name} board; "
                             "not added.")
            elif member.id not in on_card:
                await trello.add_member(card.id, member.id)
                added.append(developer)
        due = datetime.fromisoformat(target.due)
        due_set = card.due is None or card.due != due
        if due_set:
            await trello.set_due(card.id, due)
        existing = {normalise(text) for _, text in await trello.list_comments(card.id)}
        commented: list[str] = []
        for comment in target.comments:
            if normalise(comment) not in existing:
                await trello.add_comment(card.id, comment)
                commented.append(comment)
        return Published(tuple(added), due_set, tuple(commented), tuple(notes))


class ConfirmHandler(Action[Confirmation]):
    """``plan.confirm``: payload ``{"week", "customer", "ticket", "text", "author"}``.

    How older versions sent a confirmation: a public reply on the customer's open ticket. The
    Planning screen now sends each confirmation as its own new ticket (``plan.confirm_ticket``, in
    ``services/call/confirm.py``); this handler stays so entries an older version queued still finish.
    """

    payload_type = Confirmation

    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    def steps(self, p: Confirmation) -> Sequence[StepFn[Confirmation]]:
        return (self.reply,)

    def describe(self, p: Confirmation) -> str:
        return f"send {p.customer or '?'} the {p.week or '?'} plan on #{p.ticket}"

    async def reply(self, p: Confirmation, done: StepResults) -> Confirmed:
        # UNCONFIRMED: that Groove keeps the plain-text line breaks of a public reply in the e-mail
        # it sends; the body is sent as plain text, as the other replies of this app are.
        posted = await post_once(await self.context.groove(), p.ticket, p.text, note=False, author=p.author,
                                 look=True, contains=p.text)
        return Confirmed(posted.id, already=posted.found)
