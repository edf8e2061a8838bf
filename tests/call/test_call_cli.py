"""`supportdesk agenda` and `supportdesk week close` on the demo's fakes (frozen clock), through main()."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from supportdesk_tui.cli import main
from supportdesk_tui.demo import FakeEnvironment, demo_config, start_fakes
from supportdesk_tui.fakes.demo_customers import DEMO_GROOVE_TOKEN, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN


@pytest.fixture
def demo(clock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEnvironment]:
    from supportdesk_tui.services.call import commands

    monkeypatch.setattr(commands, "SystemClock", lambda: clock)  # the commands on the fakes' frozen instant
    env = start_fakes(clock=clock, tickets=20)
    config = demo_config()
    config["trello"]["lists"] = {"done": "Done {week}"}
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    for name, value in (("CONFIG", str(path)), ("GROOVE_URL", env.groove_url), ("TRELLO_URL", env.trello_url),
                        ("GROOVE_TOKEN", DEMO_GROOVE_TOKEN), ("TRELLO_KEY", DEMO_TRELLO_KEY),
                        ("TRELLO_TOKEN", DEMO_TRELLO_TOKEN)):
        monkeypatch.setenv(f"SUPPORTDESK_{name}", value)
    try:
        yield env
    finally:
        env.stop()


def test_agenda_prints_the_calls_notes(demo: FakeEnvironment, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agenda", "acme ltd"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Call with Acme Ltd: Wed 25 Nov 2026\nSince the last call on Thu 19 Nov; call due Thu.")
    assert "### Up next: " in out and "agreed" in out and "### Tickets open now" in out
    assert main(["agenda", "Acme Ltd", "--format", "text"]) == 0
    assert capsys.readouterr().out.startswith("Call with Acme Ltd")
    assert main(["agenda", "Nobody"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("supportdesk: No customer is called “Nobody” (known: Acme Ltd, ") and "Traceback" not in err


def test_week_close_moves_last_weeks_cards_once(demo: FakeEnvironment, capsys: pytest.CaptureFixture[str]) -> None:
    trello = demo.trello
    assert main(["week", "close"]) == 0
    out = capsys.readouterr().out
    assert "card(s) moved from Recently Completed to “Done 2026-W48”." in out
    assert "“Support plan 2026-W49”) does not exist" in out and "**Triage handover for 2026-W49**" in out
    moved = trello.cards_on("5f1a2b3c0000000000000a01", "Done 2026-W48")
    assert moved
    assert main(["week", "close"]) == 0
    assert "Nothing to move" in capsys.readouterr().out
    assert trello.cards_on("5f1a2b3c0000000000000a01", "Done 2026-W48") == moved
    assert main(["week", "close", "--week", "2026-48"]) == 1
    assert "is not an ISO week like 2026-W49" in capsys.readouterr().err
    assert main(["week"]) == 2
