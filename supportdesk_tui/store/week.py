"""What is kept per ISO week: the week's SLA figures, the plans, the triage rota and the plan of record."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportdesk_tui.store.base import StoreBase, _dt, _iso


class WeekStore(StoreBase):
    def save_week_figures(self, week: str, figures: dict[str, Any], policy: str, now: datetime) -> None:
        """Keep the week's figures for the triage handover, with the SLA policy version they used."""
        with self._tx() as db:
            db.execute("INSERT INTO week_figures(week, figures, policy, updated_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(week) DO UPDATE SET figures = excluded.figures, policy = excluded.policy, "
                       "updated_at = excluded.updated_at", (week, json.dumps(figures), policy, _iso(now)))

    def load_week_figures(self, week: str) -> tuple[dict[str, Any], str] | None:
        with self._lock:
            row = self._db.execute("SELECT figures, policy FROM week_figures WHERE week = ?", (week,)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    # --- plans and rota -----------------------------------------------------------------------------
    def save_plan(self, week: str, plan: dict[str, Any], now: datetime) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO plans(week, plan, updated_at) VALUES (?, ?, ?) ON CONFLICT(week) DO UPDATE "
                       "SET plan = excluded.plan, updated_at = excluded.updated_at",
                       (week, json.dumps(plan), _iso(now)))

    def load_plan(self, week: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT plan FROM plans WHERE week = ?", (week,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_rota(self, week: str, lead: str, other: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO rota(week, lead, other) VALUES (?, ?, ?) ON CONFLICT(week) DO UPDATE "
                       "SET lead = excluded.lead, other = excluded.other", (week, lead, other))

    def load_rota(self) -> dict[str, tuple[str, str]]:
        with self._lock:
            rows = self._db.execute("SELECT week, lead, other FROM rota").fetchall()
        return {w: (lead, other) for w, lead, other in rows}

    # --- the plan of record (the week's card on the Support Epics board) --------------------------
    def load_plan_record(self, week: str) -> PlanRecordRow | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_RECORD_COLUMNS} FROM plan_records WHERE week = ?", (week,)).fetchone()
        return _record_row(row) if row else None

    def load_plan_records(self) -> dict[str, PlanRecordRow]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_RECORD_COLUMNS} FROM plan_records").fetchall()
        return {row[0]: _record_row(row) for row in rows}

    def save_plan_record(self, row: PlanRecordRow, plan: dict[str, Any] | None = None,
                         now: datetime | None = None) -> None:
        """Keep what was read from (or written to) the week's card; with ``plan``, the local plan too,
        in the same transaction (the local copy and its base never disagree after a crash)."""
        with self._tx() as db:
            db.execute(f"INSERT INTO plan_records({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(week) DO UPDATE SET base = excluded.base, revision = excluded.revision, "
                       "card_id = excluded.card_id, card_url = excluded.card_url, saved_by = excluded.saved_by, "
                       "saved_at = excluded.saved_at, read_at = excluded.read_at, conflicts = excluded.conflicts, "
                       "problem = excluded.problem, parent = excluded.parent, tags = excluded.tags",
                       (row.week, None if row.base is None else json.dumps(row.base), row.revision, row.card_id,
                        row.card_url, row.saved_by, _iso(row.saved_at), _iso(row.read_at), json.dumps(row.conflicts),
                        json.dumps(row.problem), None if row.parent is None else json.dumps(row.parent),
                        json.dumps({"base": row.tag, "parent": row.parent_tag})))
            if plan is not None and now is not None:
                db.execute("INSERT INTO plans(week, plan, updated_at) VALUES (?, ?, ?) ON CONFLICT(week) DO UPDATE "
                           "SET plan = excluded.plan, updated_at = excluded.updated_at",
                           (row.week, json.dumps(plan), _iso(now)))

    def plan_weeks(self) -> list[str]:
        """Every week with a plan saved on this machine, oldest first."""
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT week FROM plans ORDER BY week").fetchall()]


@dataclass(frozen=True, slots=True)
class PlanRecordRow:
    """What this machine knows of a week's plan card. ``base`` is the plan as last read or written there
    (``plan_to_dict`` form; None: never read); ``conflicts`` and ``problem`` are JSON for the screen."""

    week: str
    base: dict[str, Any] | None = None
    revision: int = 0
    card_id: str = ""
    card_url: str = ""
    saved_by: str = ""
    saved_at: datetime | None = None
    read_at: datetime | None = None
    conflicts: dict[str, Any] = field(default_factory=dict)
    problem: dict[str, Any] = field(default_factory=dict)
    parent: dict[str, Any] | None = None
    """What the card held when this machine last wrote over it: the common ancestor if another machine
    wrote the same revision at the same moment (then the two are merged from it)."""
    tag: str = ""  # the tag of the version in ``base``
    parent_tag: str = ""  # the tag of the version in ``parent``


_RECORD_COLUMNS = ("week, base, revision, card_id, card_url, saved_by, saved_at, read_at, conflicts, problem, parent, "
                   "tags")


def _record_row(row: tuple[Any, ...]) -> PlanRecordRow:
    return PlanRecordRow(week=row[0], base=json.loads(row[1]) if row[1] else None, revision=int(row[2]),
                         card_id=row[3], card_url=row[4], saved_by=row[5], saved_at=_dt(row[6]), read_at=_dt(row[7]),
                         conflicts=json.loads(row[8] or "{}"), problem=json.loads(row[9] or "{}"),
                         parent=json.loads(row[10]) if row[10] else None,
                         tag=json.loads(row[11] or "{}").get("base", ""),
                         parent_tag=json.loads(row[11] or "{}").get("parent", ""))
