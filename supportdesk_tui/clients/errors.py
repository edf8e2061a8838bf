"""Typed API errors shared by the Groove and Trello clients.

Every error carries the HTTP status (when there was one) and a truncated, redacted body, and never
the request's headers or URL query, so its text is safe to show in the UI or write to a log.
"""

from __future__ import annotations

import re

from supportdesk_tui.domain.redact import redact

MAX_BODY = 300
MAX_MESSAGE = 200

# requests/urllib3 describe a failed connection as the pool, the whole URL with its query and nested
# reprs ("Caused by NewConnectionError(...)", "('Connection aborted.', RemoteDisconnected(...))"): five lines
# in a banner. Only the innermost reason is worth showing.
_DUMP = re.compile(r"HTTPS?ConnectionPool\(|\(\s*'Connection aborted|\b[A-Z]\w*(?:Error|Disconnected)\(")
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")
_REASONS = (("Read timed out", "no answer in time"), ("timed out", "no answer in time"),
            ("RemoteDisconnected", "the connection was closed"), ("Connection aborted", "the connection was closed"),
            ("NameResolutionError", "the host name did not resolve"), ("SSLError", "the TLS handshake failed"))


def tidy(message: str) -> str:
    """``message`` without a transport library's dump: the pool, URL and nested reprs become their innermost
    reason ("connection refused"); anything left is cut to MAX_MESSAGE characters at a word."""
    dump = _DUMP.search(message)
    if dump is not None:
        rest = message[dump.start():]
        errno = _ERRNO.search(rest)
        reason = errno.group(1).strip().lower() if errno else next(
            (said for found, said in _REASONS if found in rest), None)
        if reason is None and rest.startswith("HTTP"):
            reason = "the connection failed"
        if reason is not None:  # else some other exception's repr (a payload error, say): left as it is
            head = message[:dump.start()].rstrip(" :(")
            message = f"{head}: {reason}" if head else reason
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 1].rsplit(" ", 1)[0] + "…"
    return message


class ApiError(Exception):
    """Base for everything a client raises; ``str()`` is a sentence a person can act on."""

    kind = "error"

    def __init__(self, service: str, message: str, *, status: int | None = None, body: str = "",
                 secrets: tuple[str | None, ...] = ()) -> None:
        self.service = service
        self.status = status
        self.body = redact(body, secrets)[:MAX_BODY]  # redact first: a cut token would no longer match
        text = redact(message, secrets)
        self.detail = text
        """The whole (redacted) message, for a log line or the help screen; ``str()`` is the tidy one."""
        super().__init__(f"{service}: {tidy(text)}" + (f" (HTTP {status})" if status else ""))


class AuthError(ApiError):
    """401/403: the credentials are wrong, expired or lack permission."""

    kind = "auth"


class NotFoundError(ApiError):
    kind = "not found"


class ValidationError(ApiError):
    """400/422: the service refused what we sent."""

    kind = "validation"


class RateLimitedError(ApiError):
    """429: too many requests; ``retry_after`` in seconds when the service said."""

    kind = "rate limited"

    def __init__(self, service: str, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(service, message, **kw)  # type: ignore[arg-type]


class UnavailableError(ApiError):
    """5xx, timeouts, refused or dropped connections: worth retrying later."""

    kind = "unavailable"


class BadPayloadError(ApiError):
    """A 2xx answer whose body is not the JSON we expect."""

    kind = "bad payload"


class ConflictError(ApiError):
    """409, or a precondition we check ourselves (ticket already closed, card moved meanwhile)."""

    kind = "conflict"
