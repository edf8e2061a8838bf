"""The week's plan of record as it lives on a Trello card: a summary people read, then a block the app reads.

The team shares one place already, Trello, so the plan made on Monday's shared screen is kept on the
Support Epics board as one card per ISO week (``Support plan 2026-W49``). Its description starts with a
summary a person can use without this app (who works on what each day, triage, the pair, each customer's
planned days against the commitment) and ends with a fenced ``supportdesk-plan`` block holding the plan as
compact, versioned JSON with a revision number and who saved it when. Only that block is read back; the
summary is rewritten from it on every save, so editing the summary by hand changes nothing.

A Trello card description holds at most 16,384 characters. Twenty developers with a busy week fit with
room to spare (measured by a test); when a plan would not fit even with the short summary, rendering
refuses with a sentence that says so rather than cutting anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.json_shapes import as_dict, as_int, as_list, as_opt_int, as_str
from supportdesk_tui.domain.planning import (
    DAY_NAMES,
    TRIAGE,
    IsoWeek,
    Plan,
    Slot,
    Triage,
    WorkItem,
    format_days,
    format_half_days,
    plan_totals,
)

DESCRIPTION_LIMIT = 16_384
"""Trello's limit on a card description, in characters."""
RECORD_VERSION = 1
FENCE_TAG = "supportdesk-plan"
CARD_PREFIX = "Support plan "
TRELLO_CARD_URL = "https://trello.com/c/"
LINEAGE = 20
"""How many earlier versions' tags a record keeps (enough to tell a merge base through a busy morning)."""
TITLE_LIMIT = 100
"""Item titles are kept to this many characters in the record (the card itself has the full name)."""

_CARD_NAME_RE = re.compile(r"^\s*support\s+plan\s+(\d{4})-?w(\d{1,2})\s*$", re.IGNORECASE)
_FENCE_RE = re.compile(r"```[ \t]*" + re.escape(FENCE_TAG) + r"[ \t]*\n(.*?)\n?```", re.DOTALL)


class PlanRecordError(ValueError):
    """A plan card that cannot be read; the text says what is wrong in words (no card name: the caller adds it)."""


class PlanTooLarge(ValueError):
    """The plan does not fit in a card description even with the short summary."""


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """One saved version of a week's plan: the plan, its revision, who saved it and when."""

    plan: Plan
    revision: int
    saved_by: str
    saved_at: datetime
    tag: str = ""
    """A short random name of this version, so two saves of the same revision can be told apart."""
    lineage: tuple[str, ...] = ()
    """The tags of the versions this one was written over, oldest first (the last few only)."""


# ----------------------------------------------------------------------------------------- the card name
def card_name(week: IsoWeek) -> str:
    return f"{CARD_PREFIX}{week}"


def week_of_card(name: str) -> IsoWeek | None:
    """The week a plan card is for, from its name (``Support plan 2026-W49``); None for any other card."""
    match = _CARD_NAME_RE.match(name)
    if not match:
        return None
    try:
        return IsoWeek(int(match[1]), int(match[2]))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------- the JSON block
