"""No config file, no desk: `supportdesk` and `doctor` stop with one sentence naming the path and how to
make the file; the commands that need no config still run without one."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui import cli
from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.demo import FakeEnvironment, start_fakes
from supportdesk_tui.fakes.demo_customers import DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN
from tests.support import MemoryKeyring


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Records what the app would have been opened with, instead of opening it."""
    opened: list[Settings] = []

    def run(settings: Settings, credentials: Credentials) -> int:
        opened.append(settings)
        return 0

    monkeypatch.setattr(cli, "_run", run)
    return opened


@pytest.fixture
def fakes(clock: Any) -> Iterator[FakeEnvironment]:
    env = start_fakes(clock=clock, tickets=5)
    try:
        yield env
    finally:
        env.stop()


def assert_one_sentence_about(path: Path, err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("supportdesk: there is no config file at ")
    assert str(path) in err and "supportdesk init" in err and "docs/config.example.toml" in err


@pytest.mark.parametrize("argv", [[], ["doctor"]], ids=["app", "doctor"])
def test_a_missing_file_named_by_the_variable_stops_with_exit_2(argv: list[str], no_app: list[Settings],
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "x-token")  # so only the config can stop it
    path = Path(os.environ["SUPPORTDESK_CONFIG"])
    assert not path.exists()
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and no_app == []
    assert_one_sentence_about(path, captured.err)


@pytest.mark.parametrize("argv", [[], ["doctor"]], ids=["app", "doctor"])
def test_a_missing_file_at_the_default_path_stops_too(argv: list[str], no_app: list[Settings], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPORTDESK_CONFIG")
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "x-token")
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert_one_sentence_about(Path(os.environ["XDG_CONFIG_HOME"]) / "supportdesk" / "config.toml", err)
    assert no_app == []


def test_with_the_file_in_place_the_app_opens(no_app: list[Settings], monkeypatch: pytest.MonkeyPatch) -> None:
    Path(os.environ["SUPPORTDESK_CONFIG"]).write_text("[groove]\nbell = false\n", encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "x-token")
    assert cli.main([]) == 0
    assert no_app[0].config_found and no_app[0].groove.bell is False


def test_the_demo_needs_no_config(no_app: list[Settings], tmp_path: Path) -> None:
    assert cli.main(["--demo", "--data-dir", str(tmp_path / "demo")]) == 0
    assert no_app and no_app[0].customers  # the demo's own customers


def test_plan_export_help_needs_no_config(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["plan", "export", "--help"])
    assert info.value.code == 0 and "--week" in capsys.readouterr().out


def test_plan_export_needs_no_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plan", "export", "--week", "2026-W48"]) == 1
    assert "no plan" in capsys.readouterr().err


def test_login_needs_no_config(fakes: FakeEnvironment, isolated: MemoryKeyring,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_GROOVE_URL", fakes.groove_url)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_URL", fakes.trello_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{DEMO_GROOVE_TOKEN}\n{DEMO_TRELLO_KEY}\n{DEMO_TRELLO_TOKEN}\n"))
    assert cli.main(["login"]) == 0
    assert isolated.items[("supportdesk", "groove_token")] == DEMO_GROOVE_TOKEN


def test_fake_api_needs_no_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fake-api", "--error-rate", "2"]) == 2  # got as far as checking its own options
    assert "--error-rate" in capsys.readouterr().err
