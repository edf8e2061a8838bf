"""Turning exceptions into a sentence for a banner or a toast (never a traceback)."""

from __future__ import annotations


def describe_error(error: BaseException) -> str:
    """A short, secret-free description; API errors already carry redacted text."""
    kind = getattr(error, "kind", None)
    if kind is not None:
        return str(error)
    if isinstance(error, TimeoutError):
        return "the request timed out"
    if isinstance(error, OSError):
        return f"network error ({type(error).__name__})"
    return f"unexpected {type(error).__name__}"
