"""Typed API errors shared by the Groove and Trello clients.

Every error carries the HTTP status (when there was one) and a truncated, redacted body, and never
the request's headers or URL query, so its text is safe to show in the UI or write to a log.
"""

from __future__ import annotations

from supportdesk_tui.domain.redact import redact

MAX_BODY = 300


class ApiError(Exception):
    """Base for everything a client raises; ``str()`` is a sentence a person can act on."""

    kind = "error"

    def __init__(self, service: str, message: str, *, status: int | None = None, body: str = "",
                 secrets: tuple[str | None, ...] = ()) -> None:
        self.service = service
        self.status = status
        self.body = redact(body, secrets)[:MAX_BODY]  # redact first: a cut token would no longer match
        text = redact(message, secrets)
        super().__init__(f"{service}: {text}" + (f" (HTTP {status})" if status else ""))


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
