"""Planted credentials must never come out: not on stdout/stderr, in a log record, an exception's text,
the SQLite file, any file under the data or config dir, or a screenshot.

The tokens are recognisable and contain ``+``, ``/`` and ``=``, so their percent-encoded forms differ from
the raw ones and are scanned for too (a URL query, an OAuth header and a server's echo carry them
encoded). Each flow is shown to have really used the tokens (the fakes accepted them, or the keyring
holds them) before its output is scanned, and the scanner itself is shown to find them.

Logging is captured at DEBUG for every logger, urllib3, httpx/httpcore, requests-oauthlib and oauthlib
included, because that is where a URL with ``key=…&token=…`` or a signed ``Authorization`` header shows up.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import socket
import stat
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import tomli_w

from supportdesk_tui import cli
from supportdesk_tui.bootstrap import make_app
from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.clients.retry import RetryPolicy
from supportdesk_tui.clients.trello.facade import TrelloClient
from supportdesk_tui.config import Settings, load_settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.fakes.groove.server import GrooveFake
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake
from supportdesk_tui.widgets.banner import Banner
from tests.support import FAST_RETRIES, NOW, MemoryKeyring, settle

GROOVE = "PLANTED-groove+7f3a9c1e/5b2d4f60="
KEY = "PLANTED-trello-key+a1c3e5/0b2d4f6="
TOKEN = "PLANTED-trello-token+99ee77cc/55aa3311="
WRONG_GROOVE = "PLANTED-wrong-groove+d00d1e55/c0ffee="
WRONG_TOKEN = "PLANTED-wrong-token+badc0ffe/e0ddf00d="
PLANTED = (GROOVE, KEY, TOKEN, WRONG_GROOVE, WRONG_TOKEN)
CORES = ("7f3a9c1e", "a1c3e5", "99ee77cc", "d00d1e55", "badc0ffe")  # each token's own distinctive part
BOARD = "5f1a2b3c0000000000000a01"
EPICS = "5f1a2b3c0000000000000e01"
LISTS = ("New Issues", "Up next", "Recently Completed", "Done")
NOISY = ("urllib3", "httpx", "httpcore", "requests_oauthlib", "oauthlib", "requests", "asyncio", "trello",
         "supportdesk_tui")


def forms(secret: str) -> set[str]:
    """Every spelling of a secret worth looking for: raw, percent-encoded (either hex case, once or twice)."""
    once = quote(secret, safe="")
    out = {secret, once, quote(secret), quote(once, safe=""), quote(secret, safe="+/=")}
    out |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), f) for f in list(out)}
    return out


NEEDLES = sorted({f for secret in PLANTED for f in forms(secret)} | set(CORES), key=len, reverse=True)


def hits(blob: str | bytes) -> list[str]:
    text = blob.decode("utf-8", "replace") if isinstance(blob, bytes) else blob
    return [needle for needle in NEEDLES if needle in text]


def scan_tree(root: Path) -> dict[str, list[str]]:
    """Every file under ``root`` (SQLite, its WAL, config, screenshots), read as bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            bad = hits(path.read_bytes())
            if bad:
                found[str(path)] = bad
    return found


