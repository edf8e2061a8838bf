"""Turning exceptions into a sentence for a banner or a toast (never a traceback).

``failure_sentence`` (from the services, so ``doctor`` says the same) is the one sentence a banner shows:
the service and what went wrong, what was being done, what happens next. The detail behind it goes to
a log line and to the help screen (`?`), only when asked.
"""

from __future__ import annotations

from supportdesk_tui.services.errors import (
    credential_refused,
    detail,
    failure_sentence,
    problem,
    speaks_for_itself,
)

__all__ = ["credential_refused", "describe_error", "detail", "failure_sentence", "problem"]


def describe_error(error: BaseException) -> str:
    """A short, secret-free description, chosen by the exception's type: API and workflow errors already
    carry redacted text meant for the user; anything else is named, not quoted."""
    if speaks_for_itself(error):
        return str(error)
    if isinstance(error, TimeoutError):
        return "the request timed out"
    if isinstance(error, OSError):
        return f"network error ({type(error).__name__})"
    return f"unexpected {type(error).__name__}"
