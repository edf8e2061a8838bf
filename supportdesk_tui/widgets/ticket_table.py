"""The inbox table: rows keyed by ticket number, diffed in place, countdown cells ticked cheaply.

A sync adds, removes and updates only what changed (cursor and scroll stay put); a tick touches
only the countdown and status cells whose text changed. Ticket text is user input, so it goes in
as :class:`rich.text.Text` (never parsed as markup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.events import Resize
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import GLYPHS, SlaClock, SlaStatus, format_time_left
from supportdesk_tui.domain.tickets import Ticket

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("status", "SLA", 12),
    ("left", "Time left", 11),
    ("num", "#", 7),
    ("customer", "Customer", 20),
    ("subject", "Subject", 40),  # widened to fill the table on resize
    ("state", "State", 9),
    ("assignee", "Assignee", 10),
)
CELL_PADDING = 2  # DataTable's default cell_padding of 1 on each side


@dataclass(frozen=True, slots=True)
class Row:
    """What one row shows, apart from the ticking cells."""

    ticket: Ticket
    clock: SlaClock
    customer: Customer | None
    new: bool = False
    mark: str = ""  # e.g. "urgent", "fixing 1:32" (set by triage actions)


def short_agent(email: str | None) -> str:
    """Agents are colleagues: the local part of their address is enough to recognise them."""
    if not email:
        return "—"
    return email.split("@", 1)[0]


def customer_text(row: Row) -> Text:
    if row.customer is not None:
        return Text(row.customer.name)
    domain = row.ticket.customer_domain or "no sender"
    return Text(f"? {domain}", style="italic")


def subject_text(row: Row) -> Text:
    text = Text()
    if row.new:
        text.append("NEW ", style="bold reverse")
    if row.mark:
        text.append(f"[{row.mark}] ", style="bold")
    text.append(row.ticket.title or "(no subject)")
    return text


class TicketTable(DataTable[Text | str]):
    """A DataTable of tickets that knows how to diff itself and tick its countdowns."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="nav.down"),
        Binding("k", "cursor_up", "Up", show=False, id="nav.up"),
        Binding("g", "scroll_top", "Top", show=False, id="nav.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="nav.bottom"),
    ]

    def __init__(self, *, now: Callable[[], datetime], status_style: Callable[[SlaStatus], str] | None = None,
                 **kw: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)  # type: ignore[arg-type]
        self._now = now
        self._rows: dict[int, Row] = {}
        self._ticking: dict[int, tuple[str, str]] = {}  # number -> (status cell, left cell) as shown
        self._order: list[int] = []
        self._status_style = status_style or (lambda _s: "")

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self, event: Resize) -> None:
        """Give the subject whatever width the other (fixed) columns leave."""
        others = sum(width + CELL_PADDING for key, _, width in COLUMNS if key != "subject")
        subject = max(20, event.size.width - others - CELL_PADDING - 1)
        column = self.columns.get(self._subject_key())
        if column is not None and column.width != subject:
            column.width = subject
            self._require_update_dimensions = True
            self.refresh()

    def _subject_key(self) -> ColumnKey:
        return ColumnKey("subject")

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every column has a fixed width and every row a height of 1, so there is nothing to measure.

        DataTable would measure each cell of each new row with Rich (14,000 measurements for 2,000
        tickets, most of the Inbox's cold start); we only update the virtual size. Relies on
        DataTable internals of the pinned Textual version (tests cover the rendering).
        """
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header)

    @property
    def shown(self) -> Mapping[int, Row]:
        return self._rows

    def current_number(self) -> int | None:
        if not self._order or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def _tick_cells(self, row: Row, now: datetime) -> tuple[Text, str]:
        status = row.clock.status(now)
        word = status.value
        if row.clock.reopened and status in (SlaStatus.OK, SlaStatus.AT_RISK):
            word = f"{word} ↺"
        return Text(f"{GLYPHS[status]} {word}", style=self._status_style(status)), format_time_left(
            row.clock.time_left(now))

    def sync(self, rows: Iterable[Row], now: datetime) -> None:
        """Bring the table in line with ``rows`` (already sorted) by changing only what differs."""
        want = {row.ticket.number: row for row in rows}
        order = list(want)
        keep = self.current_number()
        with self.app.batch_update():
            for number in [n for n in self._rows if n not in want]:
                self.remove_row(str(number))
                self._ticking.pop(number, None)
            for number, row in want.items():
                old = self._rows.get(number)
                status_cell, left_cell = self._tick_cells(row, now)
                cells: dict[str, Text | str] = {  # Text, never str: DataTable parses str as markup
                    "num": Text(str(number)), "customer": customer_text(row), "subject": subject_text(row),
                    "state": Text(row.ticket.state), "assignee": Text(short_agent(row.ticket.assignee)),
                }
                if old is None:
                    self.add_row(status_cell, Text(left_cell), cells["num"], cells["customer"], cells["subject"],
                                 cells["state"], cells["assignee"], key=str(number))
                    self._ticking[number] = (status_cell.plain, left_cell)
                elif old != row:
                    for col, value in cells.items():
                        self.update_cell(str(number), col, value)
                    self._set_ticking(number, status_cell, left_cell)
            # What the table shows now: the old order less removed rows, then added rows at the end.
            shown = [n for n in self._order if n in want] + [n for n in order if n not in self._rows]
            self._rows = want
            if order != shown:
                rank = {str(n): i for i, n in enumerate(order)}
                self.sort("num", key=lambda cell: rank.get(str(cell), len(rank)))
                if keep is not None and keep in want:
                    self.move_cursor(row=self.get_row_index(str(keep)), scroll=False)
            self._order = order

    def _set_ticking(self, number: int, status_cell: Text, left_cell: str) -> None:
        shown_status, shown_left = self._ticking.get(number, ("", ""))
        if status_cell.plain != shown_status:
            self.update_cell(str(number), "status", status_cell)
        if left_cell != shown_left:
            self.update_cell(str(number), "left", Text(left_cell))
        self._ticking[number] = (status_cell.plain, left_cell)

    def visible_numbers(self) -> list[int]:
        """Ticket numbers of the rows in the viewport (every row is one line high)."""
        first = int(self.scroll_y)
        last = min(self.row_count, first + max(1, self.size.height))
        numbers = []
        for index in range(first, last):
            key = self.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value
            if key is not None:
                numbers.append(int(key))
        return numbers

    def tick(self, now: datetime) -> int:
        """Update the countdown and status cells that changed, for the rows in view only.

        Rows out of view are brought up to date the moment they scroll in (``watch_scroll_y``), so a
        2,000-ticket queue costs one screenful of cell updates a second. Returns the cells touched.
        """
        touched = 0
        with self.app.batch_update():
            for number in self.visible_numbers():
                row = self._rows.get(number)
                if row is None:
                    continue
                status_cell, left_cell = self._tick_cells(row, now)
                shown_status, shown_left = self._ticking.get(number, ("", ""))
                if status_cell.plain != shown_status or left_cell != shown_left:
                    touched += (status_cell.plain != shown_status) + (left_cell != shown_left)
                    self._set_ticking(number, status_cell, left_cell)
        return touched

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.is_mounted and self._rows:
            self.tick(self._now())