class LogCapture(logging.Handler):
    """Every record of every logger at DEBUG, formatted with its exception text, kept as lines."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    handler = LogCapture()
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in NOISY} | {"": root.level}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in saved.items():
            logging.getLogger(name or None).setLevel(level)


@dataclass
class Echo:
    """When on, answer 401 quoting the request's credentials back, as a careless proxy or server might."""

    on: bool = False
    seen: list[Request] = field(default_factory=list)

    def wrap(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def handle(req: Request) -> Response:
            self.seen.append(req)
            if not self.on:
                return handler(req)
            header = req.headers.get("authorization", "")
            query = "&".join(f"{k}={quote(v, safe='')}" for k, v in req.query.items())
            body = {"errors": [f"header was {quote(header, safe='')}", f"bad credentials: Authorization: {header}",
                               f"you sent {json.dumps(req.query)} to {req.path}?{query}"]}
            return Response.json(body, 401)

        return handle


@dataclass
class Planted:
    groove: GrooveFake
    trello: TrelloFake
    groove_server: FakeServer
    trello_server: FakeServer
    groove_echo: Echo
    trello_echo: Echo
    config: Path
    data_dir: Path

    def used(self, secret: str) -> bool:
        """Whether a fake received ``secret`` (in a header or the query), i.e. the flow really used it."""
        requests = self.groove_echo.seen + self.trello_echo.seen
        wire = [r.headers.get("authorization", "") + " " + json.dumps(r.query) for r in requests]
        return any(form in line for line in wire for form in forms(secret))


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> Iterator[Planted]:
    groove = GrooveFake(clock=clock, token=GROOVE)
    for hours, subject in ((3, "Login broken"), (30, "Export fails")):
        groove.add_ticket(customer_email="wile@acme.example", subject=subject, body="Please help",
                          created_at=NOW - timedelta(hours=hours))
    trello = TrelloFake(clock, key=KEY, token=TOKEN)
    trello.add_board(BOARD, "Acme Ltd", LISTS)
    trello.add_board(EPICS, "Support Epics", ("Up next", "In progress", "Done"))
    trello.add_card(BOARD, "New Issues", "Login broken", desc="Ticket: https://consultancy.groovehq.com/t/1")
    groove_echo, trello_echo = Echo(), Echo()
    groove_server = FakeServer("groove", groove_echo.wrap(groove.handle), prefix="/v1").start()
    trello_server = start_trello_fake(trello)
    trello_server.handler = trello_echo.wrap(trello_server.handler)
    config = Path(os.environ["SUPPORTDESK_CONFIG"])  # set by conftest's isolated fixture, under tmp_path
    config.write_text(tomli_w.dumps({
        "trello": {"support_epics_board": EPICS},
        "customers": [{"name": "Acme Ltd", "trello_board": BOARD, "email_domains": ["acme.example"]}],
        "team": {"me": "ana@consultancy.example", "developers": ["ana", "ben"], "triage": ["ana", "ben"]},
    }), encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_GROOVE_URL", groove_server.url)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_URL", trello_server.url)
    try:
        yield Planted(groove, trello, groove_server, trello_server, groove_echo, trello_echo, config,
                      Path(os.environ["SUPPORTDESK_DATA_DIR"]))
    finally:
        groove_server.stop()
        trello_server.stop()


def assert_clean(where: str, blob: str | bytes) -> None:
    found = hits(blob)
    assert not found, f"{where} leaks {found}"


def assert_all_clean(capsys: pytest.CaptureFixture[str], logs: LogCapture, tmp_path: Path) -> str:
    captured = capsys.readouterr()
    assert_clean("stdout", captured.out)
    assert_clean("stderr", captured.err)
    assert_clean("logs", logs.text())
    assert scan_tree(tmp_path) == {}
    return captured.out + captured.err


def set_env_tokens(monkeypatch: pytest.MonkeyPatch, groove: str, key: str, token: str) -> None:
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", groove)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_KEY", key)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_TOKEN", token)


# --- the scanner itself -----------------------------------------------------------------------------------
def test_the_scanner_finds_every_spelling(tmp_path: Path) -> None:
    for secret in PLANTED:
        for spelling in forms(secret):
            assert hits(f"x {spelling} y"), spelling
    assert quote(TOKEN, safe="") != TOKEN  # so the encoded forms are really different strings
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "blob.bin").write_bytes(b"\x00\x01" + quote(KEY, safe="").lower().encode())
    assert list(scan_tree(tmp_path)) == [str(tmp_path / "deep" / "er" / "blob.bin")]


def test_redact_catches_encoded_and_truncated_copies() -> None:
    from supportdesk_tui.domain.redact import redact

    encoded = quote(TOKEN, safe="")
    text = (f"raw {TOKEN} | lower {encoded.lower()} | twice {quote(encoded, safe='')} | "
            f"cut {encoded[:20]}… | end {TOKEN[:12]}")
    assert hits(redact(text, (KEY, TOKEN))) == []
    assert redact("short PLANTED... stays", (TOKEN,)) == "short PLANTED... stays"  # under 8 characters
    assert redact("\x1b[2Jbody", ()) == "␛[2Jbody"  # and no terminal controls in what is shown


