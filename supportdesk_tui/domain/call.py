"""The customer call's figures and the week's close-out, as pure rules.

- When a card entered a list comes from the board's actions (``createCard``, ``copyCard`` and
  ``updateCard`` with ``listAfter``), newest first as Trello returns them: :class:`ListEntry`.
- The close-out moves the cards that have sat in Recently Completed since before the week's start to
  the week's Done list, so Recently Completed keeps only this week's work. A card whose entry is not
  among the actions read (older than the board's action history) has sat there longer still: it moves.
- The handover for the next triage pair is one comment whose first line names the week it hands over,
  so a second close-out finds it instead of writing another.
- The SLA figures since the last call count the same clocks the Inbox's week figures count, over the
  days since the call instead of one ISO week.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from supportdesk_tui.domain.agenda import SlaSince
from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.domain.sla_clock import RESOLVED_BACKLOG, SlaClock, SlaStatus

HANDOVER_TITLE = "Triage handover for {week}"


@dataclass(frozen=True, slots=True)
class ListEntry:
    """A card arriving in a list (created there, copied there or moved there) at an instant."""

    card_id: str
    list_id: str
    at: datetime


def list_entries(actions: Iterable[Mapping[str, Any]]) -> list[ListEntry]:
    """The list arrivals among Trello board actions (other actions and malformed ones are skipped)."""
    out: list[ListEntry] = []
    for action in actions:
        data = action.get("data")
        kind = action.get("type")
        if not isinstance(data, Mapping) or not isinstance(action.get("date"), str):
            continue
        card = data.get("card")
        target = data.get("listAfter") if kind == "updateCard" else data.get("list")
        if not isinstance(card, Mapping) or not isinstance(target, Mapping):
            continue
        if kind not in ("createCard", "copyCard", "updateCard", "moveCardToBoard"):
            continue
        try:
            at = datetime.fromisoformat(str(action["date"]).replace("Z", "+00:00"))
        except ValueError:
            continue
        if isinstance(card.get("id"), str) and isinstance(target.get("id"), str):
            out.append(ListEntry(str(card["id"]), str(target["id"]), at.astimezone(UTC)))
    return out


def entered_at(entries: Iterable[ListEntry], card_id: str, list_id: str) -> datetime | None:
    """When the card last arrived in the list, if the actions read show it."""
    times = [e.at for e in entries if e.card_id == card_id and e.list_id == list_id]
    return max(times) if times else None


def cards_to_close(cards: Sequence[Card], entries: Sequence[ListEntry], list_id: str,
                   week_start: datetime) -> list[tuple[Card, datetime | None]]:
    """Cards of ``list_id`` that entered it before ``week_start`` (or earlier than the actions read)."""
    out: list[tuple[Card, datetime | None]] = []
    for card in cards:
        if card.list_id != list_id or card.closed:
            continue
        at = entered_at(entries, card.id, list_id)
        if at is None or at < week_start:
            out.append((card, at))
    return out


# ------------------------------------------------------------------------------------------- handover
@dataclass(frozen=True, slots=True)
class Handover:
    """What the next triage pair must know, in words (each item one line)."""

    week: IsoWeek  # the week handed over TO
    pair: tuple[str, ...] = ()
    at_risk: tuple[str, ...] = ()
    timeboxes: tuple[str, ...] = ()
    impediments: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    impediments_known: bool = True  # False: no "Blocked" label anywhere, so nothing could be counted


def handover_title(week: IsoWeek) -> str:
    return HANDOVER_TITLE.format(week=week)


def is_handover(text: str, week: IsoWeek) -> bool:
    """Whether a comment is the handover for ``week`` (its first line), whitespace forgiven."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return " ".join(first.lstrip("#* ").split()).casefold().startswith(handover_title(week).casefold())


def render_handover(h: Handover) -> str:
    """The handover as Markdown (Trello renders it in the comment)."""
    pair = f" ({' and '.join(h.pair)})" if h.pair else ""
    lines = [f"**{handover_title(h.week)}**{pair}", ""]

    def section(title: str, rows: Sequence[str], empty: str) -> None:
        lines.append(f"{title}:")
        lines.extend(f"- {row}" for row in rows) if rows else lines.append(f"- {empty}")
        lines.append("")

    section("Tickets at risk or breached, still open", h.at_risk, "none")
    section("Fix-now timeboxes running", h.timeboxes, "none")
    section("Impediments open", h.impediments,
            "none" if h.impediments_known else "not tracked (no board has a \u201cBlocked\u201d label)")
    section("Actions pending", h.pending, "none")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------------------- SLA since a call
def sla_since(clocks: Iterable[SlaClock], start: datetime, now: datetime) -> SlaSince:
    """Received, resolved in time, breached and backlogged between ``start`` and ``now`` (as the week
    figures count them: each in the window the event happened in)."""
    start, now = start.astimezone(UTC), now.astimezone(UTC)

    def within(instant: datetime | None) -> bool:
        return instant is not None and start <= instant <= now

    received = in_time = breached = backlogged = 0
    for clock in clocks:
        if clock.started_at is None:
            continue
        if within(clock.started_at) and not clock.reopened:
            received += 1
        if within(clock.breach_time(now)):
            breached += 1
        if within(clock.resolved_at):
            if clock.final is SlaStatus.MET:
                in_time += 1
            if clock.resolution == RESOLVED_BACKLOG:
                backlogged += 1
    return SlaSince(received, in_time, breached, backlogged)
