"""`supportdesk plan export`: a plan saved in the store under SUPPORTDESK_DATA_DIR, printed as Markdown or CSV."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from supportdesk_tui.cli import main
from supportdesk_tui.domain.plan_export import plan_to_dict
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.store import Store
from tests.planning.test_plan_export import CUSTOMERS, GOLDEN, christmas_plan
from tests.support import NOW

CONFIG = "\n".join(
    f'[[customers]]\nname = "{c.name}"\ntrello_board = "{c.trello_board}"\n'
    f'email_domains = ["{c.email_domains[0]}"]\ncommitment_days = {c.commitment_days}\n'
    for c in CUSTOMERS)


@pytest.fixture
def data_dir() -> Path:
    """The isolated fixture points SUPPORTDESK_CONFIG and SUPPORTDESK_DATA_DIR into tmp."""
    Path(os.environ["SUPPORTDESK_CONFIG"]).write_text(CONFIG, encoding="utf-8")
    return Path(os.environ["SUPPORTDESK_DATA_DIR"])


def save(data_dir: Path, week: IsoWeek | None = None) -> None:
    plan = christmas_plan()
    data = plan_to_dict(plan if week is None else replace(plan, week=week, holidays=frozenset(), cells={}))
    store = Store.in_dir(data_dir)
    try:
        store.save_plan(data["week"], data, NOW)
    finally:
        store.close()


def test_csv_matches_the_golden_file(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save(data_dir)
    assert main(["plan", "export", "--week", "2026-W52", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out == (GOLDEN / "plan.csv").read_text(encoding="utf-8")


def test_markdown_is_the_golden_file_without_the_unplanned_pool(data_dir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    save(data_dir)
    assert main(["plan", "export", "--week", "2026w52"]) == 0  # md is the default; the week form is lenient
    out = capsys.readouterr().out.splitlines()
    # The golden file was made with the pool, which lists one card nobody planned; the store has only the plan.
    golden = [line for line in (GOLDEN / "plan.md").read_text(encoding="utf-8").splitlines()
              if "Price list import" not in line]
    assert out == golden
    assert out[0] == "# Support plan 2026-W52" and "## Confirmations" in out


def test_default_week_is_this_week(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    week = IsoWeek.of(date.today())
    save(data_dir, week)
    assert main(["plan", "export", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith(f"# Support plan {week}\n")


def test_a_week_without_a_plan_says_so_clearly(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "export", "--week", "2026-W52"]) == 1
    err = capsys.readouterr().err
    assert "no plan for 2026-W52: nothing has been planned on this machine yet" in err
    save(data_dir)
    assert main(["plan", "export", "--week", "2026-W51", "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no plan saved for 2026-W51 (open the Planning screen with 3 and plan that week first)" in captured.err


def test_a_bad_week_is_named(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save(data_dir)
    assert main(["plan", "export", "--week", "next week"]) == 1
    assert "--week 'next week' is not an ISO week like 2026-W48" in capsys.readouterr().err
