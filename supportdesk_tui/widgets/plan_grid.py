"""The planning grid (developers x Monday..Friday) and the totals beside it.

Cells are plain words first (``½ Acme Ltd: Export…``, ``TRIAGE``, ``holiday``, ``free``) and colour
second, so the grid reads on a projector, in 16 colours and for colour-blind people. The grid is a
keyed DataTable (row = developer, column = date) updated cell by cell; it is rebuilt only when the
week, the team or the cell size changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from supportdesk_tui.domain.impediments import BLOCKED_GLYPH
from supportdesk_tui.domain.planning import (
    TRIAGE,
    CustomerTotal,
    DeveloperTotal,
    ItemTotal,
    Level,
    Plan,
    PlanTotals,
    Slot,
    day_label,
    format_days,
    format_half_days,
)
from supportdesk_tui.domain.roster import cell_pair_words

StyleFor = Callable[[Level], str]
WHO = "who"
WHO_WIDTH = 28
MIN_DAY_WIDTH = 16


def fit(text: str, width: int) -> str:
    """One line, cut with an ellipsis: cells never wrap, so every row keeps its height."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def slot_words(plan: Plan, slot: Slot) -> str:
    if slot is TRIAGE or not isinstance(slot, str):
        return "TRIAGE"
    item = plan.items[slot]
    return f"{item.customer}: {item.title}"


def pair_words(plan: Plan, developer: str, day: date) -> str:
    """``pair with ben`` when someone shares a card of this cell that day (both cells say so)."""
    words = [cell_pair_words(plan, developer, day, s) for s in dict.fromkeys(plan.cell(developer, day))
             if isinstance(s, str)]
    return " · ".join(w for w in words if w)


def cell_lines(plan: Plan, developer: str, day: date, width: int) -> list[str]:
    """Three lines describing one cell (a whole day reads as one thing, halves as two); the last line
    says who the developer pairs with, if anyone."""
    slots = plan.cell(developer, day)
    holiday = plan.is_holiday(day)
    if not slots:
        return ["holiday" if holiday else "free", "", ""]
    warn = " ⚠ holiday" if holiday else ""
    pair = pair_words(plan, developer, day)
    if len(slots) == 2 and slots[0] == slots[1]:
        slot = slots[0]
        if slot is TRIAGE or not isinstance(slot, str):
            return ["TRIAGE", "whole day", warn.strip()]
        item = plan.items[slot]
        last = "whole day" if not pair else \
            (f"whole day · {pair}" if len(f"whole day · {pair}{warn}") <= width else pair)
        return [fit(item.customer, width), fit(item.title, width), fit(last + warn, width)]
    lines = [fit(f"½ {slot_words(plan, s)}", width) for s in slots]
    if len(lines) == 1:
        lines.append("½ free")
    return [*lines, fit(pair + warn, width).strip()]


def cell_text(plan: Plan, developer: str, day: date, width: int) -> Text:
    lines = cell_lines(plan, developer, day, width)
    text = Text("\n".join(lines), no_wrap=True, overflow="ellipsis")
    if lines[0] in ("free", "holiday"):
        text.stylize("dim")
    elif lines[0] == "TRIAGE" or lines[0].startswith("½ TRIAGE"):
        text.stylize("bold", 0, len(lines[0]))
    else:
        text.stylize("bold", 0, len(lines[0]))
    return text


def developer_text(total: DeveloperTotal, style_for: StyleFor, width: int = WHO_WIDTH) -> Text:
    """``ana`` / ``3.5 of 4.5 d · 78 %`` / ``under by 1 d`` (words carry the meaning, colour repeats it)."""
    standing = total.standing
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(fit(total.developer, width), style="bold")
    text.append("\n" + fit(f"{format_half_days(total.allocated)} of {format_half_days(total.available)} · "
                           f"{total.utilisation_text}", width))
    glyph = {Level.OVER: "✖ ", Level.UNDER: "▽ ", Level.ON_TARGET: "● "}.get(standing.level, "")
    text.append("\n" + fit(glyph + standing.text, width), style=style_for(standing.level))
    return text


def day_heading(plan: Plan, day: date) -> Text:
    text = Text(day_label(day), style="bold")
    if plan.is_holiday(day):
        text.append(" ✱ holiday", style="italic")
    return text


