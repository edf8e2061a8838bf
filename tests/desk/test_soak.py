"""A short soak in the suite: a simulated day with faults thrown in, the whole app headless.

The full week is ``benchmarks/soak.py``; this short run holds the same invariants on fewer steps.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.soak import SoakConfig, run_soak
from benchmarks.soak_actions import ACTIONS


async def test_a_faulty_day_ends_well(tmp_path: Path) -> None:
    cfg = SoakConfig(days=1, step_minutes=20, seed=3, tickets=40, fault_chance=0.25, action_chance=0.4,
                     outage_steps=3)
    report = await run_soak(cfg, tmp_path, actions=ACTIONS)
    text = "\n".join(report.lines())
    assert report.crashes == 0, text
    assert report.steps == 72, text
    assert report.failed_polls < report.polls, text
    assert all(polls <= 1 for polls in report.recovery_polls), text
    assert report.duplicates == [], text
    assert "pending" not in report.journal, text  # nothing left half-done
    assert sum(report.journal.values()) > 0, text  # the triage person did act
    assert report.rss_end_mb - report.rss_start_mb < 30, text