def encode(record: PlanRecord) -> str:
    """The record as one line of compact JSON: items by index, cells as five lists of slots per person."""
    plan = record.plan
    items = list(plan.items.values())
    index = {item.card_id: i for i, item in enumerate(items)}
    customers = list(dict.fromkeys(i.customer for i in items))  # each name once; items refer to it by place
    days = plan.days
    cells: dict[str, list[list[int | str]]] = {}
    for (dev, day), slots in plan.cells.items():
        row = cells.setdefault(dev, [[] for _ in days])
        row[days.index(day)] = ["T" if isinstance(s, Triage) else index[s] for s in slots]
    data: dict[str, Any] = {
        "v": RECORD_VERSION, "week": str(plan.week), "rev": record.revision, "by": record.saved_by,
        "at": record.saved_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "devs": list(plan.developers), "hol": sorted(d.isoformat() for d in plan.holidays),
        "avail": dict(plan.available),
        "cust": customers,
        "items": [[i.card_id, customers.index(i.customer), i.title[:TITLE_LIMIT], i.estimate_half_days,
                   i.source_card_id, _short_url(i.url)] for i in items],
        "cells": cells, "est": dict(plan.estimates),
        "pair": list(plan.triage_pair) if plan.triage_pair else None,
    }
    if record.tag:
        data["tag"] = record.tag
        data["lin"] = list(record.lineage[-LINEAGE:])
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> PlanRecord:
    """Read :func:`encode`'s JSON; anything else is a :class:`PlanRecordError` saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanRecordError(f"its plan block is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise PlanRecordError("its plan block is not a JSON object")
    version = data.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PlanRecordError("its plan block has no format version")
    if version > RECORD_VERSION:
        raise PlanRecordError(f"its plan block is format {version}, newer than this app reads ({RECORD_VERSION}); "
                              "update supportdesk")
    try:
        week = IsoWeek.parse(as_str(data["week"]))
        days = week.days()
        items: dict[str, WorkItem] = {}
        order: list[str] = []
        names = [as_str(n) for n in as_list(data["cust"])]
        for raw in as_list(data["items"]):
            card_id, customer, title, estimate, source, url = as_list(raw)
            if not 0 <= as_int(customer) < len(names):
                raise PlanRecordError(f"its plan block names customer {customer}, which is not in its list")
            item = WorkItem(card_id=as_str(card_id), customer=names[customer], title=as_str(title),
                            estimate_half_days=as_opt_int(estimate),
                            source_card_id=None if source is None else as_str(source), url=_long_url(as_str(url)))
            items[item.card_id] = item
            order.append(item.card_id)
        cells: dict[tuple[str, date], tuple[Slot, ...]] = {}
        for dev, row in as_dict(data["cells"]).items():
            if len(as_list(row)) != len(days):
                raise PlanRecordError(f"its plan block gives {dev} {len(row)} days instead of {len(days)}")
            for day, slots in zip(days, row, strict=True):
                parsed = tuple(_slot(s, order) for s in as_list(slots))
                if parsed:
                    cells[(as_str(dev), day)] = parsed
        pair = data["pair"]
        if pair is not None and len(as_list(pair)) != 2:
            raise PlanRecordError("its plan block's triage pair is not two names")
        plan = Plan(week=week, developers=tuple(as_str(d) for d in as_list(data["devs"])),
                    holidays=frozenset(date.fromisoformat(as_str(h)) for h in as_list(data["hol"])),
                    available={as_str(k): as_int(v) for k, v in as_dict(data["avail"]).items()},
                    cells=cells, items=items,
                    estimates={as_str(k): as_int(v) for k, v in as_dict(data["est"]).items()},
                    triage_pair=(as_str(pair[0]), as_str(pair[1])) if pair is not None else None)
        saved_at = datetime.fromisoformat(as_str(data["at"]).replace("Z", "+00:00"))
        if saved_at.tzinfo is None:
            raise PlanRecordError("its plan block's save time has no time zone")
        revision = as_int(data["rev"])
        tag = as_str(data.get("tag", ""))
        lineage = tuple(as_str(t) for t in as_list(data.get("lin", [])))
        return PlanRecord(plan=plan, revision=revision, saved_by=as_str(data["by"]), saved_at=saved_at, tag=tag,
                          lineage=lineage)
    except PlanRecordError:
        raise
    except KeyError as exc:
        raise PlanRecordError(f"its plan block lacks the field {exc.args[0]!r}") from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise PlanRecordError(f"its plan block has a bad value: {exc}") from None


# ---------------------------------------------------------------------------------------- the description
def render_description(record: PlanRecord, customers: Iterable[Customer] = ()) -> str:
    """The card's description: the full summary if it fits, else a short one; :class:`PlanTooLarge` past both."""
    block = f"```{FENCE_TAG}\n{encode(record)}\n```"
    customers = tuple(customers)
    for short in (False, True):
        text = f"{summary(record, customers, short=short)}\n\n{block}\n"
        if len(text) <= DESCRIPTION_LIMIT:
            return text
    raise PlanTooLarge(f"The plan for {record.plan.week} needs {len(text):,} characters, more than the "
                       f"{DESCRIPTION_LIMIT:,} a Trello card description holds, so it was kept on this machine only; "
                       "plan fewer distinct cards or shorter card names.")


