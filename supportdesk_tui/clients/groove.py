"""Async client for Groove's v1 REST API.

Written against Groove's documentation (see docs/apis.md), not our fake: pages are built as ``?page=N&per_page=50``
and never by following ``next_page`` (it repeats on the last page and drops ``per_page``); the
token only ever travels in the ``Authorization`` header; a write that is not idempotent is never
retried after an answer that might have been lost. The ``httpx.AsyncClient`` belongs to the caller
(one for the app's life), so this class holds no connections of its own.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from supportdesk_tui.clients.errors import (
    ApiError,
    AuthError,
    BadPayloadError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from supportdesk_tui.clients.groove_parse import SERVICE, last_segment, parse_message, parse_ticket
from supportdesk_tui.clients.retry import (
    NotSentError,
    RetryAfterUnavailableError,
    RetryPolicy,
    SleepFn,
    call_with_retries,
    parse_retry_after,
)
from supportdesk_tui.domain.account import Agent
from supportdesk_tui.domain.redact import displayable
from supportdesk_tui.domain.tickets import Message, Ticket

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.groovehq.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
PER_PAGE = 50  # Groove's documented maximum (docs/apis.md)
SNIPPET = 200


@dataclass(frozen=True, slots=True)
class _Pagination:
    current_page: int
    total_pages: int | None
    next_page: str | None
    total_count: int | None


_DIGITS = re.compile(r"[0-9]{1,18}")  # not str.isdigit(): that accepts "²" and 5,000-digit strings


def _as_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value)
    return None


def _pagination(payload: Mapping[str, Any], page: int) -> _Pagination:
    meta = payload.get("meta")
    info = meta.get("pagination") if isinstance(meta, Mapping) else None
    info = info if isinstance(info, Mapping) else {}
    next_page = info.get("next_page")
    return _Pagination(current_page=_as_int(info.get("current_page")) or page,
                       total_pages=_as_int(info.get("total_pages")),
                       next_page=next_page if isinstance(next_page, str) and next_page.strip() else None,
                       total_count=_as_int(info.get("total_count")))


async def _gather_all(aws: Iterable[Awaitable[T]]) -> list[T]:
    """``asyncio.gather`` that cancels the siblings when one fails (no orphan requests)."""
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _freshness(ticket: Ticket) -> tuple[datetime, datetime]:
    return ticket.updated_at, ticket.state_changed_at or ticket.updated_at


def merge_tickets(tickets: Iterable[Ticket]) -> list[Ticket]:
    """One ticket per number, keeping the freshest copy (a ticket can move between pages or states
    while a listing is in flight), in order of first appearance."""
    merged: dict[int, Ticket] = {}
    for ticket in tickets:
        seen = merged.get(ticket.number)
        if seen is None or _freshness(ticket) > _freshness(seen):
            merged[ticket.number] = ticket
    return list(merged.values())


class GrooveClient:
    """Groove v1 over an injected ``httpx.AsyncClient``; every failure is a typed ``ApiError``.

    ``page_concurrency`` bounds page fetches across *all* listings of this client at once, so a
    refresh of several states never has more than that many pages in flight. ``retry_attempts``
    counts every try, the first included.
    """

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str, *, page_concurrency: int = 4,
                 max_pages: int = 400, max_retry_wait: float = 30.0, retry_attempts: int = 4,
                 sleep: SleepFn = asyncio.sleep, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                 backoff_multiplier: float = 0.5, backoff_max: float = 8.0) -> None:
        if page_concurrency < 1 or max_pages < 1:
            raise ValueError("page_concurrency and max_pages must be at least 1")
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._secrets: tuple[str | None, ...] = (token,)
        self.page_concurrency = page_concurrency
        self.max_pages = max_pages
        self._page_slots = asyncio.Semaphore(page_concurrency)
        self._timeout = timeout
        self._policy = RetryPolicy(attempts=retry_attempts, max_wait=max_retry_wait, sleep=sleep,
                                   backoff_multiplier=backoff_multiplier, backoff_max=backoff_max)

    def __repr__(self) -> str:  # never the token
        return f"GrooveClient(base_url={self.base_url!r})"

    # -- tickets ---------------------------------------------------------------------------------

    async def list_tickets(self, state: str | None = None, *, assignee: str | None = None,
                           customer: str | None = None) -> list[Ticket]:
        """Every ticket matching the filters (Groove's filters are single-valued)."""
        params = {k: v for k, v in (("state", state), ("assignee", assignee), ("customer", customer)) if v}
        items = await self._collect("/tickets", "tickets", params)
        return merge_tickets(parse_ticket(item, default_state=state or "unknown") for item in items)

    async def list_open_tickets(self, states: Sequence[str]) -> list[Ticket]:
        """One listing per state, run together and merged by number.

        UNCONFIRMED: a comma list (``state=unread,opened``) is seen in one app but not documented,
        so we don't rely on it.
        """
        wanted = list(dict.fromkeys(s for s in states if s))
        listings = await _gather_all(self.list_tickets(state) for state in wanted)
        return merge_tickets(ticket for listing in listings for ticket in listing)

    async def get_ticket(self, number: int) -> Ticket:
        payload = await self._call("GET", f"/tickets/{int(number)}", idempotent=True)
        return parse_ticket(self._member(payload, "ticket", f"GET /tickets/{number}"))

    async def list_agents(self) -> list[Agent]:
        """Every agent of the account (``GET /agents``), read like the other listings.

        UNCONFIRMED: whether a large team's listing is paginated (the known answers carry no ``meta``).
        It is read page by page as the others are: an answer without ``meta`` is one page, one with
        ``meta.pagination`` is followed to its last page, so neither form loses an agent.
        """
        items = await self._collect("/agents", "agents", {})
        agents: list[Agent] = []
        for item in items:
            email = item.get("email") if isinstance(item, Mapping) else None
            if isinstance(email, str) and "@" in email:
                agents.append(Agent(displayable(email.strip()), displayable(str(item.get("first_name") or "")),
                                    displayable(str(item.get("last_name") or ""))))
        return agents

    async def get_state(self, number: int) -> str:
        path = f"/tickets/{int(number)}/state"
        state = self._member(await self._call("GET", path, idempotent=True), "state", f"GET {path}")
        if not isinstance(state, str) or not state.strip():
            raise BadPayloadError(SERVICE, f"GET {path} gave no state", body=repr(state), secrets=self._secrets)
        return displayable(state.strip().lower())

    async def set_state(self, number: int, state: str) -> None:
        # UNCONFIRMED: the PUT's status and body; any 2xx is taken as done and the body is ignored.
        await self._call("PUT", f"/tickets/{int(number)}/state", json={"state": state}, idempotent=True,
                         decode=False)

    async def get_assignee(self, number: int) -> str | None:
        """The assigned agent's email, or None when unassigned (Groove may answer with an empty body)."""
        payload = await self._call("GET", f"/tickets/{int(number)}/assignee", idempotent=True)
        if not isinstance(payload, Mapping):
            return None  # UNCONFIRMED: the exact "unassigned" form (empty body, null, {})
        agent = payload.get("agent")
        if isinstance(agent, Mapping):
            email = agent.get("email")
            if isinstance(email, str) and email.strip():
                return displayable(email.strip())
            segment = last_segment(agent.get("href"))
            return displayable(segment) if segment else None
        assignee = payload.get("assignee")
        return (displayable(assignee.strip()) or None) if isinstance(assignee, str) else None

    async def set_assignee(self, number: int, email: str) -> None:
        # UNCONFIRMED: the PUT's status and body; any 2xx is taken as done.
        await self._call("PUT", f"/tickets/{int(number)}/assignee", json={"assignee": email}, idempotent=True,
                         decode=False)

    async def set_priority(self, number: int, priority: str | None) -> None:
        # UNCONFIRMED: v1 shows only low/high; medium/urgent are inferred from v2. None clears it.
        await self._call("PUT", f"/tickets/{int(number)}/priority", json={"priority": priority},
                         idempotent=True, decode=False)

    # -- messages --------------------------------------------------------------------------------

    async def list_messages(self, number: int) -> list[Message]:
        """The whole thread, oldest first, whatever order Groove sends it in."""
        items = await self._collect(f"/tickets/{int(number)}/messages", "messages", {})
        unique = {m.id: m for m in (parse_message(item, ticket_number=int(number)) for item in items)}
        return sorted(unique.values(), key=lambda m: (m.created_at, len(m.id), m.id))

    async def post_message(self, number: int, body: str, *, note: bool, author: str | None = None,
                           send_copy_to_customer: bool | None = None) -> Message:
        """Post a public reply (``note=False``) or a private note.

        Not idempotent: it is retried only when Groove certainly did not process it (429, or the
        connection never opened). Any other failure raises :class:`UnavailableError` saying the
        message may have been posted; the caller should re-read the thread before sending again.
        UNCONFIRMED: that a public reply is emailed only with ``send_copy_to_customer`` (default
        false in the docs), so it defaults to ``not note``.
        """
        path = f"/tickets/{int(number)}/messages"
        payload: dict[str, Any] = {"body": body, "note": note,
                                   "send_copy_to_customer": (not note) if send_copy_to_customer is None
                                   else send_copy_to_customer}
        if author:
            payload["author"] = author
        return await self._post_not_idempotent(path, payload, "message",
                                     lambda data: parse_message(data, ticket_number=int(number)),
                                     made="posted", look="check the ticket's thread")

    async def create_ticket(self, *, to: str, sender: str, subject: str, body: str,
                            state: str | None = None) -> Ticket:
        """``POST /tickets``: a new ticket from an agent (``sender``) to a customer's address.

        Documented: ``body``, ``from``, ``to``, ``subject``, ``state`` and ``send_copy_to_customer``
        (default false: without it an agent-made ticket is not emailed), answered with 201 and
        ``{"ticket": ...}``. Not idempotent and no idempotency key exists: any unclear failure raises
        :class:`UnavailableError` saying it may have been made, so the caller looks for the subject
        among the customer's tickets before trying again.
        UNCONFIRMED: that the first message of an agent-made ticket is a public reply the customer gets
        by email when ``send_copy_to_customer`` is true (the docs list the flag, not the email).
        """
        payload: dict[str, Any] = {"body": body, "from": sender, "to": to, "subject": subject,
                                   "send_copy_to_customer": True}
        if state:
            payload["state"] = state
        return await self._post_not_idempotent("/tickets", payload, "ticket", parse_ticket, made="made",
                                     look="look for its subject among the customer's tickets")

    # -- auth ------------------------------------------------------------------------------------

    async def check_auth(self) -> str:
        """A cheap authenticated call for ``login`` and ``doctor``; returns a one-line description."""
        payload = await self._call("GET", "/tickets", params={"per_page": 1}, idempotent=True)
        self._member(payload, "tickets", "GET /tickets")
        count = _pagination(payload, 1).total_count
        seen = f"{count} tickets visible" if count is not None else "tickets visible"
        return f"Groove token accepted by {urlsplit(self.base_url).netloc or self.base_url} ({seen})"

    # -- plumbing --------------------------------------------------------------------------------

    async def _post_not_idempotent(self, path: str, payload: Mapping[str, Any], key: str, parse: Callable[[Any], T], *,
                         made: str, look: str) -> T:
        """POST a write that is not idempotent and ``parse`` its answer's ``key`` member.

        Retried only when Groove certainly did not process it (429, or the connection never opened);
        any other failure says whether the write may have happened (``made``: "posted", "made") and
        where to ``look`` before sending it again, so a caller never sends it twice blindly.
        """
        what = f"POST {path}"
        try:
            return parse(self._member(await self._call("POST", path, json=payload, idempotent=False), key, what))
        except (NotSentError, RateLimitedError):
            raise  # certainly not processed
        except UnavailableError as exc:
            raise UnavailableError(
                SERVICE, f"{what}: no clear answer, so the {key} may or may not have been {made}; {look} "
                f"before sending again ({exc})", status=exc.status, body=exc.body, secrets=self._secrets) from None
        except BadPayloadError as exc:
            raise BadPayloadError(
                SERVICE, f"{what}: Groove accepted the {key} but its answer could not be read; do not send it "
                "again", body=exc.body, secrets=self._secrets) from None

    async def _collect(self, path: str, key: str, params: Mapping[str, str]) -> list[Any]:
        """All items of a paginated listing: page 1, then the rest together, bounded by the slots.

        The end is ``total_pages`` from page 1, whatever ``next_page`` says (quirk 1). Only when a
        server gives no ``total_pages`` are pages walked one by one, while they come back full.
        """
        items, meta = await self._page(path, key, params, 1)
        if meta.total_pages is None:
            return items + await self._walk(path, key, params, len(items), meta)
        last = min(meta.total_pages, self.max_pages)
        if meta.total_pages > self.max_pages:
            log.warning("Groove %s has %d pages; reading only the first %d", path, meta.total_pages, last)
        if meta.current_page >= last:
            return items
        pages = await _gather_all(self._page(path, key, params, n) for n in range(2, last + 1))
        items += [item for page_items, _ in pages for item in page_items]
        # A live listing shifts while it is read: tickets that arrive after page 1 push its tail onto a
        # page that page 1 did not announce, so the later pages' ``total_pages`` is followed too (up to
        # ``max_pages``). What moves onto a page already read comes twice; ``merge_tickets`` keeps one.
        grown = max((meta.total_pages or 0 for _, meta in pages), default=0)
        while grown > last and last < self.max_pages:
            first, last = last + 1, min(grown, self.max_pages)
            more = await _gather_all(self._page(path, key, params, n) for n in range(first, last + 1))
            items += [item for page_items, _ in more for item in page_items]
            grown = max((meta.total_pages or 0 for _, meta in more), default=0)
        return items

    async def _walk(self, path: str, key: str, params: Mapping[str, str], got: int,
                    meta: _Pagination) -> list[Any]:
        collected: list[Any] = []
        page = 1
        while meta.next_page and got >= PER_PAGE and page < self.max_pages:
            page += 1
            page_items, meta = await self._page(path, key, params, page)
            collected.extend(page_items)
            got = len(page_items)
        return collected

    async def _page(self, path: str, key: str, params: Mapping[str, str],
                    page: int) -> tuple[list[Any], _Pagination]:
        async with self._page_slots:
            payload = await self._call("GET", path, params={**params, "page": page, "per_page": PER_PAGE},
                                       idempotent=True)
        items = self._member(payload, key, f"GET {path} page {page}")
        if not isinstance(items, list):
            raise BadPayloadError(SERVICE, f"GET {path} page {page}: {key!r} is not a list",
                                  body=repr(items), secrets=self._secrets)
        return items, _pagination(payload, page)

    def _member(self, payload: Any, key: str, what: str) -> Any:
        if not isinstance(payload, Mapping) or key not in payload:
            raise BadPayloadError(SERVICE, f"{what}: the answer has no {key!r}", body=repr(payload)[:SNIPPET],
                                  secrets=self._secrets)
        return payload[key]

    async def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                    json: Any = None, idempotent: bool, decode: bool = True) -> Any:
        """One logical call with the retry policy; returns the decoded JSON (None for an empty body)."""
        async def once() -> Any:
            response = await self._send(method, path, params, json)
            return self._decode(f"{method} {path}", response) if decode else None

        return await call_with_retries(self._policy, once, idempotent=idempotent)

    async def _send(self, method: str, path: str, params: Mapping[str, Any] | None, json: Any) -> httpx.Response:
        what = f"{method} {path}"
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        url = self.base_url + path  # paths are built from ints and literals: nothing to quote
        try:
            response = await self._http.request(method, url, params=dict(params) if params else None,
                                                json=json, headers=headers, timeout=self._timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise NotSentError(SERVICE, f"{what}: could not connect to Groove ({_reason(exc)})",
                               secrets=self._secrets) from None
        except httpx.TimeoutException as exc:
            raise UnavailableError(SERVICE, f"{what}: Groove did not answer in time ({_reason(exc)})",
                                   secrets=self._secrets) from None
        except httpx.TransportError as exc:
            raise UnavailableError(SERVICE, f"{what}: the connection failed ({_reason(exc)})",
                                   secrets=self._secrets) from None
        if response.is_success:
            return response
        raise self._status_error(what, response)

    def _decode(self, what: str, response: httpx.Response) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except (ValueError, RecursionError):  # not JSON, absurdly deep, or an integer past the digit limit
            raise BadPayloadError(SERVICE, f"{what} answered {response.status_code} with a body that is not "
                                  f"JSON: {_snippet(response)}", body=response.text,
                                  secrets=self._secrets) from None

    def _status_error(self, what: str, response: httpx.Response) -> ApiError:
        status, body, secrets = response.status_code, response.text, self._secrets
        text = f"{what} answered {status}" + (f": {_snippet(response)}" if response.content else "")
        if status in (401, 403):
            return AuthError(SERVICE, f"{text} (check the Groove API token)", status=status, body=body,
                             secrets=secrets)
        if status == 404:
            return NotFoundError(SERVICE, text, status=status, body=body, secrets=secrets)
        if status in (400, 422):
            return ValidationError(SERVICE, text, status=status, body=body, secrets=secrets)
        if status == 409:
            return ConflictError(SERVICE, text, status=status, body=body, secrets=secrets)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status == 429:
            return RateLimitedError(SERVICE, text, retry_after=retry_after, status=status, body=body,
                                    secrets=secrets)
        if status == 503 and retry_after is not None:
            return RetryAfterUnavailableError(SERVICE, text, retry_after=retry_after, status=status, body=body,
                                              secrets=secrets)
        if status >= 500:
            return UnavailableError(SERVICE, text, status=status, body=body, secrets=secrets)
        return ApiError(SERVICE, text, status=status, body=body, secrets=secrets)


def _snippet(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET] + "…"


def _reason(exc: Exception) -> str:
    detail = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
