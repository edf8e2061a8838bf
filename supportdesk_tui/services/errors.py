"""Which exceptions carry a sentence meant for the user, by type, and the one sentence a failure is
shown as (the service, what was being done, what happens next; the detail only when asked).

The API clients' errors are known here from the start; a workflow imported later (Boards) adds its own
type when the container first builds it, so nothing heavy is imported to answer the question.
"""

from __future__ import annotations

import json

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
from supportdesk_tui.credentials import ENV_VARS

_SHOWN_AS_IS: list[type[BaseException]] = [ApiError]


def shown_as_is(kind: type[BaseException]) -> None:
    """Declare that ``str()`` of ``kind`` is a redacted, secret-free sentence a person can act on."""
    if kind not in _SHOWN_AS_IS:
        _SHOWN_AS_IS.append(kind)


def speaks_for_itself(error: BaseException) -> bool:
    return isinstance(error, tuple(_SHOWN_AS_IS))


# --- one sentence per failure: the service, what was being done, what happens next -----------------------

_CREDENTIAL_VARS = {"Groove": ("groove_token",), "Trello": ("trello_key", "trello_token")}
_CREDENTIAL_WORDS = {"Groove": "the API token", "Trello": "the API key or token"}


def credential_refused(error: BaseException) -> bool:
    """A 401/403: the credential is wrong, expired or lacks a permission. Retrying cannot help."""
    return isinstance(error, AuthError)


def credential_advice(service: str) -> str:
    """What to do about a refused credential (the same words in the app and in ``doctor``)."""
    names = _CREDENTIAL_VARS.get(service, ())
    variables = " and ".join(ENV_VARS[n] for n in names) or "the SUPPORTDESK_* variables"
    return f"run `supportdesk login` or set {variables}"


def credential_sentence(error: ApiError) -> str:
    """"Groove refused the API token (HTTP 401): run `supportdesk login` or set SUPPORTDESK_GROOVE_TOKEN"."""
    what = _CREDENTIAL_WORDS.get(error.service, "the credential")
    status = f" (HTTP {error.status})" if error.status else ""
    return f"{error.service} refused {what}{status}: {credential_advice(error.service)}"


def problem(error: BaseException) -> str:
    """What went wrong, short, with the service named ("Trello could not be reached (connection refused)");
    never the transport library's dump (that is ``detail``)."""
    if isinstance(error, ApiError):
        service, status = error.service, f"HTTP {error.status}" if error.status else ""
        if isinstance(error, AuthError):
            return f"{service} refused {_CREDENTIAL_WORDS.get(service, 'the credential')}" + (
                f" ({status})" if status else "")
        if isinstance(error, RateLimitedError):
            return f"{service} asked for fewer requests for a while"
        if isinstance(error, UnavailableError):
            reason = status or _reason(str(error), service)
            return f"{service} could not be reached" + (f" ({reason})" if reason else "")
        if isinstance(error, NotFoundError):
            return f"{service} has no such item any more"
        if isinstance(error, ValidationError):
            return f"{service} refused the values" + (f" ({_reason(str(error), service)})" if error.body else "")
        if isinstance(error, BadPayloadError):
            return f"{service} answered with something this app cannot read"
        if isinstance(error, ConflictError):
            return f"{service} reported a conflict"
        return f"{service} answered with an error" + (f" ({status})" if status else "")
    if speaks_for_itself(error):
        return str(error).rstrip(".")
    if isinstance(error, TimeoutError):
        return "a request timed out"
    if isinstance(error, OSError):
        return f"a network error ({type(error).__name__})"
    return f"an unexpected {type(error).__name__}"


def failure_sentence(error: BaseException, *, doing: str, then: str) -> str:
    """One sentence: the service and what went wrong, what was being done, what happens next.

    A refused credential says what to do instead of ``then``: retrying cannot help, so the caller stops
    retrying until `r` (which reads the credentials again)."""
    if isinstance(error, ApiError) and credential_refused(error):
        said = _said(error)
        return (f"{problem(error)} while {doing}: {credential_advice(error.service)}, then press r "
                f"(no retries until then" + (f"; {error.service} said “{said}”" if said else "") + ").")
    return f"{_capital(problem(error))} while {doing}; {then}."


def detail(error: BaseException) -> str:
    """The full (redacted) text behind a sentence, for the help screen and a log line."""
    if isinstance(error, ApiError):
        return f"{type(error).__name__}: {error.detail}" + (f" (HTTP {error.status})" if error.status else "") + (
            f"; answer: {error.body}" if error.body else "")
    return f"{type(error).__name__}: {error}" if speaks_for_itself(error) else type(error).__name__


def _said(error: ApiError, limit: int = 80) -> str:
    """The service's own words from its (redacted) answer, short: the ``errors``/``message`` of a JSON
    body, else its first line; empty when it said nothing."""
    body = error.body.strip()
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        found = data.get("errors") or data.get("message") or data.get("error") or ""
        body = "; ".join(map(str, found)) if isinstance(found, list) else str(found)
    line = body.splitlines()[0].strip() if body else ""
    return line if len(line) <= limit else line[:limit - 1].rsplit(" ", 1)[0] + "…"


def _reason(text: str, service: str) -> str:
    """The last clause of a tidy client message ("Trello: cannot connect: connection refused" -> its end)."""
    text = text.removeprefix(f"{service}: ")
    return text.rsplit(": ", 1)[-1].strip()[:80]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
