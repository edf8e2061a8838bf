"""Trello board actions as stand-up events: list moves and comments, and who made them.

The stand-up asks each board for ``updateCard:idList`` and ``commentCard`` actions since the previous
working day's start. A move carries ``data.listAfter`` (its name is what the stand-up says, "moved to
Recently Completed"); a comment carries ``data.text``. Anything else, or an action without a card, is
skipped rather than refused: one odd action must not cost the whole stand-up. Pure mapping, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from supportdesk_tui.clients.errors import ApiError, ValidationError
from supportdesk_tui.domain.clock import parse_instant
from supportdesk_tui.domain.redact import displayable
from supportdesk_tui.domain.standup import CardEvent, EventKind

STANDUP_FILTER = "updateCard:idList,commentCard"
ACTION_FIELDS = "id,type,date,data,idMemberCreator"


def card_events(actions: Iterable[Mapping[str, Any]], members: Mapping[str, str] | None = None) -> list[CardEvent]:
    """Moves and comments, oldest first. ``members`` maps member ids to usernames (from the board load)."""
    out: list[CardEvent] = []
    for action in actions:
        event = _event(action, members or {})
        if event is not None:
            out.append(event)
    return sorted(out, key=lambda e: e.at)


def _event(action: Mapping[str, Any], members: Mapping[str, str]) -> CardEvent | None:
    data = action.get("data")
    if not isinstance(data, Mapping):
        return None
    card = data.get("card")
    card_id = card.get("id") if isinstance(card, Mapping) else None
    if not isinstance(card_id, str):
        return None
    date = action.get("date")
    try:
        at = parse_instant(date) if isinstance(date, str) else None
    except (ValueError, OverflowError):
        return None
    if at is None:
        return None
    by = _who(action, members)
    kind = action.get("type")
    if kind == "commentCard" and isinstance(data.get("text"), str):
        return CardEvent(card_id, EventKind.COMMENTED, at, by, text=displayable(str(data["text"]), multiline=True))
    after = data.get("listAfter")
    if kind == "updateCard" and isinstance(after, Mapping) and isinstance(after.get("name"), str):
        return CardEvent(card_id, EventKind.MOVED, at, by, to_list=displayable(str(after["name"])))
    return None


def _who(action: Mapping[str, Any], members: Mapping[str, str]) -> str:
    creator = action.get("memberCreator")
    if isinstance(creator, Mapping) and isinstance(creator.get("username"), str):
        return displayable(str(creator["username"]))
    member_id = action.get("idMemberCreator")
    return members.get(member_id, "") if isinstance(member_id, str) else ""


def not_on_card(exc: ApiError) -> bool:
    """A 400 saying the label is not on the card: the removal we wanted has happened.

    UNCONFIRMED: Trello's wording when the label is not on the card (the fake says "that label is not
    on the card"); only "not on" is relied on.
    """
    return isinstance(exc, ValidationError) and "not on" in f"{exc} {exc.body}".lower()
