"""A plan in other shapes: data for the store, Markdown and CSV for ``plan export``, and the
plain-text confirmation each customer receives.

All output is deterministic (grid order, fixed English day names, ``\\n`` line ends) so it can be
golden-file tested and diffed week to week. Titles come from customers' boards, so they are escaped
for Markdown and guarded against spreadsheet formulas in CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.json_shapes import as_int, as_list, as_opt_int, as_str
from supportdesk_tui.domain.planning import (
    DAY_NAMES,
    TRIAGE,
    IsoWeek,
    Plan,
    Slot,
    WorkItem,
    day_label,
    format_days,
    format_half_days,
    plan_totals,
)

# ------------------------------------------------------------------------------- cards in a plan


@dataclass(frozen=True, slots=True)
class Share:
    """Some of a card's work: one developer on one day, for one or two half days."""

    developer: str
    day: date
    half_days: int


@dataclass(frozen=True, slots=True)
class PlannedCard:
    """A work item and who works on it when: what publishing and confirmations are made of."""

    item: WorkItem
    shares: tuple[Share, ...]  # in the plan's developer order, then by day

    @property
    def half_days(self) -> int:
        return sum(s.half_days for s in self.shares)

    @property
    def developers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.developer for s in self.shares))

    @property
    def first_day(self) -> date:
        return min(s.day for s in self.shares)

    @property
    def last_day(self) -> date:
        """The last planned day: the card's due date when the plan is published."""
        return max(s.day for s in self.shares)


def planned_cards(plan: Plan, items: Iterable[WorkItem] = (), customer: str | None = None) -> tuple[PlannedCard, ...]:
    """Every card with work planned (optionally one customer's), by first day, then developer order.

    ``items`` is the current pool: where a card is in it, its fresher title and url are used.
    """
    plan = plan.refresh_items(items)
    rank = {d: i for i, d in enumerate(plan.developers)}
    shares: dict[str, list[Share]] = {}
    for (dev, day), slots in plan.cells.items():
        for card_id in dict.fromkeys(s for s in slots if isinstance(s, str)):
            shares.setdefault(card_id, []).append(Share(dev, day, slots.count(card_id)))
    cards = [PlannedCard(plan.items[card_id], tuple(sorted(s, key=lambda x: (rank[x.developer], x.day))))
             for card_id, s in shares.items()
             if customer is None or plan.items[card_id].customer == customer]
    return tuple(sorted(cards, key=lambda c: (c.first_day, rank[c.shares[0].developer], c.item.title,
                                              c.item.card_id)))


def _day_runs(shares: Iterable[Share]) -> str:
    """``Mon–Tue, Thu (half day)``: runs of whole days joined, half days named on their own."""
    parts: list[str] = []
    run: list[date] = []

    def flush() -> None:
        if run:
            name = DAY_NAMES[run[0].weekday()]
            parts.append(name if len(run) == 1 else f"{name}–{DAY_NAMES[run[-1].weekday()]}")
            run.clear()

    for share in sorted(shares, key=lambda s: s.day):
        if share.half_days == 1:
            flush()
            parts.append(f"{DAY_NAMES[share.day.weekday()]} (half day)")
        elif run and share.day - run[-1] == timedelta(days=1):
            run.append(share.day)
        else:
            flush()
            run.append(share.day)
    flush()
    return ", ".join(parts)


def describe_when(card: PlannedCard) -> str:
    """``ana, Mon–Tue; ben, Wed (half day)``: who works on a card on which days.

    People with the very same days on it pair on it and are named together, so the customer and the
    card's comment see a pair, not two people each doing the work: ``ana + ben (pair), Mon–Tue``.
    """
    together: dict[str, list[str]] = {}
    for dev in card.developers:
        together.setdefault(_day_runs(s for s in card.shares if s.developer == dev), []).append(dev)
    return "; ".join(f"{devs[0]}, {runs}" if len(devs) == 1 else f"{' + '.join(devs)} (pair), {runs}"
                     for runs, devs in together.items())


def _plain(text: str) -> str:
    return " ".join(text.split())


def _days_words(half_days: int) -> str:
    if half_days == 1:
        return "half a day"
    return "1 day" if half_days == 2 else f"{half_days / 2:g} days"


# --------------------------------------------------------------------------------- confirmations
def confirmation_lines(plan: Plan, items: Iterable[WorkItem], customer: str) -> list[str]:
    """The heart of a confirmation: the week's line, then one bullet per card."""
    cards = planned_cards(plan, items, customer)
    if not cards:
        return [f"This week ({plan.week}) we have no work planned for {customer}."]
    return [f"This week ({plan.week}) we will work on:", "",
            *(f"- {_plain(c.item.title)} — {describe_when(c)}" for c in cards), "",
            f"That is {_days_words(sum(c.half_days for c in cards))} in all."]


