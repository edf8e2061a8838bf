"""What one board said since a moment, kept small enough to cache and merge: for the stand-up.

A board is read once (its cards' lists and ``Blocked`` labels, and the moves and comments since the
previous working day's start, in one request); reopening the stand-up then asks only for actions
newer than the newest one seen and merges them in (:meth:`BoardActivity.merged`): a move changes the
card's list, an impediment comment opens or closes its impediment. The cache is plain JSON
(:meth:`to_json`), so the CLI run a minute later reuses what the screen read.

Also here: how the activity of the customer boards and the Support Epics board is joined onto the
plan's cards (:func:`join_activity`), whose ids may be either side's. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from supportdesk_tui.domain.impediments import is_cleared_comment, is_impediment_comment, reason_of
from supportdesk_tui.domain.planning import Plan
from supportdesk_tui.domain.standup import CardEvent, EventKind


@dataclass(frozen=True, slots=True)
class CardState:
    """A card as the stand-up needs it: where it is, its shortLink, and its open impediment, if any."""

    list_name: str
    link: str = ""
    blocked: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BoardActivity:
    board_id: str
    since: datetime
    read_at: datetime
    newest_action: str | None
    cards: Mapping[str, CardState] = field(default_factory=dict)
    events: tuple[CardEvent, ...] = ()

    def merged(self, events: Sequence[CardEvent], newest: str | None, at: datetime) -> BoardActivity:
        """This activity with newer events applied (oldest first): moves, impediments opened or cleared."""
        known = {_key(e) for e in self.events}
        fresh = []
        for event in sorted(events, key=lambda e: e.at):
            if _key(event) not in known:
                known.add(_key(event))
                fresh.append(event)
        cards = dict(self.cards)
        for event in fresh:
            state = cards.get(event.card_id, CardState(""))
            cards[event.card_id] = apply_event(state, event)
        return replace(self, cards=cards, events=self.events + tuple(fresh), newest_action=newest or self.newest_action,
                       read_at=at)

    def to_json(self) -> dict[str, Any]:
        return {"board": self.board_id, "since": self.since.isoformat(), "read_at": self.read_at.isoformat(),
                "newest": self.newest_action,
                "cards": {cid: [s.list_name, s.link, s.blocked, s.reason] for cid, s in self.cards.items()},
                "events": [[e.card_id, e.kind.value, e.at.isoformat(), e.by, e.to_list, e.text] for e in self.events]}

    @classmethod
    def from_json(cls, data: Any) -> BoardActivity | None:
        """The cached activity, or None when the cache was written in another shape (then read afresh)."""
        try:
            cards = {str(cid): CardState(str(v[0]), str(v[1]), bool(v[2]), str(v[3]))
                     for cid, v in data["cards"].items()}
            events = tuple(CardEvent(str(e[0]), EventKind(e[1]), datetime.fromisoformat(e[2]), str(e[3]), str(e[4]),
                                     str(e[5])) for e in data["events"])
            return cls(str(data["board"]), datetime.fromisoformat(data["since"]),
                       datetime.fromisoformat(data["read_at"]), data["newest"], cards, events)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


def _key(event: CardEvent) -> tuple[str, EventKind, datetime, str, str]:
    return event.card_id, event.kind, event.at, event.text, event.to_list


def apply_event(state: CardState, event: CardEvent) -> CardState:
    if event.kind is EventKind.MOVED:
        return replace(state, list_name=event.to_list or state.list_name)
    if is_cleared_comment(event.text):
        return replace(state, blocked=False, reason="")
    if is_impediment_comment(event.text):
        return replace(state, blocked=True, reason=reason_of(event.text))
    return state


def impediment_reasons(events: Iterable[CardEvent]) -> dict[str, str]:
    """Per card, the reason of the newest impediment comment among ``events`` ("" for a clear)."""
    out: dict[str, str] = {}
    for event in sorted(events, key=lambda e: e.at):
        if event.kind is EventKind.COMMENTED and is_impediment_comment(event.text):
            out[event.card_id] = "" if is_cleared_comment(event.text) else reason_of(event.text)
    return out


@dataclass(frozen=True, slots=True)
class Joined:
    """The boards' activity keyed by the plan's card ids: what :func:`build_standup` takes."""

    events: tuple[CardEvent, ...]
    current_lists: dict[str, str]
    impediments: dict[str, str]


def join_activity(plan: Plan, activities: Iterable[BoardActivity]) -> Joined:
    """Re-key every board's events and card states onto the plan's items.

    A planned item is the Support Epics copy (``card_id``) with the customer's card as its source
    (``source_card_id``: an id, or a shortLink when its board did not load at planning time), or the
    customer's card itself. The customer's card decides where the work is (its board has Recently
    Completed and Done); either side's ``Blocked`` label makes it blocked.
    """
    activities = tuple(activities)
    states: dict[str, CardState] = {}
    by_link: dict[str, str] = {}
    for activity in activities:
        for cid, state in activity.cards.items():
            states[cid] = state
            if state.link:
                by_link[state.link] = cid
    alias: dict[str, str] = {}
    for item_id, item in plan.items.items():
        alias[item_id] = item_id
        source = item.source_card_id
        if source:
            alias[by_link.get(source, source)] = item_id
    # An impediment comment is not progress on the card: the stand-up says it as an impediment instead.
    events = tuple(replace(e, card_id=alias[e.card_id]) for a in activities for e in a.events
                   if e.card_id in alias and not (e.kind is EventKind.COMMENTED and is_impediment_comment(e.text)))
    lists: dict[str, str] = {}
    blocked: dict[str, str] = {}
    for item_id, item in plan.items.items():
        own = states.get(item_id)
        source_id = by_link.get(item.source_card_id or "", item.source_card_id or "")
        theirs = states.get(source_id) if item.source_card_id else None
        where = theirs or own
        if where is not None and where.list_name:
            lists[item_id] = where.list_name
        for side in (theirs, own):
            if side is not None and side.blocked:
                blocked[item_id] = blocked.get(item_id) or side.reason or "reason on the card"
    return Joined(events, lists, blocked)
