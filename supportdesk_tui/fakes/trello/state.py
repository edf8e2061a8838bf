"""The fake Trello's data and the changes Trello makes to it, recording actions as Trello does.

No HTTP and no locking here: :class:`supportdesk_tui.fakes.trello.server.TrelloFake` parses requests,
checks auth and rate limits, holds the lock and calls into this model. Every change records the
action Trello would (``createCard``, ``updateCard`` with ``data.old`` and ``listBefore``/``listAfter``,
``commentCard``, ``copyCard``...), so clients can detect change with ``/boards/{id}/actions?since=``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.fakes.trello.records import (
    CARD_STEP,
    LIST_STEP,
    NOT_FOUND,
    ActionRec,
    BoardRec,
    CardRec,
    FakeError,
    LabelRec,
    ListRec,
    MemberRec,
    ObjectIds,
    action_after,
    action_type_matches,
    board_ref,
    card_ref,
    is_object_id,
    is_ref,
    keep_options,
    list_ref,
    parse_bool,
    parse_date,
    parse_id_list,
    place,
    text_value,
)

# Applied in this order: idBoard before idList before pos, so a move's position is taken in the new list.
CARD_FIELDS = ("name", "desc", "closed", "idBoard", "idList", "pos", "due", "dueComplete", "idMembers",
               "idLabels", "subscribed")


class TrelloState:
    """Boards, lists, cards, labels, members and actions, with Trello's rules for changing them."""

    def __init__(self, clock: Clock, seed: str | int = 0) -> None:
        self.clock = clock
        self.ids = ObjectIds(clock, seed)
        self.boards: dict[str, BoardRec] = {}
        self.lists: dict[str, ListRec] = {}
        self.cards: dict[str, CardRec] = {}
        self.labels: dict[str, LabelRec] = {}
        self.members: dict[str, MemberRec] = {}
        self.actions: list[ActionRec] = []
        self.comment_counts: Counter[str] = Counter()
        self._short: dict[str, str] = {}  # shortLink -> board or card id

    # ------------------------------------------------------------ lookups (404/400 as Trello answers)

    def board(self, ref: str) -> BoardRec:
        return self._by_ref(ref, self.boards)

    def card(self, ref: str) -> CardRec:
        return self._by_ref(ref, self.cards)

    def _by_ref(self, ref: str, table: dict[str, Any]) -> Any:
        if not is_ref(ref):
            raise FakeError(400, "invalid id")
        found = table.get(ref) or table.get(self._short.get(ref, ""))
        if found is None:
            raise FakeError(404, NOT_FOUND)
        return found

    def list_(self, ref: str) -> ListRec:
        return self._by_id(ref, self.lists)

    def label(self, ref: str) -> LabelRec:
        return self._by_id(ref, self.labels)

    def action(self, ref: str) -> ActionRec:
        if not is_object_id(ref):
            raise FakeError(400, "invalid id")
        found = next((a for a in self.actions if a.id == ref), None)
        if found is None:
            raise FakeError(404, NOT_FOUND)
        return found

    def _by_id(self, ref: str, table: dict[str, Any]) -> Any:
        if not is_object_id(ref):
            raise FakeError(400, "invalid id")
        if ref not in table:
            raise FakeError(404, NOT_FOUND)
        return table[ref]

    def member(self, ref: str) -> MemberRec:
        found = self.members.get(ref) or next((m for m in self.members.values() if m.username == ref), None)
        if found is None:
            raise FakeError(404, "model not found")
        return found

    def lists_on(self, board_id: str) -> list[ListRec]:
        return sorted((lst for lst in self.lists.values() if lst.board_id == board_id), key=lambda lst: lst.pos)

    def cards_on(self, board_id: str) -> list[CardRec]:
        order = {lst.id: i for i, lst in enumerate(self.lists_on(board_id))}
        return sorted((c for c in self.cards.values() if c.board_id == board_id),
                      key=lambda c: (order.get(c.list_id, len(order)), c.pos))

    # ------------------------------------------------------------ creation

    def add_member(self, username: str, full_name: str = "", member_id: str | None = None) -> MemberRec:
        initials = "".join(part[0] for part in (full_name or username).split()[:2]).upper()
        rec = MemberRec(member_id or self.ids.new(), username, full_name or username, initials)
        self.members[rec.id] = rec
        return rec

    def add_board(self, name: str, board_id: str | None = None, member_ids: Iterable[str] = ()) -> BoardRec:
        board_id = board_id or self.ids.new()
        if not is_object_id(board_id) or board_id in self.boards:
            raise ValueError(f"bad or duplicate board id {board_id!r}")
        rec = BoardRec(board_id, name, self.ids.short_link(), self.clock.now(), member_ids=list(member_ids))
        self.boards[rec.id] = rec
        self._short[rec.short_link] = rec.id
        return rec

    def create_list(self, board: BoardRec, name: Any, pos: Any = None, actor: str | None = None) -> ListRec:
        if not isinstance(name, str) or not name.strip():
            raise FakeError(400, "invalid value for name")
        rec = ListRec(self.ids.new(), board.id, name, self._place_list(board.id, pos, None))
        self.lists[rec.id] = rec
        if actor:
            self.record("createList", actor, board, None, {"list": list_ref(rec)})
        return rec

    def create_label(self, board: BoardRec, name: Any, color: Any, actor: str | None = None) -> LabelRec:
        if not isinstance(name, str) or (color is not None and not isinstance(color, str)):
            raise FakeError(400, "invalid value for name")
        rec = LabelRec(self.ids.new(), board.id, name, color if color not in ("", "null") else None)
        self.labels[rec.id] = rec
        if actor:
            self.record("createLabel", actor, board, None, {"label": {"id": rec.id, "name": name, "color": color}})
        return rec

    def create_card(self, lst: ListRec, *, name: Any, actor: str, desc: Any = "", pos: Any = None,
                    id_labels: Any = None, id_members: Any = None, due: Any = None,
                    at: datetime | None = None) -> CardRec:
        board = self.boards[lst.board_id]
        card = self._new_card(lst, text_value(name, "name"), text_value(desc, "desc"), pos, at)
        self._set_labels(card, parse_id_list(id_labels, "idLabels"))
        self._set_members(card, parse_id_list(id_members, "idMembers"))
        card.due = parse_date(due, "due")
        self.record("createCard", actor, board, card, {"list": list_ref(lst)}, at=at)
        return card

    def copy_card(self, source: CardRec, lst: ListRec, *, actor: str, keep: Any = "all", name: Any = None,
                  desc: Any = None, pos: Any = None) -> CardRec:
        keep_set = keep_options(keep)
        board = self.boards[lst.board_id]
        # UNCONFIRMED: that Trello applies an explicit ``desc``/``name`` over the source's on a copy.
        card = self._new_card(lst, source.name if name is None else text_value(name, "name"),
                              source.desc if desc is None else text_value(desc, "desc"), pos, None)
        if "labels" in keep_set:
            card.id_labels = [self._matching_label(board, self.labels[i]).id for i in source.id_labels]
        if "members" in keep_set:
            card.id_members = [m for m in source.id_members if m in board.member_ids]
        if "due" in keep_set:
            card.due, card.due_complete = source.due, source.due_complete
        self.record("copyCard", actor, board, card, {"list": list_ref(lst), "cardSource": card_ref(source)})
        if "comments" in keep_set:
            for old in reversed(self.query_actions(card_id=source.id, types="commentCard", limit=1000)):
                self.record("copyCommentCard", actor, board, card,
                            {"text": old.data["text"], "idOriginalCommenter": old.member_id, "list": list_ref(lst)})
                self.comment_counts[card.id] += 1
        return card

    def _new_card(self, lst: ListRec, name: str, desc: str, pos: Any, at: datetime | None) -> CardRec:
        board = self.boards[lst.board_id]
        board.id_short_seq += 1
        card = CardRec(self.ids.new(at), board.id, lst.id, name, self._place_card(lst.id, pos, None),
                       self.ids.short_link(), board.id_short_seq, at or self.clock.now(), desc=desc)
        self.cards[card.id] = card
        self._short[card.short_link] = card.id
        return card

    def _matching_label(self, board: BoardRec, label: LabelRec) -> LabelRec:
        """Copies across boards get a label of the same name and color on the target board."""
        if label.board_id == board.id:
            return label
        found = next((lb for lb in self.labels.values() if lb.board_id == board.id and lb.name == label.name
                      and lb.color == label.color), None)
        return found or self.create_label(board, label.name, label.color)

    # ------------------------------------------------------------ changes

    def update_card(self, card: CardRec, changes: dict[str, Any], actor: str) -> CardRec:
        """Apply the known fields of ``changes`` (unknown ones, like key/token, are ignored).

        One ``updateCard`` action per request, with ``data.old`` holding every changed field, and
        ``listBefore``/``listAfter`` for a list move; nothing is recorded when nothing changed.
        """
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        old_list = self.lists[card.list_id]
        for key in CARD_FIELDS:
            if key not in changes or key == "subscribed":
                continue
            before, after = self._apply(card, key, changes[key], changes)
            if before != after:
                old[key], new[key] = before, after
        if not old:
            return card
        data: dict[str, Any] = {"card": {**card_ref(card), **new}, "old": old}
        if "idList" in old:
            data.update(listBefore=list_ref(old_list), listAfter=list_ref(self.lists[card.list_id]))
        else:
            data["list"] = list_ref(self.lists[card.list_id])
        self.record("updateCard", actor, self.boards[card.board_id], card, data)
        return card

    def _apply(self, card: CardRec, key: str, value: Any, changes: dict[str, Any]) -> tuple[Any, Any]:
        if key == "name":
            before, card.name = card.name, text_value(value, "name", allow_empty=False)
            return before, card.name
        if key == "desc":
            before, card.desc = card.desc, text_value(value, "desc")
            return before, card.desc
        if key == "closed":
            was_closed, card.closed = card.closed, parse_bool(value, "closed")
            return was_closed, card.closed
        if key == "dueComplete":
            was_complete, card.due_complete = card.due_complete, parse_bool(value, "dueComplete")
            return was_complete, card.due_complete
        if key == "due":
            before_due, card.due = card.due, parse_date(value, "due")
            return before_due, card.due
        if key == "idBoard":
            board = self.board(str(value)) if isinstance(value, str) else None
            if board is None:
                raise FakeError(400, "invalid value for idBoard")
            before, card.board_id = card.board_id, board.id
            if before != board.id and "idList" not in changes:
                card.list_id = next(lst.id for lst in self.lists_on(board.id) if not lst.closed)
            return before, card.board_id
        if key == "idList":
            target = self.lists.get(value) if isinstance(value, str) else None
            if target is None or target.board_id != card.board_id:
                raise FakeError(400, "invalid value for idList")
            before = card.list_id
            if before != target.id:
                card.list_id = target.id
                if "pos" not in changes:
                    card.pos = self._place_card(target.id, "bottom", card.id)
            return before, card.list_id
        if key == "pos":
            before_pos = card.pos
            card.pos = self._place_card(card.list_id, value, card.id)
            return before_pos, card.pos
        if key == "idMembers":
            before_ids = list(card.id_members)
            self._set_members(card, parse_id_list(value, "idMembers"))
            return before_ids, card.id_members
        before_ids = list(card.id_labels)
        self._set_labels(card, parse_id_list(value, "idLabels"))
        return before_ids, card.id_labels

    def _set_members(self, card: CardRec, ids: list[str]) -> None:
        if any(i not in self.members for i in ids):
            raise FakeError(400, "invalid value for idMembers")
        card.id_members = ids

    def _set_labels(self, card: CardRec, ids: list[str]) -> None:
        if any(i not in self.labels or self.labels[i].board_id != card.board_id for i in ids):
            raise FakeError(400, "invalid value for idLabels")
        card.id_labels = ids

    def add_card_member(self, card: CardRec, member_id: Any, actor: str) -> None:
        if not isinstance(member_id, str) or member_id not in self.members:
            raise FakeError(400, "invalid value for value")
        if member_id in card.id_members:
            # UNCONFIRMED: Trello's exact wording and whether it is text or JSON.
            raise FakeError(400, "member is already on the card")
        card.id_members.append(member_id)
        self.record("addMemberToCard", actor, self.boards[card.board_id], card,
                    {"idMember": member_id, "member": {"id": member_id, "name": self.members[member_id].full_name}})

    def remove_card_member(self, card: CardRec, member_id: str, actor: str) -> None:
        if member_id not in card.id_members:
            raise FakeError(400, "member is not on the card")
        card.id_members.remove(member_id)
        self.record("removeMemberFromCard", actor, self.boards[card.board_id], card, {"idMember": member_id})

    def add_card_label(self, card: CardRec, label_id: Any, actor: str) -> None:
        label = self.labels.get(label_id) if isinstance(label_id, str) else None
        if label is None or label.board_id != card.board_id:
            raise FakeError(400, "invalid value for value")
        if label_id in card.id_labels:
            raise FakeError(400, "that label is already on the card")  # UNCONFIRMED wording
        card.id_labels.append(label.id)
        # UNCONFIRMED: that Trello lists addLabelToCard among board actions (its webhooks document the type).
        self.record("addLabelToCard", actor, self.boards[card.board_id], card,
                    {"label": {"id": label.id, "name": label.name, "color": label.color}})

    def remove_card_label(self, card: CardRec, label_id: str, actor: str) -> None:
        if label_id not in card.id_labels:
            raise FakeError(400, "that label is not on the card")
        card.id_labels.remove(label_id)
        self.record("removeLabelFromCard", actor, self.boards[card.board_id], card, {"label": {"id": label_id}})

    def comment(self, card: CardRec, text: Any, actor: str) -> ActionRec:
        if not isinstance(text, str) or not text.strip() or len(text) > 16384:
            raise FakeError(400, "invalid value for text")
        self.comment_counts[card.id] += 1
        return self.record("commentCard", actor, self.boards[card.board_id], card,
                           {"text": text, "list": list_ref(self.lists[card.list_id])})

    def delete_comment(self, action: ActionRec) -> None:
        if action.type != "commentCard":
            raise FakeError(400, "invalid value for idAction")
        self.actions.remove(action)
        if action.card_id:
            self.comment_counts[action.card_id] -= 1

    def update_list(self, lst: ListRec, changes: dict[str, Any], actor: str) -> ListRec:
        old: dict[str, Any] = {}
        if "name" in changes:
            old["name"], lst.name = lst.name, text_value(changes["name"], "name", allow_empty=False)
        if "closed" in changes:
            old["closed"], lst.closed = lst.closed, parse_bool(changes["closed"], "closed")
        if "pos" in changes:
            old["pos"], lst.pos = lst.pos, self._place_list(lst.board_id, changes["pos"], lst.id)
        if old:
            self.record("updateList", actor, self.boards[lst.board_id], None, {"list": list_ref(lst), "old": old})
        return lst

    # ------------------------------------------------------------ positions

    def _place_card(self, list_id: str, value: Any, card_id: str | None) -> float:
        def others() -> list[float]:
            return [c.pos for c in self.cards.values() if c.list_id == list_id and c.id != card_id and not c.closed]

        current = self.cards.get(card_id or "")
        if current is not None and current.list_id == list_id and value in ("top", "bottom"):
            rest = others()  # already at the requested end: keep the position (idempotent moves)
            at_top = value == "top" and (not rest or current.pos < min(rest))
            if at_top or (value == "bottom" and (not rest or current.pos > max(rest))):
                return current.pos
        pos = place(others(), value, CARD_STEP, CARD_STEP)
        if pos is None:
            ordered = sorted((c for c in self.cards.values() if c.list_id == list_id and c.id != card_id),
                             key=lambda c: c.pos)
            for i, other in enumerate(ordered, start=1):
                other.pos = CARD_STEP * i
            pos = place(others(), value, CARD_STEP, CARD_STEP)
        assert pos is not None
        return pos

    def _place_list(self, board_id: str, value: Any, list_id: str | None) -> float:
        others = [lst.pos for lst in self.lists.values() if lst.board_id == board_id and lst.id != list_id]
        pos = place(others, value, LIST_STEP, LIST_STEP - 1)
        return pos if pos is not None else min(others) / 2

    # ------------------------------------------------------------ actions

    def record(self, kind: str, actor: str, board: BoardRec, card: CardRec | None, data: dict[str, Any],
               at: datetime | None = None) -> ActionRec:
        when = at or self.clock.now()
        full = {"board": board_ref(board), **({"card": card_ref(card)} if card else {}), **data}
        action = ActionRec(self.ids.new(at), kind, when, actor, board.id, card.id if card else None, full)
        self.actions.append(action)
        self.actions.sort(key=lambda a: a.id)
        board.last_activity = max(board.last_activity, when)
        if card is not None:
            card.last_activity = max(card.last_activity, when)
        return action

    def query_actions(self, *, board_id: str | None = None, card_id: str | None = None, types: str = "all",
                      since: str | None = None, before: str | None = None, limit: int = 50) -> list[ActionRec]:
        """Newest first. ``types`` is Trello's ``filter``: ``all``, or ``type`` / ``type:field`` items."""
        wanted = [t.strip() for t in types.split(",") if t.strip()]
        found = [a for a in self.actions if (board_id is None or a.board_id == board_id)
                 and (card_id is None or a.card_id == card_id) and action_type_matches(a, wanted)
                 and action_after(a, since) and not (before and action_after(a, before, inclusive=True))]
        return list(reversed(found))[:limit]