def confirmation_text(plan: Plan, items: Iterable[WorkItem], customer: Customer | str, *,
                      signature: str = "The support team") -> str:
    """The message a customer receives: plain text, friendly, the cards with who and which days."""
    name = customer if isinstance(customer, str) else customer.name
    lines = [
        "Hello,", "",
        f"Here is the support plan for {name} for the week of {plan.week.span_text()}.", "",
        *confirmation_lines(plan, items, name), "",
        "If your priorities have changed, just reply to this message and we will adjust the plan.", "",
        "Best regards,", signature,
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\|*_\[\]<>`])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _plain(text))


def _slot_name(plan: Plan, slot: Slot) -> str:
    if slot is TRIAGE or not isinstance(slot, str):
        return "Triage"
    item = plan.items[slot]
    return f"{item.customer}: {item.title}"


def _cell_md(plan: Plan, developer: str, day: date) -> str:
    slots = plan.cell(developer, day)
    if not slots:
        return "holiday" if plan.is_holiday(day) else "—"
    if len(slots) == 2 and slots[0] == slots[1]:
        return _md(_slot_name(plan, slots[0]))
    return " + ".join(f"½ {_md(_slot_name(plan, s))}" for s in slots)


def export_markdown(plan: Plan, items: Iterable[WorkItem] = (), customers: Iterable[Customer] = ()) -> str:
    """The week's plan (per developer per day), the totals both ways, and each customer's confirmation."""
    pool = tuple(items)
    plan = plan.refresh_items(pool)
    configured = tuple(customers)
    totals = plan_totals(plan, configured, pool)
    pair = f"{_md(plan.triage_pair[0])} (lead) and {_md(plan.triage_pair[1])}" if plan.triage_pair \
        else "not chosen yet"
    out = [f"# Support plan {plan.week}", "", f"{plan.week.span_text()} · Triage: {pair}"]
    if plan.holidays:
        out[-1] += " · Holidays: " + ", ".join(day_label(d) for d in sorted(plan.holidays))
    heads = [day_label(d) + (" (holiday)" if plan.is_holiday(d) else "") for d in plan.days]
    out += ["", "## By developer", "",
            "| Developer | " + " | ".join(heads) + " | Planned | Available | Utilisation | Status |",
            "|---|" + "---|" * len(heads) + "---:|---:|---:|---|"]
    for dev in totals.developers:
        cells = " | ".join(_cell_md(plan, dev.developer, d) for d in plan.days)
        out.append(f"| {_md(dev.developer)} | {cells} | {format_half_days(dev.allocated)} | "
                   f"{format_half_days(dev.available)} | {dev.utilisation_text} | {dev.standing.text} |")
    out.append("| **Total** |" + " |" * len(heads) + f" {format_half_days(totals.allocated)} | "
               f"{format_half_days(totals.available)} | | |")
    out += ["", "## By customer", "", "| Customer | Planned | Commitment | Status |", "|---|---:|---:|---|"]
    for c in totals.customers:
        commitment = format_days(c.commitment_days) if c.commitment_days is not None else "—"
        out.append(f"| {_md(c.customer)} | {format_half_days(c.planned)} | {commitment} | {c.standing.text} |")
    out += [f"| Triage | {format_half_days(totals.triage)} | | |",
            f"| **Total** | {format_half_days(totals.planned)} | | |"]
    if totals.items:
        out += ["", "## Work items", "", "| Customer | Card | Estimate | Planned | Status |", "|---|---|---:|---:|---|"]
        for i in totals.items:
            title = f"[{_md(i.item.title)}]({i.item.url})" if i.item.url else _md(i.item.title)
            estimate = format_half_days(i.estimate) if i.estimate is not None else "—"
            out.append(f"| {_md(i.item.customer)} | {title} | {estimate} | {format_half_days(i.counted)} | "
                       f"{i.standing.text} |")
    with_work = {c.customer for c in totals.customers if c.planned}
    names = [c.customer for c in totals.customers if c.customer in with_work]
    out += ["", "## Confirmations"]
    for name in names:
        out += ["", f"### {_md(name)}", "", *(_md_line(line) for line in confirmation_lines(plan, (), name))]
    if not names:
        out += ["", "No customer work is planned this week."]
    return "\n".join(out) + "\n"


def _md_line(line: str) -> str:
    return f"- {_md(line[2:])}" if line.startswith("- ") else line


# --------------------------------------------------------------------------------------------- CSV
CSV_COLUMNS = ("week", "date", "day", "developer", "half", "kind", "customer", "card_id", "source_card_id",
               "title", "url")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Defuse spreadsheet formulas in text that came from customers' boards (OWASP CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def export_csv(plan: Plan, items: Iterable[WorkItem] = ()) -> str:
    """One row per developer, day and half day (10 a developer), so a spreadsheet can count halves.

    ``kind`` is ``work``, ``triage``, ``free`` or ``holiday`` (a free half day on a public holiday).
    """
    plan = plan.refresh_items(items)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for dev in plan.developers:
        for day in plan.days:
            slots = plan.cell(dev, day)
            for half in range(2):
                slot = slots[half] if half < len(slots) else None
                row = [str(plan.week), day.isoformat(), DAY_NAMES[day.weekday()], dev, str(half + 1)]
                if isinstance(slot, str):
                    item = plan.items[slot]
                    row += ["work", item.customer, item.card_id, item.source_card_id or "", _plain(item.title),
                            item.url]
                else:
                    kind = "triage" if slot is TRIAGE else "holiday" if plan.is_holiday(day) else "free"
                    row += [kind, "", "", "", "", ""]
                writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


PLAN_FORMAT_VERSION = 1


class PlanFormatError(ValueError):
    """A stored plan that can't be read: wrong shape, bad values, or a newer format version."""


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-safe data for the store; stable key and list order, versioned."""
    return {
        "version": PLAN_FORMAT_VERSION,
        "week": str(plan.week),
        "developers": list(plan.developers),
        "holidays": sorted(d.isoformat() for d in plan.holidays),
        "available": dict(plan.available),
        "cells": [{"developer": dev, "date": day.isoformat(),
                   "slots": [{"kind": "triage"} if s is TRIAGE else {"kind": "card", "card_id": s} for s in slots]}
                  for (dev, day), slots in plan.cells.items()],
        "items": [{"card_id": i.card_id, "customer": i.customer, "title": i.title,
                   "estimate_half_days": i.estimate_half_days, "source_card_id": i.source_card_id, "url": i.url}
                  for i in plan.items.values()],
        "estimates": dict(plan.estimates),
        "triage_pair": list(plan.triage_pair) if plan.triage_pair else None,
    }


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Read what :func:`plan_to_dict` wrote; anything else raises :class:`PlanFormatError`."""
    try:
        version = data["version"]
        if not isinstance(version, int) or version < 1:
            raise PlanFormatError(f"plan has no valid format version: {version!r}")
        if version > PLAN_FORMAT_VERSION:
            raise PlanFormatError(f"plan format version {version} is newer than this app reads "
                                  f"({PLAN_FORMAT_VERSION}); update supportdesk")
        items = {as_str(i["card_id"]): WorkItem(
            card_id=as_str(i["card_id"]), customer=as_str(i["customer"]), title=as_str(i["title"]),
            estimate_half_days=as_opt_int(i["estimate_half_days"]),
            source_card_id=None if i["source_card_id"] is None else as_str(i["source_card_id"]), url=as_str(i["url"]))
            for i in as_list(data["items"])}
        cells: dict[tuple[str, date], tuple[Slot, ...]] = {}
        for c in as_list(data["cells"]):
            key = (as_str(c["developer"]), date.fromisoformat(as_str(c["date"])))
            if key in cells:
                raise PlanFormatError(f"stored plan has the cell {key[0]!r}, {key[1]} twice")
            cells[key] = tuple(_slot(s) for s in as_list(c["slots"]))
        pair = data["triage_pair"]
        if pair is not None and len(as_list(pair)) != 2:
            raise PlanFormatError(f"stored plan's triage_pair is not two names: {pair!r}")
        return Plan(week=IsoWeek.parse(as_str(data["week"])),
                    developers=tuple(as_str(d) for d in as_list(data["developers"])),
                    holidays=frozenset(date.fromisoformat(as_str(h)) for h in as_list(data["holidays"])),
                    available={as_str(k): as_int(v) for k, v in data["available"].items()}, cells=cells, items=items,
                    estimates={as_str(k): as_int(v) for k, v in data["estimates"].items()},
                    triage_pair=(as_str(pair[0]), as_str(pair[1])) if pair is not None else None)
    except PlanFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise PlanFormatError(f"stored plan is not readable: {exc!r}") from exc


def _slot(value: Any) -> Slot:
    kind = value["kind"]
    if kind == "triage":
        return TRIAGE
    if kind == "card":
        return as_str(value["card_id"])
    raise PlanFormatError(f"stored plan has a slot of unknown kind {kind!r}")
