"""The HTTP transport handed to py-trello as ``http_service``.

py-trello 0.20.1 hard-codes ``https://api.trello.com/1/`` in ``fetch_json`` and never passes a
timeout, so the only clean way to point it at the fake, bound every request and see 429s is a
``requests.Session`` subclass: ``fetch_json`` calls ``http_service.request(...)`` and ``create_hook``
calls ``http_service.post(...)`` on ``https://trello.com/1/``. Monkeypatching, ``proxies=`` and copying
``fetch_json`` were rejected.

This class is also the only place that sees Trello's responses before py-trello turns them into
exceptions (``ResourceUnavailable`` drops the response and its headers), so it records the last
``x-rate-limit-*`` headers and 429s and feeds them to the :class:`RequestBudget`, which every request
passes first. Trello counts requests in 10 s windows, 100 per token and 300 per key, shared with
every other tool using the same token or key. The budget therefore (1) keeps its own cap well under
that, (2) stops when the headers say nothing remains in the window, and (3) after a 429 that names
the token or key limit, holds every caller sharing it until the window has passed (capped).

Retries are deliberately *not* done here (no urllib3 ``Retry`` adapter): the facade retries with
tenacity, because only it knows which calls are idempotent, and two retry layers would multiply.

A ``requests.Session`` is not documented as thread-safe, so the session refuses to be used from a
second thread: the facade runs every py-trello call on one dedicated worker thread.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import requests

TRELLO_API = "https://api.trello.com/1/"
TRELLO_WEB_API = "https://trello.com/1/"
RATE_HEADER_PREFIX = "x-rate-limit-"


TRELLO_WINDOW_S = 10.0
"""Trello's documented window for both the per-token and the per-key limit."""
MAX_PAUSE_S = 30.0
"""The longest the budget holds callers for one window, whatever the headers say."""


class RateLimitScope(StrEnum):
    """Which of Trello's limits a 429 (or an empty ``remaining`` header) is about."""

    TOKEN = "token"  # 100 requests per 10 s per token, shared with other tools using the token
    KEY = "key"  # 300 requests per 10 s per API key, across all its tokens
    UNKNOWN = "unknown"  # neither named: a proxy, or a limit Trello does not describe


_LIMIT_CODE = re.compile(r"API_(TOKEN|KEY)_\w*LIMIT_EXCEEDED")


def limit_scope(body: str, headers: Mapping[str, str]) -> RateLimitScope:
    """The limit a 429 is about: from the body's error code, else from a ``remaining`` header at 0.

    Trello's 429 bodies are ``{"error": "API_TOKEN_LIMIT_EXCEEDED" | "API_KEY_LIMIT_EXCEEDED", ...}``;
    variants such as ``API_TOKEN_DB_LIMIT_EXCEEDED`` count against the same token or key. A search
    (not a JSON parse) also finds the code inside py-trello's ``"<body> at <url>"`` message.
    """
    match = _LIMIT_CODE.search(body)
    if match:
        return RateLimitScope.TOKEN if match[1] == "TOKEN" else RateLimitScope.KEY
    for scope in (RateLimitScope.TOKEN, RateLimitScope.KEY):
        if _header_number(headers, f"{RATE_HEADER_PREFIX}api-{scope}-remaining") == 0:
            return scope
    return RateLimitScope.UNKNOWN


def window_seconds(headers: Mapping[str, str], scope: RateLimitScope) -> float:
    """The length of ``scope``'s window: ``x-rate-limit-api-<scope>-interval-ms``, else Trello's 10 s.

    UNCONFIRMED: the headers' names and meaning come from observed responses, not from Trello's
    documentation (interval-ms = the window's length, remaining = requests left in the current
    window, this request included). Without them the documented 10 s window is used.
    """
    millis = _header_number(headers, f"{RATE_HEADER_PREFIX}api-{scope}-interval-ms")
    return millis / 1000 if millis is not None and millis > 0 else TRELLO_WINDOW_S


