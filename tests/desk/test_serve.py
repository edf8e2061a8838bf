"""`supportdesk serve` smoke test: the app's page answers over HTTP on loopback, in a real subprocess."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

STARTUP_S = 45.0  # generous: the machine may be busy; the wait ends as soon as the server says it serves


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str], queue.Queue[str]]]:
    port = free_port()
    env = {**os.environ, "COLUMNS": "120"}  # the isolated fixture already points HOME, config and data at tmp
    proc = subprocess.Popen([sys.executable, "-m", "supportdesk_tui", "serve", "--demo", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put("")  # end of output: the process exited

    threading.Thread(target=pump, name="serve-output", daemon=True).start()
    try:
        yield port, proc, lines
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_for_line(lines: queue.Queue[str], needle: str, timeout: float) -> list[str]:
    """Read the server's output until a line contains ``needle``; fail with what it said otherwise."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line == "":
            pytest.fail("supportdesk serve exited early:\n" + "".join(seen))
        seen.append(line)
        if needle in line:
            return seen
    pytest.fail(f"supportdesk serve did not say {needle!r} within {timeout:g} s:\n" + "".join(seen))


def get_when_listening(url: str, lines: queue.Queue[str], timeout: float) -> httpx.Response:
    """GET ``url``; aiohttp prints its banner just before it binds, so a refused connect is polled again.

    Between tries it waits on the server's output (any new line, or 0.1 s), bounded by ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=10)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            try:
                if lines.get(timeout=0.1) == "":
                    pytest.fail("supportdesk serve exited before it answered")
            except queue.Empty:
                pass


def test_serve_answers_the_apps_page_on_loopback(served: tuple[int, subprocess.Popen[str], queue.Queue[str]]) -> None:
    port, proc, lines = served
    said = wait_for_line(lines, f"on http://127.0.0.1:{port}", STARTUP_S)
    assert any("Serving" in line and "--demo" in line for line in said)
    response = get_when_listening(f"http://127.0.0.1:{port}/", lines, STARTUP_S)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "supportdesk" in response.text and f"ws://127.0.0.1:{port}/ws" in response.text
    assert proc.poll() is None
