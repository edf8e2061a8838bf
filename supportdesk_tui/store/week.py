"""What is kept per ISO week: the week's SLA figures, the plans and the triage rota."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from supportdesk_tui.store.base import StoreBase, _iso


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
