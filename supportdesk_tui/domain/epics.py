"""Up next -> Support Epics: which copies are missing, doubled, orphaned or due to move to Done.

Every card in a customer's Up next list should have exactly one copy on the Support Epics board.
A copy is paired with its source by one line in its description, ``Source: https://trello.com/c/<shortLink>``
(:func:`source_marker`): names get edited and ids differ between boards, but the source's shortLink never
changes, and people can read (and fix) the line in Trello. Everything here is pure: the service loads
the boards, these functions say what to do, and the journal does it.

Also here, because the screen and the service both need them and they are plain text rules: the Groove
ticket link a card carries (:func:`linked_ticket`) and the "done" reply filled from its template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from supportdesk_tui.domain.boards import Board, Card, list_key
from supportdesk_tui.domain.cadence import matches_week_pattern

SOURCE_PREFIX = "Source: https://trello.com/c/"
# Read leniently (people retype the line: extra spaces, http), written exactly (source_marker).
_MARKER = re.compile(r"Source:\s*https?://trello\.com/c/([A-Za-z0-9]+)")
_SHORT = re.compile(r"^https://trello\.com/c/([A-Za-z0-9]+)(?:/|$)")


def source_marker(short_link: str) -> str:
    """The link-back line a Support Epics copy carries in its description (the pairing key)."""
    return f"{SOURCE_PREFIX}{short_link}"


def short_link(card: Card) -> str | None:
    """The card's shortLink, read from ``shortUrl`` (or ``url``: ``https://trello.com/c/<link>/<n>-name``)."""
    for url in (card.short_url, card.url):
        match = _SHORT.match(url or "")
        if match:
            return match.group(1)
    return None


def marker_of(card: Card) -> str | None:
    """The source shortLink a copy points back to (the last marker line wins, as people append)."""
    found = _MARKER.findall(card.desc or "")
    return found[-1] if found else None


def copy_name(customer: str, source: Card) -> str:
    return f"{customer}: {source.name}"


def copy_desc(source: Card, link: str) -> str:
    """The source's description followed by the marker line (what the demo seed writes, too)."""
    return f"{source.desc}\n\n{source_marker(link)}".lstrip()


def linked_ticket(text: str, subdomain: str) -> int | None:
    """The Groove ticket a card links (``https://<subdomain>.groovehq.com/t/<n>``), the first one if several.

    Only the configured account counts: a link to another Groove account's ticket is not ours to answer.
    """
    if not subdomain:
        return None
    match = re.search(rf"https?://{re.escape(subdomain)}\.groovehq\.com/t/(\d+)\b", text or "")
    return int(match.group(1)) if match else None


def fill_template(template: str, card_name: str) -> str:
    """``{card}`` replaced by the card's name; any other braces are left alone (no ``str.format`` surprises)."""
    return template.replace("{card}", card_name)


def same_text(a: str, b: str) -> bool:
    """Equal once whitespace is collapsed: Groove turns paragraphs into HTML and back."""
    return " ".join(a.split()) == " ".join(b.split())


# --------------------------------------------------------------------------- reconciliation


@dataclass(frozen=True, slots=True)
class SyncLists:
    """List names that drive the sync (from ``[trello] lists``); the epics board uses ``up_next`` and ``done``."""

    up_next: str = "Up next"
    completed: str = "Recently Completed"
    done: str = "Done"
    epics_target: str = "Up next"
    epics_done: str = "Done"
    done_pattern: str = ""  # ``lists.done`` when it is a week pattern: every week's Done list counts as done

    def is_done(self, name: str) -> bool:
        """Whether a list is a Done list: this week's, or (with a week pattern) any week's."""
        if list_key(name) == list_key(self.done):
            return True
        return bool(self.done_pattern) and matches_week_pattern(self.done_pattern, name)


@dataclass(frozen=True, slots=True)
class SourceBoard:
    customer: str
    board: Board


class IssueKind(StrEnum):
    MISSING = "missing"
    DUPLICATE = "duplicate"
    ORPHAN = "orphan"
    TO_DONE = "to_done"
    LEFT_UP_NEXT = "left_up_next"
    """The source went back from Up next to another list (New Issues, say): its copy should go."""


GLYPHS: Mapping[IssueKind, str] = {IssueKind.MISSING: "✚", IssueKind.DUPLICATE: "⧉", IssueKind.ORPHAN: "?",
                                   IssueKind.TO_DONE: "→", IssueKind.LEFT_UP_NEXT: "←"}


