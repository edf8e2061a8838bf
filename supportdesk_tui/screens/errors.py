"""Turning exceptions into a sentence for a banner or a toast (never a traceback)."""

from __future__ import annotations

from supportdesk_tui.services.errors import speaks_for_itself


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
