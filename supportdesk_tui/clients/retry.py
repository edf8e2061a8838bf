"""When to try an HTTP call again, and how long to wait first.

The rule is about safety more than persistence: a failure after which the server may already have
done the work (a timeout or dropped connection on a POST) must not be retried blindly, or a
customer gets the same reply twice. So each call states whether it is idempotent, and the errors
say whether the request could have reached the server at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from supportdesk_tui.clients.errors import BadPayloadError, RateLimitedError, UnavailableError

T = TypeVar("T")
SleepFn = Callable[[float], Awaitable[None]]


class RetryAfterUnavailableError(UnavailableError):
    """A 5xx (typically 503) that said when to come back, via ``Retry-After``."""

    def __init__(self, service: str, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(service, message, **kw)  # type: ignore[arg-type]


class NotSentError(UnavailableError):
    """The connection failed before the request left (refused, connect timeout, pool timeout).

    Unlike a dropped answer, this is safe to retry even for a POST: the server never saw it.
    """


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. ``attempts`` counts every try, the first included.

    ``sleep`` is injectable so tests can record the waits instead of spending them.
    """

    attempts: int = 4
    max_wait: float = 30.0
    backoff_multiplier: float = 0.5
    backoff_max: float = 8.0
    jitter: float = 0.5
    sleep: SleepFn = field(default=asyncio.sleep)


def is_retryable(exc: BaseException, *, idempotent: bool) -> bool:
    """Whether trying again cannot do harm and might help."""
    if isinstance(exc, RateLimitedError | NotSentError):
        return True  # a 429 was refused before processing; an unsent request was never seen
    if not idempotent:
        return False  # anything else is ambiguous for a write that is not idempotent
    return isinstance(exc, UnavailableError | BadPayloadError)


def retry_after_of(exc: BaseException | None) -> float | None:
    value = getattr(exc, "retry_after", None)
    return float(value) if isinstance(value, int | float) else None


def make_wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    """``Retry-After`` when the server gave one (capped), otherwise jittered exponential backoff."""
    backoff = wait_exponential_jitter(multiplier=policy.backoff_multiplier, max=policy.backoff_max,
                                      jitter=policy.jitter)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        hinted = retry_after_of(exc)
        if hinted is not None:
            return min(max(hinted, 0.0), policy.max_wait)
        return min(backoff(state), policy.max_wait)

    return wait


async def call_with_retries(policy: RetryPolicy, fn: Callable[[], Awaitable[T]], *, idempotent: bool) -> T:
    """Run ``fn`` until it succeeds, fails for good, or the attempts run out (the last error is raised)."""
    retrying = AsyncRetrying(
        sleep=policy.sleep,
        stop=stop_after_attempt(max(1, policy.attempts)),
        wait=make_wait(policy),
        retry=retry_if_exception(lambda exc: is_retryable(exc, idempotent=idempotent)),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await fn()
    raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; HTTP dates are not used by Groove as far as we know.

    UNCONFIRMED: no public source shows Groove's 429; third-party clients read ``Retry-After`` as
    seconds, and so do we (an HTTP-date or garbage gives None, i.e. normal backoff).
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
