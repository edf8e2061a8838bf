"""py-trello's failures mapped to the shared typed errors, with the key and token scrubbed.

py-trello 0.20.1 raises ``Unauthorized`` for 401, ``ResourceUnavailable`` (status only in the private
``_status``; the response and its headers are dropped) for every other non-200, and lets requests'
network and JSON errors through unwrapped. Which of those may have reached Trello decides whether a
non-idempotent write can be retried, so the mapping keeps that distinction.
"""

from __future__ import annotations

import requests
import trello
from urllib3.exceptions import MaxRetryError, NewConnectionError

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
from supportdesk_tui.clients.retry import NotSentError
from supportdesk_tui.clients.trello.parse import PayloadShapeError
from supportdesk_tui.clients.trello.scrub import scrub
from supportdesk_tui.clients.trello.session import RateLimitScope, limit_scope

SERVICE = "Trello"


class WriteOutcomeUnknownError(UnavailableError):
    """A non-idempotent write failed after it may have reached Trello (5xx, timeout, dropped answer).

    It is not retried: look for the card/comment (by its marker) before posting again.
    """


def map_error(exc: Exception, *, idempotent: bool, secrets: tuple[str | None, ...],
              retry_after: float | None = None, scope: RateLimitScope | None = None) -> ApiError | None:
    """The typed error for ``exc``, or ``None`` for something that is not an API failure (a bug).

    ``retry_after`` and ``scope`` are what the session saw of the last 429: py-trello drops the
    response, so only the session knows its headers."""
    s = secrets
    if isinstance(exc, trello.Unauthorized):
        return AuthError(SERVICE, "the API key or token was refused", status=401, body=_detail(exc), secrets=s)
    if isinstance(exc, trello.ResourceUnavailable):
        return map_status(int(getattr(exc, "_status", 0) or 0), _detail(exc), idempotent=idempotent, secrets=s,
                          retry_after=retry_after, scope=scope)
    if isinstance(exc, requests.exceptions.JSONDecodeError | PayloadShapeError | RecursionError) or (
            isinstance(exc, ValueError) and not isinstance(exc, requests.exceptions.RequestException)):
        return BadPayloadError(SERVICE, f"unexpected answer: {scrub(str(exc), s)}", secrets=s)
    if isinstance(exc, requests.exceptions.ConnectTimeout) or _refused(exc):
        return NotSentError(SERVICE, f"cannot connect: {scrub(str(exc), s)}", secrets=s)
    if isinstance(exc, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
        text = f"no answer in time or connection lost: {scrub(str(exc), s)}"
        if idempotent:
            return UnavailableError(SERVICE, text, secrets=s)
        return WriteOutcomeUnknownError(SERVICE, text + "; the write may have happened", secrets=s)
    if isinstance(exc, requests.exceptions.RequestException):
        return ApiError(SERVICE, f"request failed: {scrub(str(exc), s)}", secrets=s)
    return None


def map_status(status: int, body: str, *, idempotent: bool, secrets: tuple[str | None, ...],
               retry_after: float | None = None, scope: RateLimitScope | None = None) -> ApiError:
    s = secrets
    if status == 429:
        # ``retry_after`` and ``scope`` are the session's: the window the 429 named (Trello documents no
        # Retry-After) and the limit its body or its ``remaining: 0`` header named. Without the session's
        # word, only the body can name it. A 429 is refused before processing, so the retry rules resend
        # even a write after it.
        named = scope if scope is not None and scope is not RateLimitScope.UNKNOWN else limit_scope(body, {})
        return RateLimitedError(SERVICE, _RATE_LIMITED[named], retry_after=retry_after,
                                status=status, body=body, secrets=s)
    if status in (401, 403):
        return AuthError(SERVICE, "Trello refused the request", status=status, body=body, secrets=s)
    if status == 404:
        return NotFoundError(SERVICE, "no such board, list or card", status=status, body=body, secrets=s)
    if status in (400, 422):
        return ValidationError(SERVICE, f"Trello refused the values: {_first_line(body)}", status=status,
                               body=body, secrets=s)
    if status == 409:
        return ConflictError(SERVICE, "conflict", status=status, body=body, secrets=s)
    if status >= 500 or status == 449:
        if idempotent:
            return UnavailableError(SERVICE, "Trello is unavailable", status=status, body=body, secrets=s)
        return WriteOutcomeUnknownError(SERVICE, "Trello failed mid-write; the write may have happened",
                                        status=status, body=body, secrets=s)
    return ApiError(SERVICE, f"unexpected status: {_first_line(body)}", status=status, body=body, secrets=s)


_RATE_LIMITED = {
    RateLimitScope.TOKEN: "the rate limit for this token is used up (100 requests per 10 s, shared with any "
                          "other tool using the token)",
    RateLimitScope.KEY: "the rate limit for this API key is used up (300 requests per 10 s across all its tokens)",
    RateLimitScope.UNKNOWN: "rate limit exceeded",
}


def already_there(exc: ApiError) -> bool:
    """A 400 saying the member/label is already on the card: the add we wanted has happened.

    UNCONFIRMED: Trello's exact wording ("member is already on the card", "that label is already on
    the card") and whether it is text or JSON; only "already" is relied on.
    """
    return isinstance(exc, ValidationError) and "already" in f"{exc} {exc.body}".lower()


def _refused(exc: Exception) -> bool:
    """True when the TCP connection never opened, so the request cannot have been processed."""
    if not isinstance(exc, requests.exceptions.ConnectionError) or not exc.args:
        return False
    inner = exc.args[0]
    return isinstance(inner, MaxRetryError) and isinstance(inner.reason, NewConnectionError)


def _detail(exc: Exception) -> str:
    """py-trello's message is ``"<body> at <url> (HTTP status: N)"``; the URL carries no query."""
    return str(getattr(exc, "_msg", "") or exc)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]