@dataclass(frozen=True, slots=True)
class EpicsIssue:
    """One thing out of sync, with what a repair needs.

    ``copy`` is the copy concerned: for a duplicate the one to keep (``extras`` are archived), for a
    missing copy one found in the epics Done list while its source is back in Up next (it is moved back).
    """

    kind: IssueKind
    link: str
    customer: str = ""
    source: Card | None = None
    copy: Card | None = None
    extras: tuple[Card, ...] = ()
    source_list: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.link}:{self.copy.id if self.copy else ''}"

    def describe(self) -> str:
        who = f"{self.customer}: " if self.customer else ""
        if self.kind is IssueKind.MISSING:
            assert self.source is not None
            where = " (its copy sits in Done)" if self.copy is not None else ""
            return f"missing copy of {who}{self.source.name}{where}"
        if self.kind is IssueKind.DUPLICATE:
            assert self.copy is not None
            return f"{len(self.extras) + 1} copies of {who}{_source_name(self)}"
        if self.kind is IssueKind.ORPHAN:
            assert self.copy is not None
            return f"orphan copy {self.copy.name} (its source card is archived or gone)"
        if self.kind is IssueKind.LEFT_UP_NEXT:
            return f"{who}{_source_name(self)} left Up next for {self.source_list}: archive its copy"
        assert self.copy is not None
        return f"{who}{_source_name(self)} is in {self.source_list}: move its copy to Done"


def _source_name(issue: EpicsIssue) -> str:
    if issue.source is not None:
        return issue.source.name
    return issue.copy.name if issue.copy is not None else issue.link


