"""Monday planning as pure values: ISO weeks, the work pool, a grid of half days, and its totals.

Everything is counted in whole *half days* (ints): it is the smallest unit the grid plans in, so the
arithmetic is exact and the totals add up both ways. Days (1.5 d) only appear in words.

A :class:`Plan` is immutable and every operation returns a new one, so undo is "keep the old plan",
the screen can diff before and after, and the store saves exactly what was shown. Operations never
refuse over-allocation: as in Float or Runn, it is a warning in words (Resource Guru's hard block
makes a Monday meeting stall). The only refusal is physical: a cell has two half-day slots.

The values live in three modules, each importable on its own: ``planning_week`` (ISO weeks and
half-day units), ``planning_grid`` (work items and the plan) and ``planning_totals`` (the grid's
totals). This module re-exports them all, and is where the rest of the app imports them from.
"""

from __future__ import annotations

from supportdesk_tui.domain.planning_grid import (
    HOURS_PER_HALF_DAY,
    TRIAGE,
    CellKey,
    Outcome,
    Plan,
    Slot,
    Triage,
    WorkItem,
    estimate_from_labels,
    start_from,
    work_item_from_card,
)
from supportdesk_tui.domain.planning_totals import (
    CustomerTotal,
    DeveloperTotal,
    ItemTotal,
    Level,
    PlanTotals,
    Standing,
    plan_totals,
)
from supportdesk_tui.domain.planning_week import (
    DAY_NAMES,
    MONTH_NAMES,
    SLOTS_PER_DAY,
    WEEK_HALF_DAYS,
    IsoWeek,
    day_label,
    format_days,
    format_half_days,
)

__all__ = [
    "DAY_NAMES", "HOURS_PER_HALF_DAY", "MONTH_NAMES", "SLOTS_PER_DAY", "TRIAGE", "WEEK_HALF_DAYS", "CellKey",
    "CustomerTotal", "DeveloperTotal", "IsoWeek", "ItemTotal", "Level", "Outcome", "Plan", "PlanTotals", "Slot",
    "Standing", "Triage", "WorkItem", "day_label", "estimate_from_labels", "format_days", "format_half_days",
    "plan_totals", "start_from", "work_item_from_card",
]