# --- CLI flows --------------------------------------------------------------------------------------------
def test_doctor_with_env_tokens(planted: Planted, logs: LogCapture, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_env_tokens(monkeypatch, GROOVE, KEY, TOKEN)
    assert cli.main(["doctor"]) == 0
    assert planted.used(GROOVE) and planted.used(KEY) and planted.used(TOKEN)
    out = assert_all_clean(capsys, logs, tmp_path)
    assert "All is well." in out and "present (from env)" in out
    assert any("urllib3" in line for line in logs.lines)  # DEBUG logging of the HTTP layers was really on


def test_doctor_with_keyring_tokens(planted: Planted, logs: LogCapture, capsys: pytest.CaptureFixture[str],
                                    isolated: MemoryKeyring, tmp_path: Path) -> None:
    for name, value in (("groove_token", GROOVE), ("trello_key", KEY), ("trello_token", TOKEN)):
        isolated.set_password("supportdesk", name, value)
    assert cli.main(["doctor"]) == 0
    assert planted.used(GROOVE) and planted.used(TOKEN)
    assert "present (from keyring)" in assert_all_clean(capsys, logs, tmp_path)


def test_doctor_with_wrong_tokens(planted: Planted, logs: LogCapture, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_env_tokens(monkeypatch, WRONG_GROOVE, KEY, WRONG_TOKEN)
    assert cli.main(["doctor"]) == 1
    assert planted.used(WRONG_GROOVE) and planted.used(WRONG_TOKEN)
    out = assert_all_clean(capsys, logs, tmp_path)
    assert "FAIL  Groove API" in out and "401" in out and "FAIL  Trello API" in out


def test_doctor_against_servers_that_echo_the_credentials(planted: Planted, logs: LogCapture,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The error bodies quote the Authorization header and the tokens, raw and encoded: all redacted."""
    planted.groove_echo.on = planted.trello_echo.on = True
    set_env_tokens(monkeypatch, GROOVE, KEY, TOKEN)
    assert cli.main(["doctor"]) == 1
    out = assert_all_clean(capsys, logs, tmp_path)
    assert "FAIL  Groove API" in out and "header was Bearer%20" in out  # the echoed body is shown, scrubbed


def test_login_stores_checked_tokens_without_printing_them(planted: Planted, logs: LogCapture,
                                                           capsys: pytest.CaptureFixture[str],
                                                           isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{GROOVE}\n{KEY}\n{TOKEN}\n"))
    assert cli.main(["login"]) == 0
    assert isolated.items[("supportdesk", "trello_token")] == TOKEN  # stored where it belongs, only there
    assert planted.used(GROOVE) and planted.used(TOKEN)
    assert "Stored in the system keyring" in assert_all_clean(capsys, logs, tmp_path)


def test_login_with_wrong_tokens(planted: Planted, logs: LogCapture, capsys: pytest.CaptureFixture[str],
                                 isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    planted.groove_echo.on = True
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{WRONG_GROOVE}\n{KEY}\n{WRONG_TOKEN}\n"))
    assert cli.main(["login"]) == 1
    assert isolated.items == {}
    assert planted.used(WRONG_GROOVE) and planted.used(WRONG_TOKEN)
    assert "nothing was stored" in assert_all_clean(capsys, logs, tmp_path)


def test_plan_export_error_path(planted: Planted, logs: LogCapture, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_env_tokens(monkeypatch, GROOVE, KEY, TOKEN)
    assert cli.main(["plan", "export", "--week", "2026-W48"]) == 1
    assert "no plan" in assert_all_clean(capsys, logs, tmp_path)


def test_demo_never_picks_up_real_tokens(planted: Planted, logs: LogCapture, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_env_tokens(monkeypatch, GROOVE, KEY, TOKEN)
    seen: list[tuple[Settings, Credentials]] = []

    def fake_run(settings: Settings, credentials: Credentials) -> int:  # the App itself is tested below
        seen.append((settings, credentials))
        return 0

    monkeypatch.setattr(cli, "_run", fake_run)
    assert cli.main(["--demo", "--data-dir", str(tmp_path / "demo-data")]) == 0
    settings, credentials = seen[0]
    assert credentials.groove_token and not hits(" ".join(s or "" for s in credentials.secrets()))
    assert settings.groove_url != planted.groove_server.url  # its own fakes, not the configured ones
    assert_all_clean(capsys, logs, tmp_path)


# --- exception texts of the clients -----------------------------------------------------------------------
def refused_url(path: str) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def error_texts(error: BaseException) -> str:
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, ApiError):
        parts.append(error.body)
    return "\n".join(parts)


async def test_client_errors_never_carry_a_secret(planted: Planted, logs: LogCapture,
                                                  capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    planted.groove_echo.on = planted.trello_echo.on = True
    errors: list[BaseException] = []
    async with httpx.AsyncClient() as http:
        for url in (planted.groove_server.url, refused_url("/v1")):
            client = GrooveClient(http, url, GROOVE, **FAST_RETRIES)
            with pytest.raises(ApiError) as caught:
                await client.check_auth()
            errors.append(caught.value)
            assert GROOVE not in repr(client)
    for mode in ("oauth", "query"):
        for url in (planted.trello_server.url, refused_url("/1")):
            async with TrelloClient(url, KEY, TOKEN, auth_mode=mode,  # type: ignore[arg-type]
                                    retry=RetryPolicy(attempts=2, backoff_multiplier=0.01, backoff_max=0.02)) as tc:
                for call in (tc.check_auth, lambda: tc.load_board(BOARD)):
                    with pytest.raises(ApiError) as caught:
                        await call()
                    errors.append(caught.value)
    assert planted.used(GROOVE) and planted.used(KEY) and planted.used(TOKEN)
    kinds = {type(e).__name__ for e in errors}
    assert {"AuthError", "NotSentError"} <= kinds
    for error in errors:
        assert_clean(f"{type(error).__name__} {error}", error_texts(error))
    assert_all_clean(capsys, logs, tmp_path)


async def test_query_mode_success_logs_are_scrubbed(planted: Planted, logs: LogCapture,
                                                    capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """In query mode the key and token ride in every URL, which urllib3 logs at DEBUG."""
    async with TrelloClient(planted.trello_server.url, KEY, TOKEN, auth_mode="query") as client:
        board = await client.load_board(BOARD)
    assert board.name == "Acme Ltd"
    assert any(r.query.get("token") == TOKEN for r in planted.trello_echo.seen)  # really in the query
    assert any("GET /1/boards/" in line for line in logs.lines)  # and the URL was really logged
    assert_all_clean(capsys, logs, tmp_path)


# --- the app ------------------------------------------------------------------------------------------------
def mode_bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 000, so files and dirs are private only because the app makes them so."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


async def test_the_app_leaks_nothing_and_keeps_its_files_private(planted: Planted, logs: LogCapture,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 clock: FixedClock, tmp_path: Path,
                                                                 open_umask: None) -> None:
    settings = load_settings()  # the config and data dir the fixtures point at, under tmp_path
    assert settings.data_dir == planted.data_dir
    credentials = Credentials(groove_token=GROOVE, trello_key=KEY, trello_token=TOKEN,
                              sources={"groove_token": "env", "trello_key": "env", "trello_token": "env"})
    app = make_app(settings, credentials, clock, groove_options=FAST_RETRIES,
                   trello_options={"retry": RetryPolicy(attempts=2, backoff_multiplier=0.01, backoff_max=0.02)})
    shown: list[str] = []
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        assert planted.used(GROOVE)
        await pilot.press("2")  # the Boards screen: Trello with the planted key and token
        await settle(pilot, rounds=4)
        assert planted.used(TOKEN)
        await pilot.press("1")
        await settle(pilot)

        planted.groove_server.faults.down = True  # offline
        await pilot.press("r")
        await settle(pilot)
        banner = pilot.app.screen.query_one(Banner)
        assert banner.shown
        shown.append(str(banner.render()))

        planted.groove_server.faults.down = False
        planted.groove_echo.on = planted.trello_echo.on = True  # 401s that quote the credentials back
        await pilot.press("r")
        await settle(pilot)
        text = str(pilot.app.screen.query_one(Banner).render())
        assert "401" in text and "header was Bearer%20" in text  # the echo reached the banner, scrubbed
        shown.append(text)
        await pilot.press("u")  # a triage write that fails on the 401: its error text goes into the journal
        await pilot.pause()
        await pilot.press(*"no orders since 9", "enter")
        await settle(pilot, rounds=6)
        failed = pilot.app.services.store.journal_entries("failed")
        assert failed and "401" in failed[0].error  # so the SQLite scan below has error text to look at
        await pilot.press("2")
        await settle(pilot, rounds=4)
        shown.append(pilot.app.export_screenshot())
        await pilot.press("1")
        await settle(pilot)
        shown.extend(str(n.message) + " " + str(n.title) for n in pilot.app._notifications)
        screenshot = Path(pilot.app.save_screenshot(filename="secrets.svg", path=str(tmp_path)))
        await pilot.app.workers.wait_for_complete()
    shown.append(await asyncio.to_thread(screenshot.read_text, encoding="utf-8"))
    for text in shown:
        assert_clean("the screen", text)
    database = planted.data_dir / "supportdesk.sqlite3"
    assert database.exists() and database.stat().st_size > 0
    assert mode_bits(planted.data_dir) == 0o700
    for file in planted.data_dir.iterdir():  # the database and its -wal/-shm companions
        assert mode_bits(file) & 0o077 == 0, f"{file.name} is {oct(mode_bits(file))}"
    assert_all_clean(capsys, logs, tmp_path)
