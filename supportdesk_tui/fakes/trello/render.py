"""The JSON the fake Trello answers with, including ``fields`` filtering and nested board loads.

Cards carry every key py-trello's ``Card.from_json`` requires (id, name, dueComplete, closed, url,
pos, shortUrl, idMembers, idLabels, idBoard, idList, idShort, badges with checkItems/comments/
attachments, idChecklists, labels, dateLastActivity) when ``card_fields`` is ``all`` (the default);
with an explicit list Trello answers ``id`` plus the listed fields, and so does the fake. An unknown
field name is a 400, so a client typo fails here instead of silently reading ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supportdesk_tui.fakes.trello.records import (
    ActionRec,
    BoardRec,
    CardRec,
    FakeError,
    LabelRec,
    ListRec,
    MemberRec,
    format_date,
    parse_bool,
    slug,
)
from supportdesk_tui.fakes.trello.state import TrelloState


def pick(full: dict[str, Any], fields: str | None, param: str) -> dict[str, Any]:
    if fields is None or fields.strip() in ("", "all"):
        return full
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    if any(f not in full for f in wanted):
        raise FakeError(400, f"invalid value for {param}")
    return {"id": full["id"], **{f: full[f] for f in wanted}}


def member_json(state: TrelloState, member: MemberRec, fields: str | None = None, param: str = "fields") -> dict:
    full = {"id": member.id, "username": member.username, "fullName": member.full_name,
            "initials": member.initials, "avatarHash": None, "avatarUrl": None, "confirmed": True,
            "memberType": "normal", "url": f"https://trello.com/{member.username}",
            "idBoards": [b.id for b in state.boards.values() if member.id in b.member_ids]}
    return pick(full, fields, param)


def label_json(label: LabelRec, fields: str | None = None, param: str = "fields") -> dict:
    full = {"id": label.id, "idBoard": label.board_id, "name": label.name, "color": label.color, "uses": 0}
    return pick(full, fields, param)


def list_json(lst: ListRec, fields: str | None = None, param: str = "fields") -> dict:
    full = {"id": lst.id, "name": lst.name, "closed": lst.closed, "pos": lst.pos, "idBoard": lst.board_id,
            "subscribed": False, "softLimit": None}
    return pick(full, fields, param)


def card_json(state: TrelloState, card: CardRec, fields: str | None = None, param: str = "fields",
              custom_field_items: bool = False) -> dict:
    due = format_date(card.due) if card.due else None
    comments = state.comment_counts[card.id]
    full = {
        "id": card.id, "name": card.name, "desc": card.desc, "descData": {"emoji": {}},
        "closed": card.closed, "dueComplete": card.due_complete, "due": due, "start": None,
        "dueReminder": None, "dateLastActivity": format_date(card.last_activity),
        "idBoard": card.board_id, "idList": card.list_id, "idShort": card.id_short,
        "idMembers": list(card.id_members), "idMembersVoted": [], "idLabels": list(card.id_labels),
        "labels": [label_json(state.labels[i]) for i in card.id_labels if i in state.labels],
        "idChecklists": [], "checkItemStates": [], "idAttachmentCover": None, "manualCoverAttachment": False,
        "pos": card.pos, "shortLink": card.short_link, "shortUrl": f"https://trello.com/c/{card.short_link}",
        "url": f"https://trello.com/c/{card.short_link}/{card.id_short}-{slug(card.name)}",
        "subscribed": False, "email": None, "isTemplate": False, "cardRole": None,
        "cover": {"idAttachment": None, "color": None, "size": "normal", "brightness": "dark"},
        "badges": {"attachmentsByType": {"trello": {"board": 0, "card": 0}}, "location": False, "votes": 0,
                   "viewingMemberVoted": False, "subscribed": False, "fogbugz": "", "checkItems": 0,
                   "checkItemsChecked": 0, "checkItemsEarliestDue": None, "comments": comments,
                   "attachments": 0, "description": bool(card.desc), "due": due,
                   "dueComplete": card.due_complete, "start": None},
    }
    out = pick(full, fields, param)
    if custom_field_items:
        out["customFieldItems"] = []
    return out


def board_json(state: TrelloState, board: BoardRec, fields: str | None = None, param: str = "fields") -> dict:
    full = {
        "id": board.id, "name": board.name, "desc": board.desc, "descData": None, "closed": board.closed,
        "idOrganization": None, "idEnterprise": None, "pinned": False, "starred": False,
        "url": f"https://trello.com/b/{board.short_link}/{slug(board.name)}",
        "shortUrl": f"https://trello.com/b/{board.short_link}", "shortLink": board.short_link,
        "dateLastActivity": format_date(board.last_activity), "subscribed": False,
        "prefs": {"permissionLevel": "private", "background": "blue"},
        "labelNames": {c: "" for c in ("green", "yellow", "orange", "red", "purple", "blue")},
    }
    if fields is None:  # Trello's documented default field list for GET /boards/{id}
        fields = "name,desc,descData,closed,idOrganization,pinned,url,shortUrl,prefs,labelNames"
    return pick(full, fields, param)


def action_json(state: TrelloState, action: ActionRec, fields: str | None = None,
                member_creator: bool = True) -> dict:
    full = {"id": action.id, "idMemberCreator": action.member_id, "type": action.type,
            "date": format_date(action.date), "data": action.data, "appCreator": None, "limits": {}}
    out = pick(full, fields, "fields")
    if member_creator and action.member_id in state.members:
        out["memberCreator"] = member_json(state, state.members[action.member_id],
                                           "username,fullName,initials,avatarHash,avatarUrl")
    return out


def lists_filtered(state: TrelloState, board_id: str, which: str) -> list[ListRec]:
    if which not in ("all", "open", "closed", "none"):
        raise FakeError(400, "invalid value for filter")
    lists = state.lists_on(board_id)
    return [lst for lst in lists if which == "all" or (which == "open") != lst.closed] if which != "none" else []


def cards_filtered(state: TrelloState, cards: list[CardRec], which: str) -> list[CardRec]:
    """``open`` includes open cards in archived lists; ``visible`` only those in open lists."""
    if which == "all":
        return cards
    if which == "open":
        return [c for c in cards if not c.closed]
    if which == "closed":
        return [c for c in cards if c.closed]
    if which == "visible":
        return [c for c in cards if not c.closed and not state.lists[c.list_id].closed]
    if which == "none":
        return []
    raise FakeError(400, "invalid value for cards")


def nested_board(state: TrelloState, board: BoardRec, q: Mapping[str, str]) -> dict[str, Any]:
    """``GET /boards/{id}`` with nested resources: everything a client needs in one request."""
    out = board_json(state, board, q.get("fields"))
    lists = q.get("lists", "none")
    if lists != "none":
        out["lists"] = [list_json(lst, q.get("list_fields"), "list_fields")
                        for lst in lists_filtered(state, board.id, lists)]
    cards = q.get("cards", "none")
    if cards != "none":
        custom = parse_bool(q.get("card_customFieldItems", "false"), "card_customFieldItems")
        out["cards"] = [card_json(state, c, q.get("card_fields"), "card_fields", custom)
                        for c in cards_filtered(state, state.cards_on(board.id), cards)]
    labels = q.get("labels", "none")
    if labels not in ("none", "all"):
        raise FakeError(400, "invalid value for labels")
    if labels == "all":
        limit = int_param(q.get("labels_limit", "50"), "labels_limit", 0, 1000)
        board_labels = [lb for lb in state.labels.values() if lb.board_id == board.id][:limit]
        out["labels"] = [label_json(lb, q.get("label_fields"), "label_fields") for lb in board_labels]
    members = q.get("members", "none")
    if members not in ("none", "normal", "admins", "owners", "all"):
        raise FakeError(400, "invalid value for members")
    if members != "none":
        out["members"] = [member_json(state, state.members[m], q.get("member_fields"), "member_fields")
                          for m in board.member_ids if m in state.members]
    # The current swagger documents ``actions=all`` as the default, so a client that forgets
    # ``actions=none`` pays for up to 50 actions here, as it would on Trello.
    actions = q.get("actions", "all")
    if actions != "none":
        limit = int_param(q.get("actions_limit", "50"), "actions_limit", 0, 1000)
        found = state.query_actions(board_id=board.id, types=actions, since=q.get("actions_since"), limit=limit)
        out["actions"] = [action_json(state, a, q.get("action_fields")) for a in found]
    if parse_bool(q.get("customFields", "false"), "customFields"):
        out["customFields"] = []
    if q.get("checklists", "none") != "none":
        out["checklists"] = []
    return out


def int_param(value: str, name: str, low: int, high: int) -> int:
    """Integer query parameters (``limit``, ``cards_limit``...) with Trello's 400 on bad values."""
    try:
        number = int(value)
    except ValueError:
        raise FakeError(400, f"invalid value for {name}") from None
    if not low <= number <= high:
        raise FakeError(400, f"invalid value for {name}")
    return number