def parse_description(description: str) -> PlanRecord:
    """The record in a card's description (the last ``supportdesk-plan`` block); :class:`PlanRecordError` if none."""
    # Lenient about line endings and trailing spaces: that Trello returns the text byte for byte is not
    # documented, and a person editing the card may add either.
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _FENCE_RE.findall(text)
    if not blocks:
        raise PlanRecordError(f"its description has no ```{FENCE_TAG} block")
    return decode(blocks[-1].strip())


def summary(record: PlanRecord, customers: Sequence[Customer] = (), *, short: bool = False) -> str:
    """What a person reads on the card: who works on what each day, the pair, each customer's days."""
    plan = record.plan
    lines = [f"**Support plan {plan.week}** ({plan.week.span_text()})", ""]
    pair = plan.triage_pair
    lines.append(f"Triage pair: {pair[0]} (lead) + {pair[1]}" if pair else "Triage pair: not chosen yet")
    lines.append("")
    for dev in plan.developers:
        if lines[-1]:
            lines.append("")
        planned = plan.allocated(dev)
        head = f"**{dev}**: {format_half_days(plan.available[dev])} available"
        if not planned:
            lines.append(f"{head}, nothing planned")
            continue
        lines.append(f"{head}, {format_half_days(planned)} planned")
        days_of: dict[Slot, list[str]] = {}
        for day in plan.days:
            slots = plan.cell(dev, day)
            for slot in dict.fromkeys(slots):
                name = DAY_NAMES[day.weekday()]
                days_of.setdefault(slot, []).append(name if slots.count(slot) == 2 else f"{name} ½")
        lines.extend(f"- {_slot_words(plan, slot, short=short)}: {', '.join(days)}" for slot, days in days_of.items())
    totals = plan_totals(plan, customers, plan.items.values())
    if totals.customers:
        lines += ["", "**Customers**"]
        for total in totals.customers:
            agreed = (f" of {format_days(total.commitment_days)} agreed" if total.commitment_days is not None
                      else " (no commitment set)")
            lines.append(f"- {total.customer}: {format_half_days(total.planned)} planned{agreed}")
    saved = record.saved_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines += ["", f"_Saved by {record.saved_by} on {saved} (revision {record.revision}). Change the plan in "
                  "supportdesk: the block below is what the app reads, and this summary is rewritten from it._"]
    return "\n".join(lines)


def _slot_words(plan: Plan, slot: Slot, *, short: bool) -> str:
    if slot is TRIAGE:
        return "Triage"
    item = plan.items[slot]
    title = " ".join(item.title.split())  # one line each: a line break in a card name would end the list item
    title = title if not short or len(title) <= 30 else title[:29] + "…"
    return f"{item.customer}: {title}"


# ------------------------------------------------------------------------------------------------ helpers
def _short_url(url: str) -> str:
    return url.removeprefix(TRELLO_CARD_URL) if url.startswith(TRELLO_CARD_URL) else url


def _long_url(text: str) -> str:
    return text if not text or "/" in text else TRELLO_CARD_URL + text


def _slot(value: Any, order: Sequence[str]) -> Slot:
    if value == "T":
        return TRIAGE
    index = as_int(value)
    if not 0 <= index < len(order):
        raise PlanRecordError(f"its plan block names item {index}, which is not in its list of items")
    return order[index]
