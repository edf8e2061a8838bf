"""The week's roster and who knows which customer, on the Planning screen: the add-person box, the
knowledge message, and the words the picker, the pool and the customer totals show.

The rules are pure (``domain/roster.py``); this module only turns them into what the widgets take.
Knowledge loads in a named worker (past plans through the planning service) and posts
:class:`KnowledgeLoaded`; until it arrives the pool shows without the knowledge marks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.planning import IsoWeek, ItemTotal, Plan, PlanTotals
from supportdesk_tui.domain.roster import (
    Knowledge,
    RosterChange,
    add_person,
    alone_on_paired_customer,
    one_person_words,
    pool_notes,
    remove_person,
    suggested_partner,
)
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.planning.dialogs import DIALOG_CSS, PairHint

if TYPE_CHECKING:
    from supportdesk_tui.services.planning.service import PlanningService


class KnowledgeLoaded(Message):
    def __init__(self, week: IsoWeek, knowledge: Knowledge) -> None:
        super().__init__()
        self.week = week
        self.knowledge = knowledge


class AddPersonScreen(ModalScreen[str | None]):
    """``N``: a name for someone joining this week only; ``enter`` adds, ``escape`` cancels."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AddPersonScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="planning.add_person.cancel")]

    def __init__(self, week: IsoWeek) -> None:
        super().__init__()
        self._week = week

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Add someone to {self._week} ({self._week.span_text()}) only"), classes="title")
            yield Input(placeholder="their Trello username (or full name), e.g. eve", id="name")
            yield Static(Text("They join this week's grid with the whole week available (- to give less). Next "
                              "week starts with them again only if they still give some time."))
            yield Static(Text("enter add · escape cancel"), classes="keys")

    @on(Input.Submitted, "#name")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def pair_customers(customers: Iterable[Customer]) -> set[str]:
    return {c.name for c in customers if c.pair}


def picker_words(knowledge: Knowledge | None, plan: Plan, developer: str, items: Sequence[ItemTotal],
                 pairs: set[str]) -> tuple[dict[str, str], dict[str, PairHint]]:
    """Per card: who knows its customer, and for customers that prefer pairs, whom to pair ``developer`` with."""
    if knowledge is None:
        return {}, {}
    known = {t.item.card_id: knowledge.words(t.item.customer, plan.week) for t in items}
    hints: dict[str, PairHint] = {}
    for t in items:
        customer = t.item.customer
        if customer not in pairs:
            continue
        partner = suggested_partner(knowledge, customer, plan.week, plan.developers, developer)
        if partner is None:
            continue
        knower = knowledge.only_one(customer, plan.week)
        words = (f"{partner} has not worked for {customer}; pairing spreads what you know" if partner != knower
                 else f"{partner} is the one person who knows {customer}")
        hints[t.item.card_id] = PairHint(partner, words)
    return known, hints


def alone_warnings(plan: Plan, card_id: str, day: date, pairs: set[str]) -> list[str]:
    """The warning in words when a change leaves one person alone on a customer that prefers pairs."""
    item = plan.items.get(card_id)
    if item is None or item.customer not in pairs:
        return []
    return [w + "." for w in alone_on_paired_customer(plan, item.customer, card_id=card_id, day=day)]


def marks(plan: Plan, totals: PlanTotals, knowledge: Knowledge | None, max_card_days: float
          ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """The pool's notes by card id, and the customer totals' marks by customer name."""
    notes = pool_notes(plan, totals.items, knowledge, max_card_days)
    by_customer = {c.customer: one_person_words(knowledge, c.customer, plan.week) for c in totals.customers}
    return notes, {k: v for k, v in by_customer.items() if v}


class RosterKeys:
    """``N`` and ``D`` on the Planning screen: the week's roster grows or shrinks for this week only. A
    component the screen owns (its two actions forward here); the screen hands over itself (dialogs and
    toasts) and what only it knows: the plan shown, the cell under the cursor, how a changed plan is kept."""

    def __init__(self, screen: Screen[None], service: Callable[[], PlanningService], *,
                 plan: Callable[[], Plan | None], cell: Callable[[], tuple[Plan, str, date | None] | None],
                 change: Callable[[Plan], None]) -> None:
        self.screen = screen
        self._service, self._plan, self._cell, self._change = service, plan, cell, change

    def add_person(self) -> None:
        plan = self._plan()
        if plan is None:
            return

        def named(name: str | None) -> None:
            current = self._plan()
            if name is not None and current is not None and current.week == plan.week:
                self._roster_change(add_person(current, name, self._service().match_member(name)))

        self.screen.app.push_screen(AddPersonScreen(plan.week), named)

    def _roster_change(self, change: RosterChange) -> None:
        self.screen.notify(change.words, severity="warning" if change.refused else "information", markup=False)
        self._change(change.plan)

    def remove_person(self) -> None:
        cell = self._cell()
        if cell is None:
            return
        plan, dev, _ = cell
        if (check := remove_person(plan, dev)).refused:
            self.screen.notify(check.words, severity="warning", markup=False)
            return

        def answer(yes: bool | None) -> None:
            current = self._plan()
            if yes and current is not None and current.week == plan.week:
                self._roster_change(remove_person(current, dev))

        self.screen.app.push_screen(ConfirmScreen(f"Take {dev} off the {plan.week} roster? They have nothing "
                                                  "planned this week; other weeks keep them."), answer)
