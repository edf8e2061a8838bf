"""Transport dumps never reach a banner: the client errors keep the innermost reason, the full text stays
in ``detail`` for the help screen and the log."""

from __future__ import annotations

import pytest

from supportdesk_tui.clients.errors import UnavailableError, tidy

POOL = ("cannot connect: HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: "
        "/1/boards/abc/actions?since=123&limit=50 (Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', "
        "port=9): Failed to establish a new connection: [Errno 111] Connection refused\"))")


@pytest.mark.parametrize(("raw", "shown"), [
    (POOL, "cannot connect: connection refused"),
    ("no answer in time or connection lost: ('Connection aborted.', RemoteDisconnected('Remote end closed "
     "connection without response'))", "no answer in time or connection lost: the connection was closed"),
    ("x: HTTPConnectionPool(host='a', port=1): Read timed out. (read timeout=5)", "x: no answer in time"),
    ("unexpected answer: JSONDecodeError('Expecting value')", "unexpected answer: JSONDecodeError('Expecting value')"),
    ("Trello refused the values: invalid value for idList", "Trello refused the values: invalid value for idList"),
])
def test_tidy_keeps_the_innermost_reason(raw: str, shown: str) -> None:
    assert tidy(raw) == shown


def test_the_error_is_short_and_keeps_its_detail() -> None:
    error = UnavailableError("Trello", POOL)
    assert str(error) == "Trello: cannot connect: connection refused"
    assert "HTTPConnectionPool" in error.detail and "Max retries" in error.detail
