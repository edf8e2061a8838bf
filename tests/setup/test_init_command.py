"""`supportdesk init` end to end through the CLI, on the loopback fakes."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportdesk_tui.cli import main
from supportdesk_tui.config import load_settings
from supportdesk_tui.demo import FakeEnvironment, start_fakes
from supportdesk_tui.fakes.demo_customers import (
    DEMO_CUSTOMERS,
    DEMO_GROOVE_TOKEN,
    DEMO_TRELLO_KEY,
    DEMO_TRELLO_TOKEN,
    SUPPORT_EPICS_BOARD_ID,
)
from tests.setup.world import world

ME = "ana@consultancy.example"


@pytest.fixture
def demo(clock: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEnvironment]:
    env = start_fakes(clock=clock, tickets=100)
    monkeypatch.setenv("SUPPORTDESK_GROOVE_URL", env.groove_url)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_URL", env.trello_url)
    try:
        yield env
    finally:
        env.stop()


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", DEMO_GROOVE_TOKEN)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_KEY", DEMO_TRELLO_KEY)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_TOKEN", DEMO_TRELLO_TOKEN)


def config_path() -> Path:
    return load_settings().config_path


def left_items(out: str) -> list[str]:
    """The keys init said were left for a person, from its closing list."""
    tail = out.split("Left for you to fill in", 1)[1] if "Left for you to fill in" in out else ""
    return re.findall(r"^  - ([^:]+):", tail, flags=re.MULTILINE)


def doctor_failures(out: str) -> list[str]:
    return re.findall(r"^FAIL  ([^:]+):", out, flags=re.MULTILINE)


@pytest.mark.usefixtures("demo", "creds")
def test_yes_writes_a_file_that_loads_and_doctor_reports_only_what_was_left(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--yes", "--me", ME]) == 0
    out = capsys.readouterr().out
    settings = load_settings()  # no error
    assert settings.config_found and settings.team.me == ME
    assert {c.name for c in settings.customers} == {c.name for c in DEMO_CUSTOMERS}
    assert settings.trello.support_epics_board == SUPPORT_EPICS_BOARD_ID
    assert settings.groove.subdomain == "consultancy"
    assert "guessed from" in config_path().read_text(encoding="utf-8")
    left = left_items(out)
    assert "team.triage_leads" in left and "team.me" not in left
    # Init ran doctor's checks itself, and a later doctor agrees: nothing fails that init did not name.
    assert "Checking it as `supportdesk doctor` does" in out
    main(["doctor"])
    failures = doctor_failures(capsys.readouterr().out)
    named = {item.split(".")[1] for item in left if item.startswith("customers.")}
    assert all(f.removeprefix("Email domains of ") in named for f in failures), (failures, left)
    assert {f.removeprefix("Email domains of ") for f in failures} == named


def test_doctor_then_fails_on_exactly_the_customers_init_left(clock: Any, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    with world(clock) as w:
        monkeypatch.setenv("SUPPORTDESK_GROOVE_URL", w.groove_url)
        monkeypatch.setenv("SUPPORTDESK_TRELLO_URL", w.trello_url)
        for name, var in ((DEMO_GROOVE_TOKEN, "SUPPORTDESK_GROOVE_TOKEN"), (DEMO_TRELLO_KEY, "SUPPORTDESK_TRELLO_KEY"),
                          (DEMO_TRELLO_TOKEN, "SUPPORTDESK_TRELLO_TOKEN")):
            monkeypatch.setenv(var, name)
        marked = w.board("Gamma - Support")
        w.marked_card(marked, "Done", w.ticket("kim@gamma.example"))
        w.board("Quiet Co")  # no backlogged card: its domains cannot be guessed
        assert main(["init", "--yes"]) == 0
        out = capsys.readouterr().out
        assert main(["doctor"]) == 1
        failures = doctor_failures(capsys.readouterr().out)
    left = left_items(out)
    assert "customers.Quiet Co.email_domains" in left and "team.me" in left
    assert "trello.support_epics_board" in left and "team.developers" in left
    assert failures == ["Email domains of Quiet Co"]


@pytest.mark.usefixtures("demo", "creds")
def test_print_only_prints_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--print", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "[[customers]]" in out and 'name = "Acme Ltd"' in out
    assert not config_path().exists()


@pytest.mark.usefixtures("demo", "creds")
def test_an_existing_file_is_never_overwritten_without_force(capsys: pytest.CaptureFixture[str]) -> None:
    path = config_path()
    path.write_text("# mine\n", encoding="utf-8")
    assert main(["init", "--yes"]) == 1
    err = capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert main(["init", "--yes", "--force"]) == 0
    assert "[[customers]]" in path.read_text(encoding="utf-8")
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]  # the atomic write left nothing


@pytest.mark.usefixtures("demo", "creds")
def test_asks_once_and_a_no_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    answers = _Tty(f"{ME}\nn\n")
    monkeypatch.setattr(sys, "stdin", answers)
    assert main(["init"]) == 1
    out = capsys.readouterr().out
    assert "Your email as a Groove agent" in out and f'me = "{ME}"' in out
    assert out.count("Write this to") == 1 and "Nothing was written." in out
    assert not config_path().exists()


@pytest.mark.usefixtures("demo")
def test_no_credentials_with_yes_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--yes"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "supportdesk login" in err and "Traceback" not in err
    assert not config_path().exists()


@pytest.mark.usefixtures("demo")
def test_no_credentials_offers_login_first(monkeypatch: pytest.MonkeyPatch, isolated: Any,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    lines = f"y\n{DEMO_GROOVE_TOKEN}\n{DEMO_TRELLO_KEY}\n{DEMO_TRELLO_TOKEN}\n{ME}\ny\n"
    monkeypatch.setattr(sys, "stdin", _Tty(lines))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": sys.stdin.readline().rstrip("\n"))
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "Run `supportdesk login` now?" in out and isolated.items[("supportdesk", "groove_token")]
    assert load_settings().team.me == ME
    assert DEMO_GROOVE_TOKEN not in out and DEMO_GROOVE_TOKEN not in config_path().read_text(encoding="utf-8")


@pytest.mark.parametrize(("var", "service"), [("SUPPORTDESK_GROOVE_TOKEN", "Groove"),
                                              ("SUPPORTDESK_TRELLO_TOKEN", "Trello")])
@pytest.mark.usefixtures("demo", "creds")
def test_a_401_from_either_service_is_one_sentence(var: str, service: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(var, "wrong-secret-0123")
    assert main(["init", "--yes"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"supportdesk: {service} refused") and "401" in err
    assert "wrong-secret-0123" not in captured.out + captured.err
    assert not config_path().exists()




@pytest.mark.parametrize(("service", "path"), [("Groove", r"/agents"), ("Trello", r"/boards")])
@pytest.mark.usefixtures("creds")
def test_a_403_is_named_as_the_403_it_was(service: str, path: str, demo: FakeEnvironment,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    server = demo.groove_server if service == "Groove" else demo.trello_server
    assert server is not None
    server.fail_next("GET", path, status=403)
    assert main(["init", "--yes"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"supportdesk: {service} refused")
    assert "(HTTP 403)" in err and "401" not in err and "supportdesk login" in err
    assert err.endswith("nothing was written.")
    assert not config_path().exists()


@pytest.mark.usefixtures("demo", "creds")
def test_without_yes_an_ended_input_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a pipe or /dev/null: nobody to say yes
    assert main(["init"]) == 1
    assert "Nothing was written." in capsys.readouterr().out and not config_path().exists()


class _Tty(io.StringIO):
    """Standard input that a person is typing into."""

    def isatty(self) -> bool:
        return True
