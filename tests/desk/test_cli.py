"""The command line: login checks before storing, doctor says what is wrong, errors never show a traceback."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from supportdesk_tui import __version__
from supportdesk_tui.cli import main
from supportdesk_tui.demo import FakeEnvironment, start_fakes
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_GROOVE_TOKEN,
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
    SUPPORT_EPICS_BOARD_ID,
)
from tests.support import MemoryKeyring


@pytest.fixture
def fakes(clock: Any) -> Iterator[FakeEnvironment]:
    env = start_fakes(clock=clock, tickets=20)
    try:
        yield env
    finally:
        env.stop()


@pytest.fixture
def configured(tmp_path: Path, fakes: FakeEnvironment, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = {
        "trello": {"support_epics_board": SUPPORT_EPICS_BOARD_ID},
        "customers": [{"name": c.name, "trello_board": c.board_id, "email_domains": [c.domain]}
                      for c in DEMO_CUSTOMERS],
    }
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_CONFIG", str(path))
    monkeypatch.setenv("SUPPORTDESK_GROOVE_URL", fakes.groove_url)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_URL", fakes.trello_url)
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and __version__ in capsys.readouterr().out


def test_no_token_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.toml").write_text("", encoding="utf-8")  # a config file, so only the token is missing
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "supportdesk login" in err and "SUPPORTDESK_GROOVE_TOKEN" in err and "Traceback" not in err


def test_bad_config_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[sla]\nclock = 'lunar'\n", encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_CONFIG", str(path))
    assert main(["doctor"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "sla.clock" in err


def test_unknown_key_binding_id_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.toml"
    path.write_text("[keys]\n'inbox.flter' = 'f'\n", encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_CONFIG", str(path))
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "x-token")
    assert main([]) == 2
    assert "keys.inbox.flter: unknown binding id" in capsys.readouterr().err


def test_doctor_all_well(configured: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", DEMO_GROOVE_TOKEN)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_KEY", DEMO_TRELLO_KEY)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_TOKEN", DEMO_TRELLO_TOKEN)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "All is well." in out and "FAIL" not in out
    assert "Board of Acme Ltd" in out and "Support Epics board" in out
    for secret in (DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN):
        assert secret not in out


def test_doctor_reports_each_problem(configured: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "wrong-token-123")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  Groove API" in out and "wrong-token-123" not in out
    assert "FAIL  Credential trello_key: missing" in out


def test_doctor_missing_config(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["doctor"]) == 2  # stops before any check: there is no desk to check
    assert "no config file at" in capsys.readouterr().err


def test_login_checks_then_stores(configured: Path, isolated: MemoryKeyring, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{DEMO_GROOVE_TOKEN}\n{DEMO_TRELLO_KEY}\n{DEMO_TRELLO_TOKEN}\n"))
    assert main(["login"]) == 0
    assert isolated.items[("supportdesk", "groove_token")] == DEMO_GROOVE_TOKEN
    assert isolated.items[("supportdesk", "trello_token")] == DEMO_TRELLO_TOKEN
    assert DEMO_GROOVE_TOKEN not in capsys.readouterr().out


def test_login_refuses_a_bad_credential(configured: Path, isolated: MemoryKeyring,
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"nope-nope\n{DEMO_TRELLO_KEY}\n{DEMO_TRELLO_TOKEN}\n"))
    assert main(["login"]) == 1
    captured = capsys.readouterr()
    assert "FAIL  Groove API" in captured.out and "nothing was stored" in captured.err
    assert isolated.items == {}


def test_login_empty_input(isolated: MemoryKeyring, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["login"]) == 2
    assert "empty" in capsys.readouterr().err and isolated.items == {}


def test_fake_api_prints_base_urls_and_a_line_that_opens_the_app_on_them(tmp_path: Path) -> None:
    """What fake-api prints is enough for another terminal: `doctor` run with the printed variables
    finds the config, the credentials, both fakes and every customer's board, and says all is well."""
    import os
    import shlex

    child = subprocess.Popen([sys.executable, "-m", "supportdesk_tui", "fake-api", "--tickets", "5"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("Groove: http://127.0.0.1:") and "/v1" in lines[0]
        assert lines[1].startswith("Trello: http://127.0.0.1:") and "/1" in lines[1]
        assert lines[3].startswith("Open the app on them")
        words = shlex.split(lines[4])
        assignments = [w for w in words if w.split("=", 1)[0].startswith("SUPPORTDESK_")]
        command = words[len(assignments):]
        # The full path of what is running, so the line works where the venv is not active.
        assert Path(command[0]).is_absolute() and Path(command[0]).exists()
        variables = dict(a.split("=", 1) for a in assignments)
        assert set(variables) >= {"SUPPORTDESK_CONFIG", "SUPPORTDESK_DATA_DIR", "SUPPORTDESK_GROOVE_URL",
                                  "SUPPORTDESK_GROOVE_TOKEN", "SUPPORTDESK_TRELLO_URL", "SUPPORTDESK_TRELLO_KEY",
                                  "SUPPORTDESK_TRELLO_TOKEN"}
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTDESK_")}
        doctor = subprocess.run([*command, "doctor"], env={**env, **variables}, capture_output=True, text=True,
                                timeout=120)
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    finally:
        child.terminate()
        child.wait(10)
    assert not Path(variables["SUPPORTDESK_CONFIG"]).exists()  # the config lived as long as the fakes


def test_fake_api_bad_error_rate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fake-api", "--error-rate", "2"]) == 2
    assert "--error-rate" in capsys.readouterr().err


def test_the_printed_command_is_the_running_script_by_full_path(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from supportdesk_tui.cli import _this_command

    script = tmp_path / "venv" / "bin" / "supportdesk"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.chdir(script.parent)
    monkeypatch.setattr(sys, "argv", ["supportdesk", "fake-api"])  # started as a bare name from PATH's dir
    assert _this_command() == [str(script.resolve())]
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "elsewhere" / "__main__.py")])
    assert _this_command() == [sys.executable, "-m", "supportdesk_tui"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_fake_api_cleans_its_temp_folder_when_its_terminal_closes() -> None:
    """Closing the terminal sends SIGHUP: the fakes stop and the temp folder goes, as with Ctrl+C."""
    import shlex

    child = subprocess.Popen([sys.executable, "-m", "supportdesk_tui", "fake-api", "--tickets", "5"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline() for _ in range(5)]
        config = next(w.split("=", 1)[1] for w in shlex.split(lines[4]) if w.startswith("SUPPORTDESK_CONFIG="))
        folder = Path(config).parent
        assert folder.is_dir()
        child.send_signal(signal.SIGHUP)
        assert child.wait(10) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert not folder.exists()


def test_login_checks_the_keyring_first_and_doctor_gives_the_same_advice(
        configured: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import keyring
    from keyring.backends import fail

    from supportdesk_tui.credentials import no_keyring_help

    keyring.set_keyring(fail.Keyring())  # what keyring picks on a headless machine
    typed = io.StringIO(f"{DEMO_GROOVE_TOKEN}\n{DEMO_TRELLO_KEY}\n{DEMO_TRELLO_TOKEN}\n")
    monkeypatch.setattr(sys, "stdin", typed)
    assert main(["login"]) == 2
    login_err = capsys.readouterr().err
    assert typed.tell() == 0  # nothing was asked for
    assert no_keyring_help() in login_err and "SUPPORTDESK_TRELLO_TOKEN" in login_err
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", DEMO_GROOVE_TOKEN)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert no_keyring_help() in out  # word for word
    assert "FAIL  Credential trello_key: missing: set SUPPORTDESK_TRELLO_KEY" in out
    assert "supportdesk login" not in out.replace(no_keyring_help(), "")
