"""[keys]: a remap that steals a key another binding uses where both are active is refused at start,
naming both ids; remaps that steal nothing (swaps included) are accepted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supportdesk_tui import cli
from supportdesk_tui.bootstrap import _binding_classes, _own_bindings, key_problems
from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials


def test_stealing_a_key_on_the_same_screen_names_both_ids() -> None:
    assert key_problems({"inbox.filter": "b"}) == [
        'keys.inbox.filter: "b" is also the key of inbox.backlog (on InboxScreen); give one of them another key']


def test_stealing_a_global_key_names_it() -> None:
    (problem,) = key_problems({"inbox.backlog": "q"})
    assert problem.startswith("keys.inbox.backlog:") and "app.quit (everywhere)" in problem


def test_a_global_remap_onto_a_widget_key_is_a_clash() -> None:
    (problem,) = key_problems({"app.refresh": "j"})
    assert "nav.down (on TicketTable)" in problem and "boards.nav.down (on CardList)" in problem


def test_two_remaps_onto_one_key_clash() -> None:
    problems = key_problems({"inbox.filter": "f", "inbox.mine": "f"})
    assert any("keys.inbox.filter:" in p and "inbox.mine" in p for p in problems)


def test_a_key_written_as_its_character_is_compared_by_name() -> None:
    assert key_problems({"inbox.mine": "/"})[0].startswith('keys.inbox.mine: "slash" is also the key of inbox.filter')


@pytest.mark.parametrize("keymap", [
    {"inbox.filter": "f"},
    {"inbox.filter": "/"},
    {"inbox.backlog": "m", "inbox.mine": "b"},  # a swap
    {"app.refresh": "f5,r"},
    {"nav.down": "down"},  # the table's own down key does the same thing
    {"boards.nav.down": "b"},  # another screen's key: never active together with inbox.backlog
], ids=["free-key", "character", "swap", "extra-key", "same-action", "other-screen"])
def test_remaps_that_steal_nothing_are_accepted(keymap: dict[str, str]) -> None:
    assert key_problems(keymap) == []


def test_every_binding_on_its_own_default_key_is_accepted() -> None:
    defaults = {b.id: b.key for cls in _binding_classes() for b in _own_bindings(cls) if b.id}
    assert len(defaults) > 50 and key_problems(defaults) == []


def test_unknown_ids_are_still_named() -> None:
    assert key_problems({"inbox.flter": "f"}) == ["keys.inbox.flter: unknown binding id (see `?` in the app for ids)"]


def test_the_app_refuses_a_clash_at_start(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(os.environ["SUPPORTDESK_CONFIG"])
    path.write_text('[keys]\n"inbox.filter" = "b"\n', encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "x-token")

    def refuse(settings: Settings, credentials: Credentials) -> int:
        raise AssertionError("the app was opened with a clashing keymap")

    monkeypatch.setattr(cli, "_run", refuse)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"supportdesk: Config file {path} has 1 problem(s):")
    assert "keys.inbox.filter" in err and "inbox.backlog" in err
