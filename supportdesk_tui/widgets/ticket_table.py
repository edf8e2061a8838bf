"""The inbox table: a Line-API widget that draws only the rows in view and repaints only what changed.

Why not ``DataTable``: every ``update_cell`` there invalidates the render cache of the whole table, so
a once-a-second countdown re-rendered the full viewport each second (~8 % of a core with 2,000
tickets), and adding 2,000 rows cost ~0.3 s of bookkeeping at start. Here a row is a cached
:class:`~textual.strip.Strip`; a tick recomputes the two ticking cells of the rows in view and
repaints just the lines whose text changed. Sync diffs by ticket number and keeps the cursor on the
same ticket. Ticket text is user input, so every cell is a :class:`rich.text.Text` (never markup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from supportdesk_tui.domain.sla import GLYPHS, SlaStatus, format_time_left
from supportdesk_tui.widgets.ticket_row import Row

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("status", "SLA", 12),
    ("left", "Time left", 11),
    ("num", "#", 7),
    ("customer", "Customer", 20),
    ("subject", "Subject", 40),  # widened to fill the table on resize
    ("state", "State", 9),
    ("assignee", "Assignee", 10),
)
COLUMN_KEYS = tuple(key for key, _, _ in COLUMNS)
CELL_PADDING = 1  # one space each side of every cell
MIN_SUBJECT = 20
COMFORT_SUBJECT = 30
NUMBER_DIGITS = 5  # the ticket numbers' width when the table does not say (Groove numbers run to 5 digits)
# On a narrow terminal, until the subject has COMFORT_SUBJECT cells: the assignee and then the state
# columns give way (both are in the ticket's detail too), the customer column narrows, then the slack goes
# out of the fixed columns: the status word needs 11 cells ("▲ at risk ↺"), the number only its digits
# (None below), the time left 10 ("12:10 late").
NARROW_STEPS: tuple[tuple[str, int | None], ...] = (
    ("assignee", 0), ("state", 0), ("customer", 14), ("status", 11), ("num", None), ("left", 10))


def layout_widths(width: int, number_digits: int = NUMBER_DIGITS) -> list[int]:
    """Each column's width for a table ``width`` cells wide (0 = hidden): the subject takes what the others
    leave, the NARROW_STEPS making room for it one by one, and never gets fewer than MIN_SUBJECT.
    ``number_digits``: how wide the longest ticket number in the table is."""
    widths = {key: w for key, _, w in COLUMNS}

    def left_for_subject() -> int:
        others = sum(w + 2 * CELL_PADDING for key, w in widths.items() if key != "subject" and w)
        return width - others - 2 * CELL_PADDING

    for key, narrower in NARROW_STEPS:
        if left_for_subject() >= COMFORT_SUBJECT:
            break
        widths[key] = min(widths[key], narrower if narrower is not None else max(3, number_digits))
    widths["subject"] = max(MIN_SUBJECT, left_for_subject())
    return [widths[key] for key in COLUMN_KEYS]


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


class TicketTable(ScrollView, can_focus=True):
    """Rows of tickets keyed by number, with a sticky header line and a row cursor."""

    DEFAULT_CSS = """
    TicketTable { background: $surface; scrollbar-gutter: stable; }
    TicketTable > .ticket-table--header { text-style: bold; background: $panel; color: $foreground; }
    TicketTable > .ticket-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: bold; }
    TicketTable:blur > .ticket-table--cursor { background: $block-cursor-blurred-background; text-style: none; }
    TicketTable > .ticket-table--even-row { background: $surface-lighten-1; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticket-table--header", "ticket-table--cursor", "ticket-table--even-row",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("j", "cursor_down", "Down", show=False, id="nav.down"),
        Binding("k", "cursor_up", "Up", show=False, id="nav.up"),
        # h/l beside the arrows (which scroll sideways in a terminal narrower than the columns)
        Binding("h", "scroll_left", "Scroll left", show=False, id="inbox.nav.left"),
        Binding("l", "scroll_right", "Scroll right", show=False, id="inbox.nav.right"),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "Top", show=False, id="nav.top"),
        Binding("end,G", "last", "Bottom", show=False, id="nav.bottom"),
        Binding("enter", "select", "Open", id="inbox.open", tooltip="Open the ticket's thread"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class _TicketMessage(Message):
        def __init__(self, table: TicketTable, number: int) -> None:
            super().__init__()
            self.table = table
            self.number = number

        @property
        def control(self) -> TicketTable:
            return self.table

    class Highlighted(_TicketMessage):
        """The cursor moved onto a ticket."""

    class Selected(_TicketMessage):
        """`enter` (or a click on the highlighted row) on a ticket."""

    def __init__(self, *, now: Callable[[], datetime], status_style: Callable[[SlaStatus], str] | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._now = now
        self._status_style = status_style or (lambda _s: "")
        self._order: list[int] = []
        self._index: dict[int, int] = {}
        self._rows: dict[int, Row] = {}
        self._cells: dict[int, tuple[Text, ...]] = {}  # the static cells, by ticket number
        self._ticking: dict[int, tuple[Text, str]] = {}  # status cell and time-left text, as shown
        self._strips: dict[tuple[int, tuple[int, ...], bool, int], Strip] = {}  # (number, widths, cursor, zebra)
        self._widths: list[int] = [width for _, _, width in COLUMNS]
        self._digits = NUMBER_DIGITS

    # --- what is shown --------------------------------------------------------------------------------
    @property
    def shown(self) -> Mapping[int, Row]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._order)

    def numbers(self) -> list[int]:
        """Ticket numbers in display order."""
        return list(self._order)

    def current_number(self) -> int | None:
        if not self._order:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

    def get_row_index(self, number: int | str) -> int:
        return self._index[int(number)]

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        self.cursor_row = row
        if scroll:
            self._scroll_cursor_into_view()

    def cell_text(self, number: int, column: str) -> str:
        """The plain text of one cell (for tests and the help of screen readers)."""
        if column == "status":
            return self._ticking_of(number)[0].plain
        if column == "left":
            return self._ticking_of(number)[1]
        return self._cells_of(number)[COLUMN_KEYS.index(column) - 2].plain

    # Cells are built when a row is first drawn (or asked about), not when it arrives: a start with
    # 2,000 cached tickets draws ~40 of them, and building the rest up front delayed the first paint.
    def _cells_of(self, number: int) -> tuple[Text, ...]:
        cells = self._cells.get(number)
        if cells is None:
            row = self._rows[number]
            cells = self._cells[number] = (
                Text(str(number)), customer_text(row), subject_text(row), Text(row.ticket.state),
                Text(short_agent(row.ticket.assignee)),
            )
        return cells

    def _ticking_of(self, number: int) -> tuple[Text, str]:
        ticking = self._ticking.get(number)
        if ticking is None:
            ticking = self._ticking[number] = self._tick_cells(self._rows[number], self._now())
        return ticking

    # --- sync and tick ----------------------------------------------------------------------------------
    def _tick_cells(self, row: Row, now: datetime) -> tuple[Text, str]:
        status = row.clock.status(now)
        word = status.value
        if row.clock.reopened and status in (SlaStatus.OK, SlaStatus.AT_RISK):
            word = f"{word} ↺"
        return Text(f"{GLYPHS[status]} {word}", style=self._status_style(status)), format_time_left(
            row.clock.time_left(now))

    def sync(self, rows: Iterable[Row]) -> None:
        """Bring the table in line with ``rows`` (already sorted); only changed lines are repainted."""
        keep = self.current_number()
        want: dict[int, Row] = {}
        for row in rows:
            want[row.ticket.number] = row
        for number in [n for n in self._rows if n not in want]:
            self._forget(number)
        for number, row in want.items():
            if self._rows.get(number) == row:
                continue
            if number in self._cells or number in self._ticking:
                self._forget(number)  # rebuilt when next drawn
        order = list(want)
        self._rows = want
        digits = len(str(max(order))) if order else NUMBER_DIGITS
        if digits != self._digits:
            self._digits = digits
            self._relayout()
        if order != self._order:
            self._order = order
            self._index = {n: i for i, n in enumerate(order)}
            self.virtual_size = Size(self._total_width(), len(order) + 1)
            self.refresh()
        else:
            self.refresh()  # changed rows were dropped from the strip cache; unchanged lines come from it
        if keep is not None and keep in self._index:
            self.cursor_row = self._index[keep]
        else:
            self.cursor_row = min(self.cursor_row, max(0, len(order) - 1))

    def _forget(self, number: int) -> None:
        self._cells.pop(number, None)
        self._ticking.pop(number, None)
        self._drop_strips(number)

    def _drop_strips(self, number: int) -> None:
        for key in [k for k in self._strips if k[0] == number]:
            del self._strips[key]

    def _view_width(self) -> int:
        """Cells the columns may use: the widget less its vertical scrollbar's gutter (kept stable in CSS, so
        the columns do not shift when the queue grows past a screenful)."""
        return self.scrollable_content_region.width

    def _rows_in_view(self) -> int:
        """Rows wholly visible below the header line (less a horizontal scrollbar, if one shows)."""
        return max(1, self.scrollable_content_region.height - 1)

    def visible_numbers(self) -> list[int]:
        """Ticket numbers of the rows in the viewport."""
        first = int(self.scroll_offset.y)
        last = min(len(self._order), first + self._rows_in_view())
        return self._order[first:last]

    def tick(self, now: datetime) -> int:
        """Recompute the ticking cells of the rows in view; repaint only lines whose text changed.

        Rows out of view are brought up to date when they scroll in. Returns the cells that changed.
        """
        touched = 0
        for number in self.visible_numbers():
            row = self._rows.get(number)
            if row is None:
                continue
            status_cell, left = self._tick_cells(row, now)
            shown_status, shown_left = self._ticking.get(number) or (Text(), "")
            changed = (status_cell.plain != shown_status.plain) + (left != shown_left)
            if changed:
                touched += changed
                self._ticking[number] = (status_cell, left)
                self._drop_strips(number)
                self._refresh_row(self._index[number])
        return touched

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.is_mounted and self._rows:
            self.tick(self._now())

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self._view_width(), 1))

    # --- layout -------------------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        """Give the subject whatever width the other (fixed) columns leave (see layout_widths): the table
        fits the width it has, so a horizontal scrollbar shows only on a terminal narrower than the
        minimum columns."""
        self._relayout()

    def _relayout(self) -> None:
        widths = layout_widths(self._view_width(), self._digits)
        if widths != self._widths:
            self._widths = widths
            self._strips.clear()
            self.virtual_size = Size(self._total_width(), len(self._order) + 1)
            self.refresh()

    def _total_width(self) -> int:
        return sum(w + 2 * CELL_PADDING for w in self._widths if w)

    # --- rendering ---------------------------------------------------------------------------------------
    def _line(self, cells: Iterable[Text], style: Style) -> Strip:
        line = Text(no_wrap=True, overflow="crop")
        for cell, width in zip(cells, self._widths, strict=True):
            if not width:
                continue  # a column this width has no room for
            piece = cell.copy()
            piece.truncate(width, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append_text(piece)
            line.append(" ")
        segments = [Segment(s.text, style + s.style if s.style else style) for s in line.render(self.app.console)]
        return Strip(segments, self._total_width())

    def render_line(self, y: int) -> Strip:
        width = self._view_width()
        scroll_x = int(self.scroll_offset.x)
        if y == 0:
            header = self._line((Text(label) for _, label, _ in COLUMNS),
                                self.get_component_rich_style("ticket-table--header"))
            return header.crop(scroll_x, scroll_x + width).extend_cell_length(width, header_pad(self))
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._order):
            return Strip.blank(width, self.rich_style)
        number = self._order[index]
        cursor = index == self.cursor_row
        key = (number, tuple(self._widths), cursor, index % 2)
        strip = self._strips.get(key)
        if strip is None:
            if cursor:
                style = self.get_component_rich_style("ticket-table--cursor")
            elif index % 2:
                style = self.get_component_rich_style("ticket-table--even-row")
            else:
                style = self.rich_style
            status, left = self._ticking_of(number)
            strip = self._line((status, Text(left), *self._cells_of(number)), style)
            self._strips[key] = strip
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)

    # --- cursor --------------------------------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        if not self._order:
            return
        clamped = max(0, min(new, len(self._order) - 1))
        if clamped != new:
            self.cursor_row = clamped
            return
        for index in {old, new}:
            if 0 <= index < len(self._order):
                self._drop_strips(self._order[index])
                self._refresh_row(index)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self, self._order[new]))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        rows_in_view = self._rows_in_view()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + rows_in_view:
            self.scroll_to(y=self.cursor_row - rows_in_view + 1, animate=False)

    def notify_style_update(self) -> None:
        """A theme or CSS change restyles every line: forget the rendered ones."""
        self._strips.clear()
        super().notify_style_update()

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def action_cursor_up(self) -> None:
        self.cursor_row = max(0, self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.cursor_row = min(len(self._order) - 1, self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.cursor_row = max(0, self.cursor_row - max(1, self._rows_in_view() - 1))

    def action_page_down(self) -> None:
        self.cursor_row = min(len(self._order) - 1, self.cursor_row + max(1, self._rows_in_view() - 1))

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = max(0, len(self._order) - 1)

    def action_select(self) -> None:
        number = self.current_number()
        if number is not None:
            self.post_message(self.Selected(self, number))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if not 0 <= index < len(self._order):
            return
        if index == self.cursor_row:
            self.action_select()
        else:
            self.cursor_row = index


def header_pad(table: TicketTable) -> Style:
    return table.get_component_rich_style("ticket-table--header")