def _header_number(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RateLimitState:
    """What the session last saw of Trello's rate limiting (safe to read from any thread)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    count_429: int = 0
    last_429_at: float | None = None  # time.monotonic() of the last 429
    last_429_body: str = ""
    retry_after: float | None = None
    """Seconds to wait after the last 429: ``Retry-After`` if one came (Trello documents none), else
    the window the 429 named (capped); ``None`` when it named no limit (the retry then backs off)."""
    scope: RateLimitScope | None = None
    """The limit the last 429 was about."""

    @property
    def token_remaining(self) -> int | None:
        """``x-rate-limit-api-token-remaining`` from the last response that carried it."""
        return _header_number(self.headers, "x-rate-limit-api-token-remaining")


@dataclass(slots=True)
class _Remaining:
    """What one ``remaining`` header said, and how many requests this budget sent since."""

    left: int
    until: float  # monotonic instant by which the window it counted has certainly passed
    sent_since: int = 0


class RequestBudget:
    """Every Trello request waits here first, so a busy UI rarely earns a 429, and never a second one.

    Three rules, each a wait on the worker thread (which serialises all Trello calls anyway, so a
    full budget simply slows the queue down; one budget may also be shared by several clients):

    - a sliding window of ``max_requests`` per ``window_s``, well under Trello's 100 per 10 s per
      token, for head-room when the headers are missing;
    - what the ``x-rate-limit-*`` headers say remains: a token shared with other tools may have far
      fewer than 100 left, and when none remain the next request waits until that window has passed;
    - after a 429 naming the token or key limit, a hold on every request until the window has passed.

    We cannot tell where in Trello's window a response falls, so "until the window has passed" is
    one whole window from when we saw it: enough for a fixed window and for a sliding one. Every wait
    is capped at ``max_pause_s``.
    """

    def __init__(self, max_requests: int = 80, window_s: float = 10.0, *, max_pause_s: float = MAX_PAUSE_S,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if max_requests < 1 or window_s <= 0 or max_pause_s <= 0:
            raise ValueError("a request budget needs max_requests >= 1, window_s > 0 and max_pause_s > 0")
        self.max_requests = max_requests
        self.window_s = window_s
        self.max_pause_s = max_pause_s
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self._remaining: dict[RateLimitScope, _Remaining] = {}
        self._hold_until: float | None = None
        self.waited_s = 0.0

    def acquire(self) -> None:
        """Block until one more request is allowed by all three rules, then count it."""
        while True:
            with self._lock:
                wait = self._wait_needed(self._monotonic())
                if wait <= 0:
                    self._sent.append(self._monotonic())
                    for seen in self._remaining.values():
                        seen.sent_since += 1
                    return
                self.waited_s += wait
            self._sleep(wait)

    def _wait_needed(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - self.window_s:
            self._sent.popleft()
        waits = [0.0]
        if len(self._sent) >= self.max_requests:
            waits.append(self._sent[0] + self.window_s - now)
        if self._hold_until is not None:
            if self._hold_until > now:
                waits.append(self._hold_until - now)
            else:
                self._hold_until = None
        for scope, seen in list(self._remaining.items()):
            if seen.until <= now:
                del self._remaining[scope]  # that window has passed: its count says nothing any more
            elif seen.sent_since >= seen.left:
                waits.append(seen.until - now)
        return max(waits)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Follow what a response's ``x-rate-limit-*`` headers say remains (absent headers change nothing)."""
        now = self._monotonic()
        with self._lock:
            for scope in (RateLimitScope.TOKEN, RateLimitScope.KEY):
                left = _header_number(headers, f"{RATE_HEADER_PREFIX}api-{scope}-remaining")
                if left is not None:
                    until = now + min(window_seconds(headers, scope), self.max_pause_s)
                    self._remaining[scope] = _Remaining(max(left, 0), until)

    def hold(self, seconds: float) -> float:
        """Hold every request for ``seconds`` (capped at ``max_pause_s``) from now; the hold applied."""
        pause = min(max(seconds, 0.0), self.max_pause_s)
        with self._lock:
            until = self._monotonic() + pause
            if self._hold_until is None or until > self._hold_until:
                self._hold_until = until
        return pause


class RebasingSession(requests.Session):
    """A ``requests.Session`` that sends py-trello's requests to ``base_url`` with a timeout.

    ``base_url`` is e.g. ``https://api.trello.com/1`` (production) or ``http://127.0.0.1:PORT/1``
    (the fake); any URL that is neither under Trello's API nor already under ``base_url`` is refused,
    so a py-trello code path we did not anticipate cannot reach the real Trello from a test.
    """

    def __init__(self, base_url: str, timeout: float = 15, *, budget: RequestBudget | None = None) -> None:
        super().__init__()
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"Trello base URL must be http(s): {base_url!r}")
        self.base_url = base_url.rstrip("/") + "/"
        if urlsplit(self.base_url).hostname in ("127.0.0.1", "localhost", "::1"):
            # Loopback (the fakes): never through an HTTP(S)_PROXY from the environment, and no .netrc.
            self.trust_env = False
        self.timeout = timeout
        self.budget = budget if budget is not None else RequestBudget()
        self._rate = RateLimitState()
        self._rate_lock = threading.Lock()
        self._owner: int | None = None

    @property
    def rate_limit(self) -> RateLimitState:
        with self._rate_lock:
            return self._rate

    def rebase(self, url: str, *, allow_web: bool = False) -> str:
        """Map a Trello URL onto ``base_url``; ``ValueError`` for anything else."""
        url = str(url)
        if url.startswith(self.base_url):
            return url
        prefixes = (TRELLO_API, TRELLO_WEB_API) if allow_web else (TRELLO_API,)
        for prefix in prefixes:
            if url.startswith(prefix):
                return self.base_url + url[len(prefix):]
        # Only the path is quoted: a URL may carry key/token in its query string.
        raise ValueError(f"refusing a request outside the Trello API: {url.split('?', 1)[0]}")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self._check_thread()
        target = self.rebase(url.decode() if isinstance(url, bytes) else url)
        kwargs.setdefault("timeout", self.timeout)
        self.budget.acquire()
        verb = method.decode() if isinstance(method, bytes) else method
        response = super().request(verb, target, *args, **kwargs)
        self._observe(response)
        return response

    def post(self, url: str | bytes, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        # py-trello's create_hook posts to https://trello.com/1/tokens/<token>/webhooks/.
        target = self.rebase(url.decode() if isinstance(url, bytes) else url, allow_web=True)
        return self.request("POST", target, data=data, json=json, **kwargs)

    def _check_thread(self) -> None:
        me = threading.get_ident()
        if self._owner is None:
            self._owner = me
        elif self._owner != me:
            raise RuntimeError("RebasingSession used from a second thread; route calls through the worker")

    def _observe(self, response: requests.Response) -> None:
        headers = {k.lower(): v for k, v in response.headers.items() if k.lower().startswith(RATE_HEADER_PREFIX)}
        if headers:
            self.budget.observe(headers)
        with self._rate_lock:
            state = self._rate
            if headers:
                state = RateLimitState(headers, state.count_429, state.last_429_at, state.last_429_body,
                                       state.retry_after, state.scope)
            if response.status_code == 429:
                body = response.text[:300]
                scope = limit_scope(body, headers)
                wait = _retry_after(response.headers.get("Retry-After"))
                if scope is not RateLimitScope.UNKNOWN:
                    # The whole window the 429 names, for every caller sharing the budget. An unnamed
                    # 429 holds nobody else and keeps the retry's backoff (or its Retry-After).
                    wait = self.budget.hold(max(wait or 0.0, window_seconds(headers, scope)))
                state = RateLimitState(state.headers, state.count_429 + 1, time.monotonic(), body, wait, scope)
            self._rate = state


def _retry_after(value: str | None) -> float | None:
    """Seconds from a numeric ``Retry-After`` (Trello documents none; the HTTP-date form is ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
