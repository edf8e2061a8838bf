"""Trello JSON to domain values, and the field lists the facade asks Trello for.

Kept apart from the facade so the mapping can be read (and tested) without threads or HTTP. Every
function raises :class:`PayloadShapeError` when the JSON is not the shape Trello documents, and nothing
else whatever the JSON (tests/test_fuzz_payloads.py): the facade maps only that one to ``BadPayloadError``,
so any other exception would escape as a crash. Names and descriptions are written by anyone on the
board; they leave here with terminal controls made visible (:func:`~supportdesk_tui.domain.redact.displayable`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from supportdesk_tui.domain.boards import Board, BoardList, Card, Label, Member
from supportdesk_tui.domain.clock import parse_instant
from supportdesk_tui.domain.redact import displayable

BOARD_FIELDS = "name,desc,closed,url,shortUrl,dateLastActivity"
LIST_FIELDS = "name,closed,pos"
CARD_FIELDS = ("name,desc,closed,idList,idBoard,pos,url,shortUrl,shortLink,due,dueComplete,"
               "idLabels,idMembers,labels,dateLastActivity")
LABEL_FIELDS = "name,color"
MEMBER_FIELDS = "fullName,username,initials"


class PayloadShapeError(ValueError):
    """Trello answered 200 with JSON we cannot map (a missing key, a wrong type)."""


def board_query(*, baseline: bool = False) -> dict[str, str]:
    """The nested-resource query that loads a whole board in one request.

    ``cards=visible`` (not ``open``): ``open`` also returns open cards sitting in archived lists.
    ``actions=none`` explicitly, because the current swagger documents ``actions=all`` as default;
    with ``baseline`` the newest action's id alone comes along (``actions_limit=1``, ``action_fields=id``),
    so the change-detection baseline is taken from the very answer the board was built from.
    """
    query = {
        "fields": BOARD_FIELDS,
        "lists": "open", "list_fields": LIST_FIELDS,
        "cards": "visible", "card_fields": CARD_FIELDS,
        "labels": "all", "label_fields": LABEL_FIELDS, "labels_limit": "1000",
        "members": "all", "member_fields": MEMBER_FIELDS,
        "actions": "none",
    }
    if baseline:
        query.update({"actions": "all", "actions_limit": "1", "action_fields": "id"})
    return query


def newest_action_id(data: Any) -> str | None:
    """The id of the newest action nested in a board answer loaded with ``board_query(baseline=True)``.

    UNCONFIRMED: that nested actions come newest first, as ``/boards/{id}/actions`` does; with limit 1
    there is only one either way. None when the board has no actions (or the answer has none nested):
    the next poll then takes the baseline itself, as before.
    """
    if not isinstance(data, Mapping) or not data.get("actions"):
        return None
    actions = parse_actions(data.get("actions"))
    return str(actions[0]["id"]) if actions else None


def format_instant(value: datetime) -> str:
    """Trello's own output form, ``2019-09-16T16:19:17.156Z`` (naive datetimes are refused)."""
    if value.tzinfo is None:
        raise ValueError("a Trello date needs an aware datetime")
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _instant(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise PayloadShapeError(f"expected an ISO date, got {type(value).__name__}")
    try:
        return parse_instant(value)
    except (ValueError, OverflowError) as exc:  # OverflowError: 9999-12-31T23:00-05:00 is past datetime.max
        raise PayloadShapeError(f"bad date {value[:60]!r}") from exc


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayloadShapeError(f"expected a JSON object for {what}, got {type(value).__name__}")
    return value


def _items(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadShapeError(f"expected a JSON array for {what}, got {type(value).__name__}")
    return value


def json_array(value: Any, what: str) -> list[Any]:
    """A top-level answer that must be a JSON array (a board's lists, a list's cards, a board's members)."""
    if not isinstance(value, list):
        raise PayloadShapeError(f"expected a JSON array of {what}, got {type(value).__name__}")
    return value


def _str(obj: Mapping[str, Any], key: str, what: str, *, default: str | None = None) -> str:
    value = obj.get(key, default)
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise PayloadShapeError(f"{what}.{key} missing or not a string")
    return value


def _text(obj: Mapping[str, Any], key: str, what: str, *, multiline: bool = False) -> str:
    """An optional free-text field (defaults to ""), made safe to show."""
    return displayable(_str(obj, key, what, default=""), multiline=multiline)


def _pos(obj: Mapping[str, Any], what: str) -> float:
    value = obj.get("pos", 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadShapeError(f"{what}.pos is not a number")
    try:
        pos = float(value)
    except OverflowError:
        raise PayloadShapeError(f"{what}.pos is out of range") from None
    if not math.isfinite(pos):  # Python's json reads NaN and Infinity, and NaN would scramble the sort
        raise PayloadShapeError(f"{what}.pos is not a finite number")
    return pos


def parse_label(data: Any) -> Label:
    obj = _obj(data, "label")
    color = obj.get("color")
    return Label(_str(obj, "id", "label"), _text(obj, "name", "label"),
                 displayable(color) if isinstance(color, str) else None)


def parse_member(data: Any) -> Member:
    obj = _obj(data, "member")
    return Member(_str(obj, "id", "member"), _text(obj, "username", "member"), _text(obj, "fullName", "member"),
                  _text(obj, "initials", "member"))


def parse_list(data: Any) -> BoardList:
    obj = _obj(data, "list")
    return BoardList(_str(obj, "id", "list"), _text(obj, "name", "list"), _pos(obj, "list"),
                     bool(obj.get("closed", False)))


def parse_card(data: Any, labels_by_id: Mapping[str, Label], members_by_id: Mapping[str, Member]) -> Card:
    """One card; labels come from the card's own ``labels`` array when present, else via ``idLabels``.

    Members are resolved through the board's member list; an id not on the board (someone removed
    from the board but still on the card) becomes a Member with an empty username rather than
    disappearing, so "assigned to someone" stays visible.
    """
    obj = _obj(data, "card")
    if "labels" in obj:
        labels = tuple(parse_label(item) for item in _items(obj["labels"], "card.labels"))
    else:
        labels = tuple(labels_by_id[i] for i in _items(obj.get("idLabels"), "card.idLabels")
                       if isinstance(i, str) and i in labels_by_id)
    members = tuple(members_by_id.get(i, Member(i, "")) for i in _items(obj.get("idMembers"), "card.idMembers")
                    if isinstance(i, str))
    return Card(
        id=_str(obj, "id", "card"),
        name=_text(obj, "name", "card"),
        list_id=_str(obj, "idList", "card"),
        board_id=_str(obj, "idBoard", "card"),
        pos=_pos(obj, "card"),
        url=_text(obj, "url", "card"),
        short_url=_text(obj, "shortUrl", "card"),
        desc=_text(obj, "desc", "card", multiline=True),
        due=_instant(obj.get("due")),
        closed=bool(obj.get("closed", False)),
        labels=labels,
        members=members,
        last_activity=_instant(obj.get("dateLastActivity")),
    )


def parse_board(data: Any) -> Board:
    """A nested board answer (see :func:`board_query`); cards are sorted by list then position."""
    obj = _obj(data, "board")
    labels = tuple(parse_label(item) for item in _items(obj.get("labels"), "board.labels"))
    members = tuple(parse_member(item) for item in _items(obj.get("members"), "board.members"))
    lists = tuple(sorted((parse_list(item) for item in _items(obj.get("lists"), "board.lists")),
                         key=lambda lst: lst.pos))
    labels_by_id = {label.id: label for label in labels}
    members_by_id = {member.id: member for member in members}
    cards = tuple(parse_card(item, labels_by_id, members_by_id)
                  for item in _items(obj.get("cards"), "board.cards"))
    order = {lst.id: index for index, lst in enumerate(lists)}
    cards = tuple(sorted(cards, key=lambda c: (order.get(c.list_id, len(order)), c.pos)))
    return Board(
        id=_str(obj, "id", "board"),
        name=_text(obj, "name", "board"),
        url=_text(obj, "url", "board"),
        lists=lists,
        cards=cards,
        labels=labels,
        members=members,
        last_activity=_instant(obj.get("dateLastActivity")),
    )


def parse_actions(data: Any) -> list[Mapping[str, Any]]:
    """A list of actions, newest first as Trello returns them; only ``id`` is required."""
    actions = [_obj(item, "action") for item in _items(data, "actions")]
    for action in actions:
        _str(action, "id", "action")
    return actions


def comment_text(action: Mapping[str, Any]) -> str:
    data = action.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("text"), str):
        return displayable(str(data["text"]), multiline=True)
    raise PayloadShapeError("comment action without data.text")
