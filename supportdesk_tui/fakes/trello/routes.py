"""The fake Trello's routes: path patterns and their handlers (a mixin of ``TrelloFake``).

Both route shapes are served, as Trello does: the legacy per-field writes py-trello uses
(``PUT /cards/{id}/idList`` with ``{"value": ...}``) and ``PUT /cards/{id}`` with fields as query
parameters or a JSON body. Handlers return JSON-able values (200) or raise ``FakeError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from supportdesk_tui.fakes.trello import render
from supportdesk_tui.fakes.trello.records import (
    NOT_FOUND,
    BoardRec,
    CardRec,
    FakeError,
    ListRec,
    format_date,
    is_object_id,
)
from supportdesk_tui.fakes.trello.state import CARD_FIELDS, TrelloState

Params = dict[str, Any]
_S = r"([^/]+)"
ROUTES: list[tuple[str, str, str]] = [
    ("GET", rf"members/{_S}", "get_member"),
    ("GET", rf"members/{_S}/boards(?:/{_S})?", "member_boards"),
    ("GET", rf"boards/{_S}", "get_board"),
    ("GET", rf"boards/{_S}/lists(?:/{_S})?", "board_lists"),
    ("GET", rf"boards/{_S}/cards(?:/{_S})?", "board_cards"),
    ("GET", rf"boards/{_S}/labels", "board_labels"),
    ("POST", rf"boards/{_S}/labels", "create_board_label"),
    ("GET", rf"boards/{_S}/members", "board_members"),
    ("GET", rf"boards/{_S}/actions", "board_actions"),
    ("GET", rf"boards/{_S}/dateLastActivity", "board_last_activity"),
    ("POST", r"lists", "create_list"),
    ("GET", rf"lists/{_S}", "get_list"),
    ("GET", rf"lists/{_S}/cards(?:/{_S})?", "list_cards"),
    ("PUT", rf"lists/{_S}(?:/(name|closed|pos))?", "put_list"),
    ("POST", r"cards", "create_card"),
    ("GET", rf"cards/{_S}", "get_card"),
    ("DELETE", rf"cards/{_S}", "delete_card"),
    ("PUT", rf"cards/{_S}(?:/({'|'.join(CARD_FIELDS)}))?", "put_card"),
    ("GET", rf"cards/{_S}/actions", "card_actions"),
    ("POST", rf"cards/{_S}/actions/comments", "add_comment"),
    ("PUT", rf"cards/{_S}/actions/{_S}/comments", "update_card_comment"),
    ("DELETE", rf"cards/{_S}/actions/{_S}/comments", "delete_card_comment"),
    ("POST", rf"cards/{_S}/(?:idMembers|members)", "add_card_member"),
    ("DELETE", rf"cards/{_S}/idMembers/{_S}", "remove_card_member"),
    ("POST", rf"cards/{_S}/idLabels", "add_card_label"),
    ("DELETE", rf"cards/{_S}/idLabels/{_S}", "remove_card_label"),
    ("POST", rf"cards/{_S}/labels", "create_card_label"),
    ("POST", r"labels", "create_label"),
    ("GET", rf"labels/{_S}", "get_label"),
    ("GET", rf"actions/{_S}", "get_action"),
    ("PUT", rf"actions/{_S}(?:/text)?", "update_comment"),
    ("DELETE", rf"actions/{_S}", "delete_comment"),
    ("GET", r"batch", "batch"),
    ("GET", r"search", "search"),
]
COMPILED = [(method, re.compile(f"^{pattern}$"), name) for method, pattern, name in ROUTES]
MAX_BATCH = 10


class TrelloRoutes:
    """Route handlers; ``TrelloFake`` supplies the state, auth and rate limiting."""

    state: TrelloState
    rate_limit_batch: Callable[[], dict[str, Any] | None]

    def route(self, method: str, path: str, p: Params, actor: str) -> Any:
        """``path`` has no ``/1/`` prefix and no trailing slash."""
        for route_method, pattern, name in COMPILED:
            match = pattern.match(path)
            if match and route_method == method:
                args = [g for g in match.groups()]
                return getattr(self, "r_" + name)(*args, p=p, actor=actor)
        raise FakeError(404, f"Cannot {method} /1/{path}")

    # ------------------------------------------------------------ access checks

    def board_for(self, ref: str, actor: str) -> BoardRec:
        board = self.state.board(ref)
        if actor not in board.member_ids:
            raise FakeError(401, "unauthorized permission requested")
        return board

    def card_for(self, ref: str, actor: str) -> CardRec:
        card = self.state.card(ref)
        self.board_for(card.board_id, actor)
        return card

    def list_for(self, ref: str, actor: str) -> ListRec:
        lst = self.state.list_(ref)
        self.board_for(lst.board_id, actor)
        return lst

    # ------------------------------------------------------------ members and boards

    def r_get_member(self, ref: str, *, p: Params, actor: str) -> Any:
        member = self.state.members[actor] if ref == "me" else self.state.member(ref)
        return render.member_json(self.state, member, p.get("fields"))

    def r_member_boards(self, ref: str, which: str | None, *, p: Params, actor: str) -> Any:
        member = self.state.members[actor] if ref == "me" else self.state.member(ref)
        which = which or p.get("filter", "all")
        boards = [b for b in self.state.boards.values() if member.id in b.member_ids
                  and (which not in ("open", "closed") or b.closed == (which == "closed"))]
        out = []
        for board in boards:
            item = render.board_json(self.state, board, p.get("fields", "all"))
            lists = p.get("lists", "none")  # nested lists: all|closed|none|open, as on GET /boards/{id}
            if lists != "none":
                item["lists"] = [render.list_json(lst, p.get("list_fields"), "list_fields")
                                 for lst in render.lists_filtered(self.state, board.id, lists)]
            out.append(item)
        return out

    def r_get_board(self, ref: str, *, p: Params, actor: str) -> Any:
        return render.nested_board(self.state, self.board_for(ref, actor), p)

    def r_board_lists(self, ref: str, which: str | None, *, p: Params, actor: str) -> Any:
        board = self.board_for(ref, actor)
        out = []
        for lst in render.lists_filtered(self.state, board.id, which or p.get("filter", "open")):
            item = render.list_json(lst, p.get("fields"))
            if p.get("cards", "none") != "none":
                cards = [c for c in self.state.cards_on(board.id) if c.list_id == lst.id]
                item["cards"] = [render.card_json(self.state, c, p.get("card_fields"), "card_fields")
                                 for c in render.cards_filtered(self.state, cards, p["cards"])]
            out.append(item)
        return out

    def r_board_cards(self, ref: str, which: str | None, *, p: Params, actor: str) -> Any:
        board = self.board_for(ref, actor)
        custom = str(p.get("customFieldItems", "false")).lower() == "true"
        if which and is_object_id(which):  # py-trello's board.get_card: /boards/{id}/cards/{card id}
            card = self.state.card(which)
            if card.board_id != board.id:
                raise FakeError(404, NOT_FOUND)
            return render.card_json(self.state, card, p.get("fields"), custom_field_items=custom)
        cards = render.cards_filtered(self.state, self.state.cards_on(board.id), which or p.get("filter", "visible"))
        return [render.card_json(self.state, c, p.get("fields"), custom_field_items=custom) for c in cards]

    def r_board_labels(self, ref: str, *, p: Params, actor: str) -> Any:
        board = self.board_for(ref, actor)
        limit = render.int_param(str(p.get("limit", "50")), "limit", 0, 1000)
        labels = [lb for lb in self.state.labels.values() if lb.board_id == board.id][:limit]
        return [render.label_json(lb, p.get("fields")) for lb in labels]

    def r_create_board_label(self, ref: str, *, p: Params, actor: str) -> Any:
        board = self.board_for(ref, actor)
        return render.label_json(self.state.create_label(board, p.get("name"), p.get("color"), actor))

    def r_board_members(self, ref: str, *, p: Params, actor: str) -> Any:
        board = self.board_for(ref, actor)
        return [render.member_json(self.state, self.state.members[m], p.get("fields", "fullName,username"))
                for m in board.member_ids if m in self.state.members]

    def r_board_actions(self, ref: str, *, p: Params, actor: str) -> Any:
        board = self.board_for(ref, actor)
        return self._actions(p, board_id=board.id, default_filter="all")

    def r_board_last_activity(self, ref: str, *, p: Params, actor: str) -> Any:
        return {"_value": format_date(self.board_for(ref, actor).last_activity)}

    def _actions(self, p: Params, *, default_filter: str, board_id: str | None = None,
                 card_id: str | None = None) -> Any:
        limit = render.int_param(str(p.get("limit", "50")), "limit", 0, 1000)
        found = self.state.query_actions(board_id=board_id, card_id=card_id, types=p.get("filter", default_filter),
                                         since=p.get("since"), before=p.get("before"), limit=limit)
        creator = str(p.get("memberCreator", "true")).lower() != "false"
        return [render.action_json(self.state, a, p.get("fields"), creator) for a in found]

    # ------------------------------------------------------------ lists

    def r_create_list(self, *, p: Params, actor: str) -> Any:
        board = self.board_for(str(p.get("idBoard", "")), actor)
        return render.list_json(self.state.create_list(board, p.get("name"), p.get("pos"), actor))

    def r_get_list(self, ref: str, *, p: Params, actor: str) -> Any:
        return render.list_json(self.list_for(ref, actor), p.get("fields"))

    def r_list_cards(self, ref: str, which: str | None, *, p: Params, actor: str) -> Any:
        lst = self.list_for(ref, actor)
        cards = [c for c in self.state.cards_on(lst.board_id) if c.list_id == lst.id]
        custom = str(p.get("customFieldItems", "false")).lower() == "true"
        return [render.card_json(self.state, c, p.get("fields"), custom_field_items=custom)
                for c in render.cards_filtered(self.state, cards, which or p.get("filter", "open"))]

    def r_put_list(self, ref: str, field: str | None, *, p: Params, actor: str) -> Any:
        lst = self.list_for(ref, actor)
        changes = {field: _value(p)} if field else p
        return render.list_json(self.state.update_list(lst, changes, actor))

    # ------------------------------------------------------------ cards

    def r_create_card(self, *, p: Params, actor: str) -> Any:
        list_id = p.get("idList")
        if not isinstance(list_id, str) or not is_object_id(list_id) or list_id not in self.state.lists:
            raise FakeError(400, "invalid value for idList")
        lst = self.list_for(list_id, actor)
        source = p.get("idCardSource")
        if source not in (None, "", "null"):
            card = self.state.copy_card(self.card_for(str(source), actor), lst, actor=actor,
                                        keep=p.get("keepFromSource"), name=p.get("name"), desc=p.get("desc"),
                                        pos=p.get("pos"))
        else:
            card = self.state.create_card(lst, name=p.get("name"), actor=actor, desc=p.get("desc"),
                                          pos=p.get("pos"), id_labels=p.get("idLabels"),
                                          id_members=p.get("idMembers"), due=p.get("due"))
        return render.card_json(self.state, card)

    def r_get_card(self, ref: str, *, p: Params, actor: str) -> Any:
        custom = str(p.get("customFieldItems", "false")).lower() == "true"
        return render.card_json(self.state, self.card_for(ref, actor), p.get("fields"), custom_field_items=custom)

    def r_delete_card(self, ref: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        del self.state.cards[card.id]
        self.state.record("deleteCard", actor, self.state.boards[card.board_id], None,
                          {"card": {"id": card.id, "idShort": card.id_short}, "list": {"id": card.list_id}})
        return {"limits": {}}

    def r_put_card(self, ref: str, field: str | None, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        changes = {field: _value(p)} if field else p
        if "idBoard" in changes and isinstance(changes["idBoard"], str):
            self.board_for(changes["idBoard"], actor)
        return render.card_json(self.state, self.state.update_card(card, changes, actor))

    def r_card_actions(self, ref: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        return self._actions(p, card_id=card.id, default_filter="commentCard,updateCard:idList")

    def r_add_comment(self, ref: str, *, p: Params, actor: str) -> Any:
        action = self.state.comment(self.card_for(ref, actor), p.get("text"), actor)
        return render.action_json(self.state, action)

    def r_update_card_comment(self, ref: str, action_id: str, *, p: Params, actor: str) -> Any:
        self.card_for(ref, actor)
        return self.r_update_comment(action_id, p=p, actor=actor)

    def r_delete_card_comment(self, ref: str, action_id: str, *, p: Params, actor: str) -> Any:
        self.card_for(ref, actor)
        return self.r_delete_comment(action_id, p=p, actor=actor)

    def r_add_card_member(self, ref: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        self.state.add_card_member(card, _value(p), actor)
        return [render.member_json(self.state, self.state.members[m]) for m in card.id_members]

    def r_remove_card_member(self, ref: str, member_id: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        self.state.remove_card_member(card, member_id, actor)
        return [render.member_json(self.state, self.state.members[m]) for m in card.id_members]

    def r_add_card_label(self, ref: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        self.state.add_card_label(card, _value(p), actor)
        return list(card.id_labels)

    def r_remove_card_label(self, ref: str, label_id: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        self.state.remove_card_label(card, label_id, actor)
        return list(card.id_labels)

    def r_create_card_label(self, ref: str, *, p: Params, actor: str) -> Any:
        card = self.card_for(ref, actor)
        label = self.state.create_label(self.state.boards[card.board_id], p.get("name"), p.get("color"), actor)
        self.state.add_card_label(card, label.id, actor)
        return list(card.id_labels)

    # ------------------------------------------------------------ labels, actions

    def r_create_label(self, *, p: Params, actor: str) -> Any:
        board = self.board_for(str(p.get("idBoard", "")), actor)
        return render.label_json(self.state.create_label(board, p.get("name"), p.get("color"), actor))

    def r_get_label(self, ref: str, *, p: Params, actor: str) -> Any:
        label = self.state.label(ref)
        self.board_for(label.board_id, actor)
        return render.label_json(label, p.get("fields"))

    def r_get_action(self, ref: str, *, p: Params, actor: str) -> Any:
        action = self.state.action(ref)
        self.board_for(action.board_id, actor)
        return render.action_json(self.state, action, p.get("fields"))

    def r_update_comment(self, ref: str, *, p: Params, actor: str) -> Any:
        action = self.state.action(ref)
        text = p.get("text", p.get("value"))
        if action.type != "commentCard" or action.member_id != actor:
            raise FakeError(401, "unauthorized permission requested")
        if not isinstance(text, str) or not text.strip():
            raise FakeError(400, "invalid value for text")
        action.data["text"] = text
        return render.action_json(self.state, action)

    def r_delete_comment(self, ref: str, *, p: Params, actor: str) -> Any:
        action = self.state.action(ref)
        self.board_for(action.board_id, actor)
        self.state.delete_comment(action)
        return {"limits": {}}

    # ------------------------------------------------------------ batch and search

    def r_batch(self, *, p: Params, actor: str) -> Any:
        """Up to 10 GET routes, comma-separated, without ``/1``; each answer as ``{"<status>": body}``."""
        urls = [u for u in str(p.get("urls", "")).split(",") if u]
        if not urls or len(urls) > MAX_BATCH:
            raise FakeError(400, "invalid value for urls")
        out: list[dict[str, Any]] = []
        for url in urls:
            parts = urlsplit(url)
            path = parts.path.strip("/")
            path = path[2:] if path.startswith("1/") else path
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            limited = self.rate_limit_batch()  # UNCONFIRMED: each sub-request counts against the limit
            if limited is not None:
                out.append({"429": limited})
                continue
            try:
                out.append({"200": self.route("GET", path, query, actor)})
            except FakeError as exc:
                out.append({str(exc.status): exc.payload if exc.payload is not None else exc.message})
        return out

    def r_search(self, *, p: Params, actor: str) -> Any:
        """Cards (and boards) whose name or description contains every query word, case-insensitive."""
        terms = str(p.get("query", "")).lower().split()
        if not terms:
            raise FakeError(400, "invalid value for query")
        models = str(p.get("modelTypes", "all")).split(",")
        id_boards = str(p.get("idBoards", "mine"))
        boards = [b for b in self.state.boards.values() if actor in b.member_ids
                  and (id_boards == "mine" or b.id in id_boards.split(","))]
        limit = render.int_param(str(p.get("cards_limit", "10")), "cards_limit", 1, 1000)
        out: dict[str, Any] = {"options": {"terms": [{"text": t} for t in terms], "modelTypes": models,
                                           "partial": str(p.get("partial", "false")).lower() == "true"}}
        if "all" in models or "cards" in models:
            hits = [c for b in boards for c in self.state.cards_on(b.id) if not c.closed
                    and all(t in f"{c.name}\n{c.desc}".lower() for t in terms)][:limit]
            if hits:
                out["cards"] = [render.card_json(self.state, c, p.get("card_fields"), "card_fields") for c in hits]
        if "all" in models or "boards" in models:
            named = [b for b in boards if all(t in b.name.lower() for t in terms)]
            if named:
                out["boards"] = [render.board_json(self.state, b, p.get("board_fields")) for b in named]
        return out


def _value(p: Params) -> Any:
    if "value" not in p:
        raise FakeError(400, "invalid value for value")
    return p["value"]
