"""Reading the list of plan cards: which card holds which week's plan, and what is wrong with the rest.

The Support plans list holds one card per ISO week (``Support plan 2026-W49``). People can do anything
to it in Trello: edit a block by hand, add a second card for a week, archive a card or move it to
another list. This module sorts one answer of ``GET /lists/{id}/cards?filter=all`` into a
:class:`WeekCard` per week, each either readable or with a :class:`Trouble` and a sentence naming the
card by its link. Nothing here decides what to do about it: the person chooses (repair or take theirs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from supportdesk_tui.domain.boards import Card
from supportdesk_tui.domain.plan_record import PlanRecord, PlanRecordError, parse_description, week_of_card
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.domain.rota import TriagePair


class Trouble(Enum):
    """What is wrong with a week's plan card; the local copy stays until the person chooses."""

    UNREADABLE = "unreadable"
    DUPLICATE = "duplicate"
    ARCHIVED = "archived"
    MOVED = "moved"


@dataclass(frozen=True, slots=True)
class WeekCard:
    """A week's plan card as found in the list: its record when readable, else what is wrong."""

    week: IsoWeek
    card: Card
    record: PlanRecord | None
    trouble: Trouble | None = None
    message: str = ""
    others: tuple[Card, ...] = ()  # further open cards for the same week (a duplicate)

    @property
    def ok(self) -> bool:
        return self.trouble is None and self.record is not None


def link(card: Card) -> str:
    return card.short_url or card.url or card.id


def read_card(week: IsoWeek, card: Card) -> WeekCard:
    """One card's record, or why it cannot be read (archived cards are never read as the plan)."""
    if card.closed:
        return WeekCard(week, card, None, Trouble.ARCHIVED,
                        f"The plan card for {week} ({link(card)}) is archived in Trello")
    try:
        record = parse_description(card.desc)
    except PlanRecordError as exc:
        return WeekCard(week, card, None, Trouble.UNREADABLE, f"The plan card for {week} ({link(card)}) cannot be "
                                                              f"read: {exc}")
    if record.plan.week != week:
        return WeekCard(week, card, None, Trouble.UNREADABLE,
                        f"The plan card for {week} ({link(card)}) holds the plan of {record.plan.week}")
    return WeekCard(week, card, record)


def scan_plan_cards(cards: Iterable[Card], known: Mapping[IsoWeek, str] | None = None) -> dict[IsoWeek, WeekCard]:
    """Each week's card among a list's cards (archived included), by the card name's week.

    For a week with several open cards the one this machine already knows (``known``: week -> card id)
    is the card of record, else the oldest (Trello ids start with the creation second); the others are
    listed and the week is a duplicate. An archived card counts only when no open card names the week.
    """
    known = known or {}
    by_week: dict[IsoWeek, list[Card]] = {}
    for card in cards:
        week = week_of_card(card.name)
        if week is not None:
            by_week.setdefault(week, []).append(card)
    found: dict[IsoWeek, WeekCard] = {}
    for week, group in by_week.items():
        open_cards = sorted((c for c in group if not c.closed), key=lambda c: (c.id != known.get(week), c.id))
        if not open_cards:
            archived = next((c for c in group if c.id == known.get(week)), group[0])
            found[week] = read_card(week, archived)
            continue
        main = read_card(week, open_cards[0])
        if len(open_cards) > 1:
            others = tuple(open_cards[1:])
            links = ", ".join(link(c) for c in others)
            found[week] = WeekCard(week, main.card, main.record, Trouble.DUPLICATE,
                                   f"There are {len(open_cards)} plan cards for {week}: {link(main.card)} and {links}; "
                                   "archive the wrong one in Trello", others)
        else:
            found[week] = main
    return found


def moved_out(week: IsoWeek, card: Card) -> WeekCard:
    """A card this machine wrote the week's plan to, now in another list (or on another board); archived
    there, it is called archived (what a person would look for first)."""
    if card.closed:
        return read_card(week, card)
    return WeekCard(week, card, read_card(week, card).record, Trouble.MOVED,
                    f"The plan card for {week} ({link(card)}) was moved out of the plans list")


def pairs_from_cards(weeks: Mapping[IsoWeek, WeekCard]) -> dict[IsoWeek, TriagePair]:
    """The triage pair each readable plan card names (the rota history every machine shares)."""
    out: dict[IsoWeek, TriagePair] = {}
    for week, found in weeks.items():
        if found.record is not None and found.record.plan.triage_pair is not None:
            out[week] = found.record.plan.triage_pair
    return out
