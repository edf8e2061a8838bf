"""The HTTP transport handed to py-trello as ``http_service``.

py-trello 0.20.1 hard-codes ``https://api.trello.com/1/`` in ``fetch_json`` and never passes a
timeout, so the only clean way to point it at the fake, bound every request and see 429s is a
``requests.Session`` subclass: ``fetch_json`` calls ``http_service.request(...)`` and ``create_hook``
calls ``http_service.post(...)`` on ``https://trello.com/1/``. Monkeypatching, ``proxies=`` and copying
``fetch_json`` were rejected (see /work/shared/api/trello.md, "What this means for our code").

This class is also the only place that sees Trello's responses before py-trello turns them into
exceptions (``ResourceUnavailable`` drops the response and its headers), so it records the last
``x-rate-limit-*`` headers and 429s, and keeps a client-side budget well under Trello's 100 requests
per 10 s per token.

Retries are deliberately *not* done here (no urllib3 ``Retry`` adapter): the facade retries with
tenacity, because only it knows which calls are idempotent, and two retry layers would multiply.

A ``requests.Session`` is not documented as thread-safe, so the session refuses to be used from a
second thread: the facade runs every py-trello call on one dedicated worker thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

TRELLO_API = "https://api.trello.com/1/"
TRELLO_WEB_API = "https://trello.com/1/"
RATE_HEADER_PREFIX = "x-rate-limit-"


@dataclass(frozen=True, slots=True)
class RateLimitState:
    """What the session last saw of Trello's rate limiting (safe to read from any thread)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    count_429: int = 0
    last_429_at: float | None = None  # time.monotonic() of the last 429
    last_429_body: str = ""
    retry_after: float | None = None  # seconds, only if the 429 carried a Retry-After header

    @property
    def token_remaining(self) -> int | None:
        """``x-rate-limit-api-token-remaining`` from the last response that carried it."""
        value = self.headers.get("x-rate-limit-api-token-remaining")
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None


class RequestBudget:
    """A sliding-window cap on requests, so a busy UI never earns Trello's 429s in the first place.

    Trello allows 100 requests per 10 s per token; the default leaves head-room for other tools
    using the same token. Waiting happens on the worker thread, which serialises all Trello calls
    anyway, so a full budget simply slows the queue down.
    """

    def __init__(self, max_requests: int = 80, window_s: float = 10.0, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if max_requests < 1 or window_s <= 0:
            raise ValueError("a request budget needs max_requests >= 1 and window_s > 0")
        self.max_requests = max_requests
        self.window_s = window_s
        self._monotonic = monotonic
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self.waited_s = 0.0

    def acquire(self) -> None:
        """Block until one more request fits in the window, then count it."""
        while True:
            now = self._monotonic()
            while self._sent and self._sent[0] <= now - self.window_s:
                self._sent.popleft()
            if len(self._sent) < self.max_requests:
                self._sent.append(now)
                return
            wait = self._sent[0] + self.window_s - now
            self.waited_s += wait
            self._sleep(wait)


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
        with self._rate_lock:
            state = self._rate
            if headers:
                state = RateLimitState(headers, state.count_429, state.last_429_at, state.last_429_body,
                                       state.retry_after)
            if response.status_code == 429:
                state = RateLimitState(state.headers, state.count_429 + 1, time.monotonic(),
                                       response.text[:300], _retry_after(response.headers.get("Retry-After")))
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
