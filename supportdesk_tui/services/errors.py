"""Which exceptions carry a sentence meant for the user, by type: the screens show those as they are
and name anything else by its type (never a traceback).

The API clients' errors are known here from the start; a workflow imported later (Boards) adds its own
type when the container first builds it, so nothing heavy is imported to answer the question.
"""

from __future__ import annotations

from supportdesk_tui.clients.errors import ApiError

_SHOWN_AS_IS: list[type[BaseException]] = [ApiError]


def shown_as_is(kind: type[BaseException]) -> None:
    """Declare that ``str()`` of ``kind`` is a redacted, secret-free sentence a person can act on."""
    if kind not in _SHOWN_AS_IS:
        _SHOWN_AS_IS.append(kind)


def speaks_for_itself(error: BaseException) -> bool:
    return isinstance(error, tuple(_SHOWN_AS_IS))
