"""The async Trello facade over py-trello 0.20.1.

Why it looks like this (details in docs/apis.md):

- Every py-trello call runs on ONE dedicated worker thread (a single-thread executor), because the
  ``requests.Session`` underneath is not thread-safe and py-trello is blocking. The event loop only
  awaits; it never touches py-trello.
- Only ``fetch_json`` is used, and only domain values come back: py-trello's objects do network I/O
  in lazy properties on whatever thread touches them, and several helpers cost 2-5 requests.
- A board loads in ONE nested request; change detection costs one small actions request.
- py-trello raises ``ResourceUnavailable`` for every non-200 and lets requests' errors through; they
  are mapped here to the typed errors of :mod:`supportdesk_tui.clients.errors`, with the key and token
  scrubbed, and raised outside any ``except`` block so no chained exception carries a secret-bearing
  URL (in query mode the key and token ride in the query string, which connection errors quote).
- Retries follow the shared rules of :mod:`supportdesk_tui.clients.retry` (tenacity): idempotent calls
  on 429, 5xx and network errors; creating a card, copying one, commenting and creating a label only
  when the request provably was not processed (429, or ``NotSentError``: connection refused). Any
  other failure of those raises :class:`WriteOutcomeUnknownError`, and the caller looks for its
  marker (e.g. with :meth:`TrelloClient.find_cards`) before trying again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal, TypeVar

import trello

from supportdesk_tui.clients.errors import ApiError, UnavailableError, ValidationError
from supportdesk_tui.clients.retry import RetryPolicy, call_with_retries
from supportdesk_tui.clients.trello import activity, parse
from supportdesk_tui.clients.trello.activity_calls import ActivityCalls
from supportdesk_tui.clients.trello.errors import WriteOutcomeUnknownError, already_there, map_error
from supportdesk_tui.clients.trello.ids import SERVICE, checked_id, checked_pos
from supportdesk_tui.clients.trello.plan_lists import PlanListCalls
from supportdesk_tui.clients.trello.scrub import ScrubFilter, scrub
from supportdesk_tui.clients.trello.session import RateLimitState, RebasingSession, RequestBudget
from supportdesk_tui.domain.account import BoardOutline
from supportdesk_tui.domain.boards import Board, BoardList, Card, Label, Member
from supportdesk_tui.domain.redact import displayable

__all__ = ["CHANGE_POLL_LIMIT", "AuthMode", "TrelloClient", "WriteOutcomeUnknownError"]
log = logging.getLogger(__name__)
T = TypeVar("T")
AuthMode = Literal["oauth", "query"]
CHANGE_POLL_LIMIT = 50
BATCH_SIZE = 10  # Trello's most URLs in one /batch


class TrelloClient(PlanListCalls, ActivityCalls):
    """Async Trello API for the app; returns frozen domain values from :mod:`supportdesk_tui.domain.boards`."""

    def __init__(self, base_url: str, api_key: str, token: str, *, auth_mode: AuthMode = "oauth",
                 timeout: float = 15, retry: RetryPolicy | None = None, budget: RequestBudget | None = None) -> None:
        if auth_mode not in ("oauth", "query"):
            raise ValueError(f"auth_mode must be 'oauth' or 'query', not {auth_mode!r}")
        self._secrets: tuple[str | None, ...] = (api_key, token)
        self._session = RebasingSession(base_url, timeout, budget=budget)
        if auth_mode == "oauth":
            # OAuth header: oauth_consumer_key/oauth_token, signed with empty secrets; no query credentials.
            self._trello = trello.TrelloClient(api_key, token=token, http_service=self._session)
        else:
            # py-trello sends api_secret as the ``token`` query parameter in this mode.
            self._trello = trello.TrelloClient(api_key, api_secret=token, http_service=self._session)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trello-worker")
        self._retry = retry or RetryPolicy()
        self._labels: dict[str, Label] = {}  # worker thread only: from the last board loads
        self._members: dict[str, Member] = {}
        self._closed = False
        self._log_filter = ScrubFilter(self._secrets)
        self._log_filter.install()

    # ----------------------------------------------------------------- lifecycle

    async def aclose(self) -> None:
        """Close the session on its own thread, then stop the worker. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._session.close)
        finally:
            self._executor.shutdown(wait=True)
            self._log_filter.uninstall()

    async def __aenter__(self) -> TrelloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def rate_limit(self) -> RateLimitState:
        """Last ``x-rate-limit-*`` headers and 429s seen (py-trello itself drops them)."""
        return self._session.rate_limit

    # ----------------------------------------------------------------- reads

    async def load_board(self, board_id: str) -> Board:
        """The board with its open lists, visible cards, labels and members, in ONE request."""
        path = f"/boards/{checked_id(board_id, 'board id')}"

        def job() -> Board:
            board = parse.parse_board(self._fetch("GET", path, parse.board_query()))
            self._remember(board.labels, board.members)
            return board

        return await self._call("load_board", job, idempotent=True)

    async def load_board_with_baseline(self, board_id: str) -> tuple[Board, str | None]:
        """The board and the id of its newest action, from ONE request: the baseline for
        :meth:`board_changed_since` describes exactly the board returned (no second load on the first poll)."""
        path = f"/boards/{checked_id(board_id, 'board id')}"

        def job() -> tuple[Board, str | None]:
            data = self._fetch("GET", path, parse.board_query(baseline=True))
            board = parse.parse_board(data)
            self._remember(board.labels, board.members)
            return board, parse.newest_action_id(data)

        return await self._call("load_board", job, idempotent=True)

    async def list_boards(self) -> list[tuple[str, str]]:
        """(id, name) of the open boards the token's member belongs to (for login and doctor)."""
        def job() -> list[tuple[str, str]]:
            data = self._fetch("GET", "/members/me/boards", {"filter": "open", "fields": "name"})
            if not isinstance(data, list):
                raise parse.PayloadShapeError("boards answer is not a list")
            return [(str(b["id"]), displayable(str(b.get("name", "")))) for b in data
                    if isinstance(b, Mapping) and "id" in b]

        return await self._call("list_boards", job, idempotent=True)

    async def boards_with_lists(self) -> list[BoardOutline]:
        """The member's open boards with the names of their open lists, in ONE request
        (``GET /members/me/boards?filter=open&fields=name&lists=open``; read-only, for ``init``)."""
        def job() -> list[BoardOutline]:
            # ``lists=open`` is documented for this route; UNCONFIRMED: that each nested list carries
            # ``closed`` (it is skipped when true, taken as open when absent).
            data = self._fetch("GET", "/members/me/boards", {"filter": "open", "fields": "name", "lists": "open"})
            if not isinstance(data, list):
                raise parse.PayloadShapeError("boards answer is not a list")
            out: list[BoardOutline] = []
            for item in data:
                if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                    continue
                raw = item.get("lists")
                lists: list[Any] = raw if isinstance(raw, list) else []
                names = tuple(displayable(str(lst["name"])) for lst in lists
                              if isinstance(lst, Mapping) and isinstance(lst.get("name"), str)
                              and not lst.get("closed"))
                out.append(BoardOutline(str(item["id"]), displayable(str(item.get("name", ""))), names))
            return out

        return await self._call("boards_with_lists", job, idempotent=True)

    async def card_descriptions(self, board_ids: Sequence[str]) -> dict[str, tuple[str, ...] | None]:
        """Each board's visible cards' descriptions, ten boards per ``GET /batch`` (read-only).

        A board whose sub-request failed maps to None (the caller reports it). Only ``fields=desc``
        is asked for, because a comma inside an inner URL would clash with ``urls``' separator.
        UNCONFIRMED: whether each sub-request counts against the rate limit; assumed so, which at ten
        boards a request stays far under it.
        """
        ids = [checked_id(b, "board id") for b in board_ids]
        out: dict[str, tuple[str, ...] | None] = {}
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start:start + BATCH_SIZE]
            # UNCONFIRMED: that /boards/{id}/cards with no filter means its documented default (visible
            # cards); archived cards would only add evidence, never wrong it.
            urls = ",".join(f"/boards/{b}/cards?fields=desc" for b in chunk)

            def job(chunk: list[str] = chunk, urls: str = urls) -> dict[str, tuple[str, ...] | None]:
                data = self._fetch("GET", "/batch", {"urls": urls})
                if not isinstance(data, list) or len(data) != len(chunk):
                    raise parse.PayloadShapeError("batch answer is not one item per URL")
                found: dict[str, tuple[str, ...] | None] = {}
                for board_id, item in zip(chunk, data, strict=True):
                    cards = item.get("200") if isinstance(item, Mapping) else None
                    found[board_id] = (tuple(str(c.get("desc") or "") for c in cards if isinstance(c, Mapping))
                                       if isinstance(cards, list) else None)
                return found

            out.update(await self._call("card_descriptions", job, idempotent=True))
        return out

    async def board_members(self, board_id: str) -> tuple[Member, ...]:
        """The board's members (username and full name), for ``init``'s team guess."""
        path, query = f"/boards/{checked_id(board_id, 'board id')}/members", {"fields": parse.MEMBER_FIELDS}

        def job() -> tuple[Member, ...]:
            members = (parse.parse_member(m) for m in parse.json_array(self._fetch("GET", path, query), "members"))
            return tuple(m for m in members if m.username)  # a member without a username cannot be guessed from

        return await self._call("board_members", job, idempotent=True)

    async def check_auth(self) -> str:
        """The token's username; raises AuthError when the key or token is wrong."""
        def job() -> str:
            data = self._fetch("GET", "/members/me", {"fields": "username"})
            if not isinstance(data, Mapping) or not isinstance(data.get("username"), str):
                raise parse.PayloadShapeError("member answer without username")
            return displayable(str(data["username"]))

        return await self._call("check_auth", job, idempotent=True)

    async def latest_action_id(self, board_id: str) -> str | None:
        """Id of the board's newest action (the baseline for :meth:`board_changed_since`)."""
        path = f"/boards/{checked_id(board_id, 'board id')}/actions"

        def job() -> str | None:
            actions = parse.parse_actions(self._fetch("GET", path, {"limit": "1", "fields": "id,type,date",
                                                                 "memberCreator": "false"}))
            return str(actions[0]["id"]) if actions else None

        return await self._call("latest_action_id", job, idempotent=True)

    async def board_changed_since(self, board_id: str, action_id: str | None) -> tuple[bool, str | None]:
        """(changed, newest action id): one small request, an empty list when nothing happened.

        Without a baseline (``None``) the board counts as changed and the newest id is returned.
        """
        if action_id is None:
            return True, await self.latest_action_id(board_id)
        path = f"/boards/{checked_id(board_id, 'board id')}/actions"
        query = {"since": checked_id(action_id, "action id"), "limit": str(CHANGE_POLL_LIMIT), "fields": "id,type,date",
                 "memberCreator": "false"}

        def job() -> tuple[bool, str | None]:
            # UNCONFIRMED whether Trello's since=<action id> leaves that action out (the docs do not say).
            # Fallback: drop it ourselves, so a Trello that includes it does not make every poll a "change".
            actions = [a for a in parse.parse_actions(self._fetch("GET", path, query)) if str(a["id"]) != action_id]
            return (True, str(actions[0]["id"])) if actions else (False, action_id)

        return await self._call("board_changed_since", job, idempotent=True)

    async def list_comments(self, card_id: str) -> list[tuple[str, str]]:
        """(action id, text) of the card's comments, newest first."""
        path = f"/cards/{checked_id(card_id, 'card id')}/actions"
        query = {"filter": "commentCard,copyCommentCard", "limit": "1000", "fields": "id,type,date,data",
                 "memberCreator": "false"}

        def job() -> list[tuple[str, str]]:
            actions = parse.parse_actions(self._fetch("GET", path, query))
            return [(str(a["id"]), parse.comment_text(a)) for a in actions]

        return await self._call("list_comments", job, idempotent=True)

    async def list_arrivals(self, board_id: str, limit: int = 1000) -> list[Mapping[str, Any]]:
        """The board's newest actions that put a card in a list (created, copied or moved there).

        ``updateCard:idList`` is the documented filter item for a list move; the answer is newest first
        and capped at 1000 (Trello's most), which reaches back far enough for a week's close-out.
        """
        path = f"/boards/{checked_id(board_id, 'board id')}/actions"
        query = {"filter": "createCard,copyCard,updateCard:idList,moveCardToBoard", "limit": str(limit),
                 "fields": "id,type,date,data", "memberCreator": "false"}
        return await self._call("list_arrivals", lambda: parse.parse_actions(self._fetch("GET", path, query)),
                                idempotent=True)

    async def find_cards(self, board_id: str, text: str) -> list[Card]:
        """Cards in the board's open lists (archived ones included) whose name or desc contains ``text``.

        One nested board request with ``cards=all``, filtered here: ``/search`` is not real time, so
        it cannot answer "did my copy/comment land?" right after an ambiguous failure.
        """
        if not text:
            raise ValidationError(SERVICE, "find_cards needs a non-empty text")
        path = f"/boards/{checked_id(board_id, 'board id')}"
        query = {**parse.board_query(), "cards": "all"}

        def job() -> list[Card]:
            board = parse.parse_board(self._fetch("GET", path, query))
            self._remember(board.labels, board.members)
            open_lists = {lst.id for lst in board.lists}
            return [c for c in board.cards if c.list_id in open_lists and (text in c.desc or text in c.name)]

        return await self._call("find_cards", job, idempotent=True)

    # ----------------------------------------------------------------- writes

    async def create_card(self, list_id: str, name: str, desc: str, *, pos: str | float = "bottom") -> Card:
        """POST /cards. Not retried on ambiguous failures (see :class:`WriteOutcomeUnknownError`)."""
        body = {"idList": checked_id(list_id, "list id"), "name": name, "desc": desc, "pos": checked_pos(pos)}
        return await self._call("create_card", lambda: self._card(self._fetch("POST", "/cards", None, body)),
                                idempotent=False)

    async def copy_card(self, source_card_id: str, list_id: str, *, name: str | None = None,
                        desc: str | None = None, keep_from_source: str = "labels,checklists") -> Card:
        """POST /cards with ``idCardSource``: the new card, e.g. on the Support Epics board.

        Put the link-back marker in ``desc`` so a retry after :class:`WriteOutcomeUnknownError` can
        find an existing copy first.
        """
        body: dict[str, Any] = {"idList": checked_id(list_id, "list id"),
                                "idCardSource": checked_id(source_card_id, "card id"),
                                "keepFromSource": keep_from_source, "pos": "bottom"}
        if name is not None:
            body["name"] = name
        if desc is not None:
            body["desc"] = desc
        card = await self._call("copy_card", lambda: self._card(self._fetch("POST", "/cards", None, body)),
                                idempotent=False)
        if desc is not None and card.desc != desc:
            # UNCONFIRMED: whether Trello applies ``desc`` together with idCardSource; if it kept the
            # source's description instead, set ours with an idempotent per-field PUT.
            card = await self.set_card_desc(card.id, desc)
        return card

    async def move_card(self, card_id: str, list_id: str, pos: str | float | None = "top") -> Card:
        """Per-field PUTs ``idList`` then ``pos`` (both idempotent, so retried as a pair)."""
        base = f"/cards/{checked_id(card_id, 'card id')}"
        target = checked_id(list_id, "list id")
        position = None if pos is None else checked_pos(pos)

        def job() -> Card:
            data = self._fetch("PUT", f"{base}/idList", None, {"value": target})
            if position is not None:
                data = self._fetch("PUT", f"{base}/pos", None, {"value": position})
            return self._card(data)

        return await self._call("move_card", job, idempotent=True)

    async def archive_card(self, card_id: str) -> Card:
        return await self._put_field("archive_card", card_id, "closed", True)

    async def unarchive_card(self, card_id: str) -> Card:
        return await self._put_field("unarchive_card", card_id, "closed", False)

    async def set_card_desc(self, card_id: str, desc: str) -> Card:
        return await self._put_field("set_card_desc", card_id, "desc", desc)

    async def set_due(self, card_id: str, due: datetime | None) -> Card:
        """Set (aware datetime, sent as ``...sssZ``) or clear (``None``) the due date."""
        return await self._put_field("set_due", card_id, "due", None if due is None else parse.format_instant(due))

    async def add_comment(self, card_id: str, text: str) -> str:
        """Comment on a card and return the commentCard action id. Not retried on ambiguous failures."""
        path = f"/cards/{checked_id(card_id, 'card id')}/actions/comments"

        def job() -> str:
            data = self._fetch("POST", path, None, {"text": text})
            if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
                raise parse.PayloadShapeError("comment answer without an action id")
            return str(data["id"])

        return await self._call("add_comment", job, idempotent=False)

    async def add_member(self, card_id: str, member_id: str) -> None:
        """Add a member to a card; "already a member" counts as success."""
        await self._add_to_card("add_member", card_id, "idMembers", checked_id(member_id, "member id"))

    async def add_label(self, card_id: str, label_id: str) -> None:
        """Put a board label on a card; "already on the card" counts as success."""
        await self._add_to_card("add_label", card_id, "idLabels", checked_id(label_id, "label id"))

    async def create_list(self, board_id: str, name: str, *, pos: str | float = "bottom") -> BoardList:
        """POST /lists (``bottom``: the right end of the board). Not idempotent: look for the name first."""
        body = {"name": name, "idBoard": checked_id(board_id, "board id"), "pos": checked_pos(pos)}

        def job() -> BoardList:
            made = parse.parse_list(self._fetch("POST", "/lists", None, body))
            return made if made.name else replace(made, name=displayable(name))  # the name asked for, if not echoed

        return await self._call("create_list", job, idempotent=False)

    async def create_label(self, board_id: str, name: str, color: str | None) -> Label:
        """POST /labels on a board (not idempotent: Trello allows duplicate label names)."""
        body = {"name": name, "color": color, "idBoard": checked_id(board_id, "board id")}

        def job() -> Label:
            label = parse.parse_label(self._fetch("POST", "/labels", None, body))
            self._labels[label.id] = label
            return label

        return await self._call("create_label", job, idempotent=False)

    # ----------------------------------------------------------------- plumbing

    async def _put_field(self, what: str, card_id: str, field: str, value: Any) -> Card:
        path = f"/cards/{checked_id(card_id, 'card id')}/{field}"
        return await self._call(what, lambda: self._card(self._fetch("PUT", path, None, {"value": value})),
                                idempotent=True)

    async def _add_to_card(self, what: str, card_id: str, field: str, value: str) -> None:
        path = f"/cards/{checked_id(card_id, 'card id')}/{field}"
        await self._call(what, lambda: self._fetch("POST", path, None, {"value": value}), idempotent=True,
                         tolerate=already_there)

    def _remember(self, labels: tuple[Label, ...], members: tuple[Member, ...]) -> None:
        self._labels.update((label.id, label) for label in labels)
        self._members.update((member.id, member) for member in members)

    def _card(self, data: Any) -> Card:
        return parse.parse_card(data, self._labels, self._members)

    def _fetch(self, method: str, path: str, query: Mapping[str, str] | None = None,
               body: Mapping[str, Any] | None = None) -> Any:
        """Worker thread only. Dicts are copied: fetch_json mutates query_params (adds key/token)."""
        return self._trello.fetch_json(path, http_method=method, query_params=dict(query or {}),
                                       post_args=None if body is None else dict(body))

    async def _call(self, what: str, job: Callable[[], T], *, idempotent: bool,
                    tolerate: Callable[[ApiError], bool] | None = None) -> T:
        """Run ``job`` on the worker with the shared retry rules; an error ``tolerate`` accepts gives ``None``."""
        if self._closed:
            raise UnavailableError(SERVICE, "the Trello client is closed")
        loop = asyncio.get_running_loop()

        async def once() -> T:
            return await loop.run_in_executor(self._executor, self._guarded, job, idempotent)

        try:
            return await call_with_retries(self._retry, once, idempotent=idempotent)
        except ApiError as exc:
            if tolerate is not None and tolerate(exc):
                return None  # type: ignore[return-value]  # only used where T is None
            log.info("trello %s failed: %s", what, scrub(str(exc), self._secrets))
            raise

    def _guarded(self, job: Callable[[], T], idempotent: bool) -> T:
        """Worker thread: run one job, translating what it raises.

        The mapped error is raised outside the ``except`` block, so it carries no ``__context__``:
        requests' exceptions quote the URL, which in query mode holds the key and token.
        """
        try:
            return job()
        except Exception as exc:  # mapped below; anything unexpected passes through unchanged
            seen = self._session.rate_limit
            mapped = map_error(exc, idempotent=idempotent, secrets=self._secrets, retry_after=seen.retry_after,
                               scope=seen.scope)
            if mapped is None:
                raise
        raise mapped

    async def remove_label(self, card_id: str, label_id: str) -> None:
        """Take a label off a card; "not on the card" counts as success (see :func:`activity.not_on_card`)."""
        path = f"/cards/{checked_id(card_id, 'card id')}/idLabels/{checked_id(label_id, 'label id')}"
        await self._call("remove_label", lambda: self._fetch("DELETE", path), idempotent=True,
                         tolerate=activity.not_on_card)