@dataclass(frozen=True, slots=True)
class EpicsStatus:
    missing: tuple[EpicsIssue, ...] = ()
    duplicates: tuple[EpicsIssue, ...] = ()
    orphans: tuple[EpicsIssue, ...] = ()
    to_done: tuple[EpicsIssue, ...] = ()
    in_sync: int = 0
    complete: bool = True
    """False when some customer boards were not loaded: orphans are then not reported (unknowable)."""

    left_up_next: tuple[EpicsIssue, ...] = ()
    """Copies whose source went back from Up next to an earlier list (the copy is archived on repair)."""

    @property
    def issues(self) -> tuple[EpicsIssue, ...]:
        return self.missing + self.duplicates + self.orphans + self.to_done + self.left_up_next

    @property
    def clean(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        parts = [f"{len(self.missing)} missing", f"{len(self.duplicates)} duplicated",
                 f"{len(self.orphans)} orphaned" if self.complete else "orphans unknown",
                 f"{len(self.to_done)} to move to Done"]
        if self.left_up_next:
            parts.append(f"{len(self.left_up_next)} left Up next")
        return f"{self.in_sync} in sync · " + ", ".join(parts)


def copies_by_link(epics: Board) -> dict[str, list[Card]]:
    """Open copies on the epics board grouped by the source shortLink in their marker."""
    grouped: dict[str, list[Card]] = {}
    for card in epics.cards:
        link = marker_of(card)
        if link is not None and not card.closed:
            grouped.setdefault(link, []).append(card)
    return grouped


def choose_keeper(copies: Sequence[Card], done_list_id: str | None, want_done: bool | None) -> Card:
    """The copy to keep among several: one already where it belongs, then the lowest id.

    Every copy of the app (and a second instance racing this one) picks the same card from the same
    set, so concurrent repairs converge on one copy instead of archiving each other's.
    """
    if not copies:
        raise ValueError("choose_keeper needs at least one copy")

    def rank(card: Card) -> tuple[int, str]:
        in_done = done_list_id is not None and card.list_id == done_list_id
        fits = want_done is None or in_done == want_done
        return (0 if fits else 1, card.id)

    return min(copies, key=rank)


def reconcile(sources: Iterable[SourceBoard], epics: Board, lists: SyncLists = SyncLists(), *,
              complete: bool = True) -> EpicsStatus:
    """Compare the customer boards with the epics board; see :class:`EpicsStatus` for the categories.

    A source counts by where it is now: in Up next it needs a copy outside the epics Done list; in
    Recently Completed or Done its copy belongs in the epics Done list. A copy already in the epics
    Done list is never an orphan (the weekly Done clean-up archives its source; that is normal).
    """
    epics_done = epics.list_named(lists.epics_done)
    done_id = epics_done.id if epics_done else None
    done_ids = {lst.id for lst in epics.lists if list_key(lst.name) == list_key(lists.epics_done)
                or (lists.done_pattern and lists.is_done(lst.name))}  # past weeks' Done lists too
    grouped = copies_by_link(epics)
    place: dict[str, tuple[str, Card, str]] = {}  # link -> (customer, source, "up_next"/"completed"/...)
    list_names: dict[str, str] = {}  # list id -> name, on the customer boards
    wanted = {lists.up_next: "up_next", lists.completed: "completed", lists.done: "done"}
    for entry in sources:
        roles = {lst.id: _folded(wanted, lst.name) or ("done" if lists.done_pattern and lists.is_done(lst.name)
                                                       else "other") for lst in entry.board.lists}
        list_names.update((lst.id, lst.name) for lst in entry.board.lists)
        for card in entry.board.cards:
            link = short_link(card)
            if link is not None and not card.closed and card.list_id in roles:
                place[link] = (entry.customer, card, roles[card.list_id])
    missing: list[EpicsIssue] = []
    duplicates: list[EpicsIssue] = []
    orphans: list[EpicsIssue] = []
    to_done: list[EpicsIssue] = []
    left: list[EpicsIssue] = []
    in_sync = 0
    keepers: dict[str, Card] = {}
    for link, copies in grouped.items():
        found = place.get(link)
        role = found[2] if found else "other"
        want_done = None if role == "other" else role in ("completed", "done")
        keeper = choose_keeper(copies, done_id, want_done)
        keepers[link] = keeper
        if found is not None and role == "other":
            # Back from Up next to an earlier list: every live copy outside the epics Done list goes
            # (one issue for all of them; a copy already in Done is history and stays).
            live = sorted((c for c in copies if c.list_id != done_id), key=lambda c: c.id)
            if live:
                left.append(EpicsIssue(IssueKind.LEFT_UP_NEXT, link, found[0], found[1], live[0], tuple(live[1:]),
                                       source_list=list_names.get(found[1].list_id, "another list")))
            continue
        if len(copies) > 1:
            extras = tuple(sorted((c for c in copies if c.id != keeper.id), key=lambda c: c.id))
            duplicates.append(EpicsIssue(IssueKind.DUPLICATE, link, found[0] if found else "",
                                         found[1] if found else None, keeper, extras))
        if found is None and complete and keeper.list_id != done_id and keeper.list_id not in done_ids:
            orphans.append(EpicsIssue(IssueKind.ORPHAN, link, copy=keeper))
    for link, (customer, source, role) in place.items():
        kept = keepers.get(link)
        if role == "up_next":
            if kept is None or kept.list_id == done_id or kept.list_id in done_ids:
                missing.append(EpicsIssue(IssueKind.MISSING, link, customer, source, kept))
            elif len(grouped[link]) == 1:
                in_sync += 1
        elif role in ("completed", "done") and kept is not None and (done_id is not None or lists.done_pattern) \
                and kept.list_id != done_id and kept.list_id not in done_ids:
            source_list = lists.completed if role == "completed" else lists.done
            to_done.append(EpicsIssue(IssueKind.TO_DONE, link, customer, source, kept, source_list=source_list))
    return EpicsStatus(_sorted(missing), _sorted(duplicates), _sorted(orphans), _sorted(to_done), in_sync, complete,
                       _sorted(left))


def _folded(wanted: Mapping[str, str], name: str) -> str | None:
    folded = list_key(name)
    return next((role for key, role in wanted.items() if list_key(key) == folded), None)


def _sorted(issues: list[EpicsIssue]) -> tuple[EpicsIssue, ...]:
    def key(issue: EpicsIssue) -> tuple[str, float, str]:
        card = issue.source or issue.copy
        return (issue.customer, card.pos if card else 0.0, issue.link)

    return tuple(sorted(issues, key=key))


# --------------------------------------------------------------------------- transitions between two loads


class Move(StrEnum):
    ENTERED_UP_NEXT = "entered_up_next"
    FINISHED = "finished"  # left Up next for Recently Completed or Done


@dataclass(frozen=True, slots=True)
class Transition:
    move: Move
    card: Card
    link: str


def transitions(before: Board, after: Board, lists: SyncLists = SyncLists()) -> tuple[Transition, ...]:
    """What happened to Up next between two loads of one customer board (the automatic part of the sync).

    A card that entered Up next (moved in, or created there) needs a copy; one that left Up next for
    Recently Completed or Done has its copy moved to the epics Done list. Cards that were already in
    place at the first load are left to the sync panel, so opening the app never writes by itself.
    """
    up_next, finished = _list_ids(after, lists.up_next), _list_ids(after, lists.completed, lists.done)
    finished |= {lst.id for lst in after.lists if lists.done_pattern and lists.is_done(lst.name)}
    was_up_next = _list_ids(before, lists.up_next)
    old = {c.id: c for c in before.cards}
    found: list[Transition] = []
    for card in after.cards:
        link = short_link(card)
        prior = old.get(card.id)
        if link is None or card.closed:
            continue
        if card.list_id in up_next and (prior is None or prior.list_id not in was_up_next):
            found.append(Transition(Move.ENTERED_UP_NEXT, card, link))
        elif card.list_id in finished and prior is not None and prior.list_id in was_up_next:
            found.append(Transition(Move.FINISHED, card, link))
    return tuple(found)


def _list_ids(board: Board, *names: str) -> set[str]:
    return {lst.id for name in names if (lst := board.list_named(name)) is not None}