class PlanGrid(DataTable[Text]):
    """Developers as rows, the five days as columns; the first column is who, with their totals."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Assign", id="planning.assign",
                tooltip="Assign work from the pool to this cell"),
        Binding("h", "cursor_left", "Left", show=False, id="planning.left"),
        Binding("j", "cursor_down", "Down", show=False, id="planning.down"),
        Binding("k", "cursor_up", "Up", show=False, id="planning.up"),
        Binding("l", "cursor_right", "Right", show=False, id="planning.right"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=False, show_row_labels=False)
        self._shape: tuple[object, ...] = ()
        self._shown: dict[tuple[str, str], Text] = {}
        self.day_width = MIN_DAY_WIDTH
        self.row_height = 3

    def cell_at_cursor(self, plan: Plan) -> tuple[str, date | None] | None:
        """(developer, day) under the cursor; day is None on the first column."""
        if not plan.developers or not self.row_count:
            return None
        row, column = self.cursor_coordinate
        developer = plan.developers[min(row, len(plan.developers) - 1)]
        return developer, (plan.days[column - 1] if column >= 1 else None)

    def show(self, plan: Plan, totals: PlanTotals, style_for: StyleFor, *, day_width: int, row_height: int) -> None:
        """Bring the table in line with ``plan``; only changed cells are touched."""
        shape = (plan.week, plan.developers, plan.holidays, day_width, row_height)
        if shape != self._shape:
            self._rebuild(plan, day_width, row_height)
            self._shape = shape
        by_dev = {t.developer: t for t in totals.developers}
        with self.app.batch_update():
            for dev in plan.developers:
                want = {WHO: developer_text(by_dev[dev], style_for)}
                want.update({d.isoformat(): cell_text(plan, dev, d, self.day_width) for d in plan.days})
                for column, value in want.items():
                    if self._shown.get((dev, column)) != value:
                        self.update_cell(dev, column, value)
                        self._shown[(dev, column)] = value

    def _rebuild(self, plan: Plan, day_width: int, row_height: int) -> None:
        cursor = self.cursor_coordinate
        self.day_width, self.row_height = day_width, row_height
        self.clear(columns=True)
        self._shown.clear()
        self.add_column(Text("Developer", style="bold"), key=WHO, width=WHO_WIDTH)
        for day in plan.days:
            self.add_column(day_heading(plan, day), key=day.isoformat(), width=day_width)
        blank = Text("")
        for dev in plan.developers:
            self.add_row(*([blank] * 6), key=dev, height=row_height)
        if plan.developers:
            self.cursor_coordinate = Coordinate(min(cursor.row, len(plan.developers) - 1), max(1, cursor.column))


def customers_table(totals: Sequence[CustomerTotal], triage: int, style_for: StyleFor,
                    marks: Mapping[str, str] | None = None) -> Table:
    """Planned days per customer against ``commitment_days``; the total equals the developers' total.

    ``marks`` adds words after a customer's status (``one person knows this (ana)``)."""
    table = Table(title="By customer", title_justify="left", expand=True, box=None, padding=(0, 1))
    table.add_column("Customer", ratio=2, no_wrap=True)
    table.add_column("Planned", justify="right")
    table.add_column("Agreed", justify="right")
    table.add_column("Status", ratio=3, no_wrap=True)
    for c in totals:
        agreed = format_days(c.commitment_days) if c.commitment_days is not None else "—"
        status = Text(c.standing.text, style=style_for(c.standing.level))
        if (marks or {}).get(c.customer):
            status.append(f"\n{(marks or {})[c.customer]}", style="italic")
        table.add_row(c.customer, format_half_days(c.planned), agreed, status)
    table.add_row("Triage", format_half_days(triage), "", "")
    return table


def pool_table(items: Sequence[ItemTotal], style_for: StyleFor, limit: int = 40,
               notes: Mapping[str, Sequence[str]] | None = None) -> Table:
    """The pool (Up next work) with what is planned of each: unplanned work first.

    ``notes`` by card id go on a line under the card (who pairs on it, whether one person knows the
    customer, whether it is bigger than support work)."""
    table = Table(title="Up next pool", title_justify="left", expand=True, box=None, padding=(0, 1))
    table.add_column("Card", ratio=4, no_wrap=True)
    table.add_column("Est.", justify="right")
    table.add_column("Planned", ratio=2, no_wrap=True)
    ordered = sorted(items, key=lambda i: (i.planned > 0, i.item.customer, i.item.title))
    for i in ordered[:limit]:
        estimate = format_half_days(i.estimate) if i.estimate is not None else "—"
        words = "not planned" if i.planned == 0 else i.standing.text
        card = Text(no_wrap=True, overflow="ellipsis")
        if i.item.blocked:
            card.append(f"{BLOCKED_GLYPH} BLOCKED ", style="bold red")
        card.append(f"{i.item.customer}: {' '.join(i.item.title.split())}")
        for note in (notes or {}).get(i.item.card_id, ()):
            card.append(f"\n  {note}", style="italic")
        table.add_row(card, estimate, Text(words, style=style_for(i.standing.level)))
    if len(ordered) > limit:
        table.add_row(f"… and {len(ordered) - limit} more", "", "")
    return table


def team_line(totals: PlanTotals) -> Text:
    """Both ways of counting, side by side, so the room can see they agree."""
    customers = sum(c.planned for c in totals.customers)
    return Text(f"Team: {format_half_days(totals.allocated)} planned of {format_half_days(totals.available)} "
                f"available · customers {format_half_days(customers)} + triage {format_half_days(totals.triage)} "
                f"= {format_half_days(totals.planned)}", no_wrap=True, overflow="ellipsis")


class TotalsPanel(Static):
    """Per-customer totals or the pool, below the grid; re-rendered on each change of the plan."""

    def show(self, totals: PlanTotals, style_for: StyleFor, *, pool: bool = False,
             notes: Mapping[str, Sequence[str]] | None = None, marks: Mapping[str, str] | None = None) -> None:
        if pool:
            self.update(pool_table(totals.items, style_for, notes=notes))
        else:
            self.update(Group(team_line(totals),
                              customers_table(totals.customers, totals.triage, style_for, marks)))
