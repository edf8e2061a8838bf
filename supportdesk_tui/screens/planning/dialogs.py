"""The Planning screen's modals (the pool picker, the rota editor, an estimate box and the customers'
confirmations: preview, then send or copy) and the messages the Planning workers post.

Dialogs return plain values through ``dismiss``; the confirmation preview is the one that does I/O,
through the planning service in named workers that post messages, like the screens do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from supportdesk_tui.domain.impediments import BLOCKED_GLYPH
from supportdesk_tui.domain.planning import ItemTotal, WorkItem, format_half_days
from supportdesk_tui.domain.rota import TriagePair
from supportdesk_tui.services.planning.service import (
    OpenedWeek,
    Pool,
    PublishReport,
    RotaChoice,
)

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 90%; max-width: 120; height: auto; max-height: 90%; border: thick $primary;
    background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; padding: 0 0 1 0; }}
{name} .keys {{ color: $text-muted; padding: 1 0 0 0; }}
{name} OptionList {{ height: auto; max-height: 20; }}
"""


# ----------------------------------------------------------------------------------------- messages
class WeekOpened(Message):
    def __init__(self, opened: OpenedWeek, rota: RotaChoice) -> None:
        super().__init__()
        self.opened = opened
        self.rota = rota


class PoolLoaded(Message):
    def __init__(self, pool: Pool) -> None:
        super().__init__()
        self.pool = pool


class PlanPublished(Message):
    def __init__(self, report: PublishReport) -> None:
        super().__init__()
        self.report = report


class RotaSaved(Message):
    def __init__(self, rota: RotaChoice) -> None:
        super().__init__()
        self.rota = rota


# ------------------------------------------------------------------------------------------- picker
@dataclass(frozen=True, slots=True)
class Pick:
    card_id: str
    half_days: int  # 1 = half a day, 2 = the whole day (or as much as is free)
    partner: str | None = None  # also assign it to this person, the same day: a pair


@dataclass(frozen=True, slots=True)
class PairHint:
    """A suggested partner for a card whose customer prefers pairs, and why, in words."""

    partner: str
    words: str


def item_prompt(total: ItemTotal, known: str = "") -> Text:
    text = Text(style="bold")
    if total.item.blocked:
        text.append(f"{BLOCKED_GLYPH} BLOCKED ", style="red")
    text.append(f"{total.item.customer}: ")
    text.append(" ".join(total.item.title.split()))
    if total.estimate is not None:
        text.append(f"  · est {format_half_days(total.estimate)}", style="dim")
    text.append(f" · {total.standing.text}", style="dim")
    if known:
        text.append(f"\n  {known}", style="italic")
    return text


