"""`supportdesk standup`: golden Markdown and text, a board that cannot be read, no plan, an empty data dir.

The config file and the data dir are the isolated ones (SUPPORTDESK_CONFIG, SUPPORTDESK_DATA_DIR); Trello
is the demo's on a loopback fake, reached through SUPPORTDESK_TRELLO_URL and the demo credentials.
Set UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change of wording.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import tomlkit

from supportdesk_tui.cli import main
from supportdesk_tui.domain.standup_text import WIDTH
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN
from supportdesk_tui.services.container import Services
from tests.standup.fixtures import Planned, other_person_comments, plan_week
from tests.support import demo_config

if TYPE_CHECKING:
    from tests.planning.fixtures import TrelloEnv

GOLDEN = Path(__file__).parent / "golden"
FOXGLOVE = DEMO_CUSTOMERS[5]


@pytest.fixture
def cli_env(trello: TrelloEnv, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config file the CLI reads, pointing at the fake Trello with the demo credentials."""
    config = Path(os.environ["SUPPORTDESK_CONFIG"])
    config.write_text(tomlkit.dumps(demo_config(sla={"target_hours": 48, "warn_hours": [12, 4],
                                                     "timezone": "Europe/London"})), encoding="utf-8")
    monkeypatch.setenv("SUPPORTDESK_TRELLO_URL", trello.server.url)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_KEY", DEMO_TRELLO_KEY)
    monkeypatch.setenv("SUPPORTDESK_TRELLO_TOKEN", DEMO_TRELLO_TOKEN)
    monkeypatch.setenv("SUPPORTDESK_GROOVE_TOKEN", "unused")
    return Path(os.environ["SUPPORTDESK_DATA_DIR"])


async def a_day_of_work(make_services: Callable[..., Services], trello: TrelloEnv) -> Planned:
    """The planned week, a finished card, a comment and an impediment, made by a machine on the same data dir."""
    services = make_services()
    try:
        planned = await plan_week(services)
        trello.fake.move_card_as_other_person(planned.paired_source, "Recently Completed", username="chloe")
        other_person_comments(trello, planned.solo.card_id, "Asked Tom for the booking logs", username="ben")
        view = await services.standup.load()
        assert (await services.standup.flag(view.targets[planned.solo.card_id], "No access to the staging logs",
                                            "ben")).ok
    finally:
        await services.aclose()
    return planned


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= WIDTH


@pytest.mark.parametrize(("fmt", "golden"), [("md", "standup.md"), ("text", "standup.txt")])
async def test_the_standup_matches_the_golden_file(cli_env: Path, make_services: Callable[..., Services],
                                                   trello: TrelloEnv, capsys: pytest.CaptureFixture[str],
                                                   fmt: str, golden: str) -> None:
    await a_day_of_work(make_services, trello)
    trello.server.fail_next("GET", rf"^/1/boards/{FOXGLOVE.board_id}/?$", status=404, times=5)
    code = await_cli(["standup", "--date", "2026-11-25", "--format", fmt])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    check_golden(golden, captured.out)
    assert captured.out.rstrip().splitlines()[-1].lstrip("- ").startswith("Foxglove Media: board not read")


def await_cli(argv: list[str]) -> int:
    """The CLI runs its own event loop: run it on a thread so the test's loop (and the fakes) carry on."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(main, argv).result()


def test_no_plan_at_all_is_exit_1_with_one_sentence_naming_the_week(cli_env: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standup", "--date", "2026-12-01"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == ("supportdesk: There is no plan for 2026-W49 (30 Nov to 04 Dec): plan it on the "
                                    "Planning screen (3) first.")


def test_a_bad_date_is_named(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standup", "--date", "25/11/2026"]) == 2
    assert "--date '25/11/2026' is not a date like 2026-11-25" in capsys.readouterr().err


async def test_an_empty_data_dir_reads_the_plan_of_record_from_trello(
        cli_env: Path, make_services: Callable[..., Services], trello: TrelloEnv,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Another machine planned the week (its plan went to the plan card on Support Epics); this one has never
    run the app, and its stand-up shows that plan."""
    planned = await a_day_of_work(make_services, trello)
    assert f"Support plan {planned.plan.week}" in {c.name for c in trello.fake.state.cards.values()}
    empty = tmp_path / "other-machine"
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(empty))
    assert await_cli(["standup", "--date", "2026-11-25", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "ben:\n  Today: Bluebird Travel: " in out and "BLOCKED" in out
    assert "Impediment: Bluebird Travel: " in out and "No access to the staging logs" in out
