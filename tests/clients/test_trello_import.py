"""py-trello must be exactly 0.20.1 and import cleanly: 0.20.0 has merge-conflict markers (SyntaxError),
<= 0.19 sends a GET body that Trello answers with 403. A subprocess keeps ``-W error`` and py-trello's
import-time pyOpenSSL injection out of the test process."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_py_trello_is_pinned_to_0_20_1() -> None:
    assert version("py-trello") == "0.20.1"


def test_trello_imports_without_warnings_under_w_error() -> None:
    code = "import trello, trello.trelloclient; from trello import TrelloClient, ResourceUnavailable, Unauthorized"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_our_facade_imports_without_warnings_under_w_error() -> None:
    code = ("import supportdesk_tui.clients.trello.facade, supportdesk_tui.fakes.trello.server, "
            "supportdesk_tui.fakes.trello.seed")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