class PoolPicker(ModalScreen[Pick | None]):
    """Type to filter; ``enter`` assigns the highlighted card; ``tab`` switches whole / half day.

    Under each card: who has worked for its customer (``known``, by card id). For a customer that
    prefers pairs a second line offers the card with a suggested partner (``hints``): choosing it
    plans both people on it that day. Suggestions are offers; nothing is refused.
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="PoolPicker")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="planning.picker.cancel"),
        Binding("tab", "toggle_half", "Whole/half day", priority=True, id="planning.picker.half"),
        Binding("down", "move(1)", "Next", show=False, priority=True, id="planning.picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, priority=True, id="planning.picker.up"),
    ]

    def __init__(self, where: str, items: Sequence[ItemTotal], free: int, known: Mapping[str, str] | None = None,
                 hints: Mapping[str, PairHint] | None = None) -> None:
        super().__init__()
        self._where = where
        self._items = list(items)
        self._free = free
        self._half_days = min(2, max(1, free))
        self._known = dict(known or {})
        self._hints = dict(hints or {})
        self._shown: list[tuple[str, str | None]] = []  # (card id, partner) per option, in order

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Assign to {self._where}"), classes="title")
            yield Input(placeholder="Type to filter by customer or card", id="filter")
            yield Static(id="mode")
            yield OptionList(id="items")
            yield Static(Text("enter assign · tab whole/half day · escape cancel"), classes="keys")

    def on_mount(self) -> None:
        self._fill("")
        self._show_mode()

    def _fill(self, needle: str) -> None:
        words = needle.casefold().split()
        self._shown = []
        options: list[Option] = []
        for t in self._items:
            if not all(w in f"{t.item.customer} {t.item.title}".casefold() for w in words):
                continue
            self._shown.append((t.item.card_id, None))
            options.append(Option(item_prompt(t, self._known.get(t.item.card_id, "")), id=t.item.card_id))
            hint = self._hints.get(t.item.card_id)
            if hint is not None:
                self._shown.append((t.item.card_id, hint.partner))
                options.append(Option(Text(f"  ↳ the same, paired with {hint.partner}: {hint.words}",
                                           style="italic"), id=f"{t.item.card_id}+{hint.partner}"))
        self.query_one("#items", OptionList).set_options(options)
        if self._shown:
            self.query_one("#items", OptionList).highlighted = 0

    def _show_mode(self) -> None:
        if self._free <= 1:
            words = "Fill: the free half day"
        else:
            words = "Fill: whole day (tab for half a day)" if self._half_days == 2 else \
                "Fill: half a day (tab for the whole day)"
        self.query_one("#mode", Static).update(Text(words, style="italic"))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        highlighted = self.query_one("#items", OptionList).highlighted
        if highlighted is not None and highlighted < len(self._shown):
            self._pick(highlighted)

    @on(OptionList.OptionSelected, "#items")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self._shown):
            self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        card_id, partner = self._shown[index]
        self.dismiss(Pick(card_id, self._half_days, partner))

    def action_move(self, step: int) -> None:
        options = self.query_one("#items", OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def action_toggle_half(self) -> None:
        if self._free > 1:
            self._half_days = 1 if self._half_days == 2 else 2
            self._show_mode()

    def action_cancel(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------------------------- rota
class RotaScreen(ModalScreen[TriagePair | None]):
    """Pick the lead (left) and the other person (right); ``enter`` on either list saves."""

    DEFAULT_CSS = DIALOG_CSS.format(name="RotaScreen") + """
    RotaScreen Horizontal { height: auto; }
    RotaScreen OptionList { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="planning.rota.cancel"),
        Binding("s", "suggested", "Use suggestion", id="planning.rota.suggest"),
    ]

    def __init__(self, title: str, pair: TriagePair | None, suggestion: TriagePair | None,
                 leads: Sequence[str], people: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._pair = pair
        self._suggestion = suggestion
        self._leads = list(leads) or list(people)
        self._people = list(people)

    def compose(self) -> ComposeResult:
        suggestion = " + ".join(self._suggestion) if self._suggestion else "none"
        with Vertical():
            yield Static(Text(self._title), classes="title")
            with Horizontal():
                yield OptionList(*[Option(p, id=p) for p in self._leads], id="lead")
                yield OptionList(*[Option(p, id=p) for p in self._people], id="other")
            yield Static(Text(f"Left: the triage lead · right: the other person. Fair suggestion: {suggestion}."))
            yield Static(Text("enter save · tab switch list · s use the suggestion · escape cancel"), classes="keys")

    def on_mount(self) -> None:
        lead, other = self._pair or self._suggestion or (self._leads[0], self._people[-1])
        self._highlight("#lead", self._leads, lead)
        self._highlight("#other", self._people, other)
        self.query_one("#lead", OptionList).focus()

    def _highlight(self, selector: str, names: list[str], name: str) -> None:
        if name in names:
            self.query_one(selector, OptionList).highlighted = names.index(name)

    @on(OptionList.OptionSelected)
    def _save(self) -> None:
        lead_at = self.query_one("#lead", OptionList).highlighted
        other_at = self.query_one("#other", OptionList).highlighted
        if lead_at is None or other_at is None:
            return
        pair = (self._leads[lead_at], self._people[other_at])
        if pair[0] == pair[1]:
            self.notify("Triage needs two different people.", severity="warning", markup=False)
            return
        self.dismiss(pair)

    def action_suggested(self) -> None:
        if self._suggestion is not None:
            self.dismiss(self._suggestion)

    def action_cancel(self) -> None:
        self.dismiss(None)


# ----------------------------------------------------------------------------------------- estimate
@dataclass(frozen=True, slots=True)
class EstimateChoice:
    half_days: int | None  # None: back to the card label's estimate


def parse_days(text: str) -> int | None:
    """``1.5`` or ``1,5`` days -> 3 half days (rounded up); empty -> None; ValueError otherwise."""
    text = text.strip().removesuffix("d").strip().replace(",", ".")
    if not text:
        return None
    days = Fraction(text)
    if days <= 0 or days > 50:
        raise ValueError("between 0.5 and 50 days")
    return ceil(days * 2)


class EstimateScreen(ModalScreen[EstimateChoice | None]):
    DEFAULT_CSS = DIALOG_CSS.format(name="EstimateScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="planning.estimate.cancel")]

    def __init__(self, item: WorkItem, current: int | None) -> None:
        super().__init__()
        self._item = item
        self._current = current

    def compose(self) -> ComposeResult:
        now = format_half_days(self._current) if self._current is not None else "none"
        with Vertical():
            yield Static(Text(f"Estimate for {self._item.customer}: {self._item.title} (now {now})"), classes="title")
            yield Input(placeholder="days, e.g. 1.5 (empty: use the card's label)", id="days")
            yield Static(Text("enter save · escape cancel"), classes="keys")

    @on(Input.Submitted, "#days")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(EstimateChoice(parse_days(event.value)))
        except (ValueError, ZeroDivisionError):
            self.notify("Give the estimate in days, e.g. 0.5, 1 or 2.5.", severity="warning", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
