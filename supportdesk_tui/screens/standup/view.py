"""The Standup screen's rows as plain values (no widgets), so what it shows is tested without Pilot.

One heading per developer, then their cards today and on the previous working day (with what
happened to them since), their impediments; then the customers' commitments, triage, and what
could not be read. A row that is a planned card carries its plan item id and developer, which `enter`
(open the card) and `!` (flag or clear an impediment) act on. Blocked cards show the glyph and the
word, never colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from supportdesk_tui.domain.impediments import BLOCKED_GLYPH
from supportdesk_tui.domain.planning import day_label
from supportdesk_tui.domain.standup import Assignment, Standing, Standup


class RowKind(Enum):
    HEADING = "heading"
    CARD = "card"
    NOTE = "note"  # triage, impediments, commitments, unread: nothing to act on


@dataclass(frozen=True, slots=True)
class Row:
    kind: RowKind
    text: str
    item_id: str | None = None
    developer: str = ""
    blocked: bool = False
    warn: bool = False  # said in the warning style (at risk, over, could not read)
    when: str = ""  # a card's day: "today" or "previous"

    @property
    def key(self) -> str:
        """A stable option id: the same card of the same developer keeps the cursor across reloads."""
        return f"{self.kind.value}:{self.developer}:{self.when}:{self.item_id or self.text}"


def rows(standup: Standup) -> list[Row]:
    out: list[Row] = []
    previous = day_label(standup.previous)
    for dev in standup.developers:
        out.append(Row(RowKind.HEADING, dev.developer))
        if dev.nothing_today:
            out.append(Row(RowKind.NOTE, "  Today: nothing planned today", developer=dev.developer))
        out += [_card_row(a, "Today", dev.developer, "today") for a in dev.today]
        out += [_card_row(a, previous, dev.developer, "previous", with_progress=True) for a in dev.previous]
        out += [Row(RowKind.NOTE, f"  {BLOCKED_GLYPH} Impediment: {reason}", developer=dev.developer, warn=True)
                for reason in dev.impediments]
    out.append(Row(RowKind.HEADING, "Customers"))
    out += [Row(RowKind.NOTE, f"  {c.customer}: {c.words}", warn=c.standing in (Standing.AT_RISK, Standing.OVER))
            for c in standup.customers]
    t = standup.triage
    out.append(Row(RowKind.HEADING, f"Triage since {previous}"))
    out += [Row(RowKind.NOTE, f"  {line}") for line in t.lines()]
    if standup.unread:
        out.append(Row(RowKind.HEADING, "Could not read"))
        out += [Row(RowKind.NOTE, f"  {u}", warn=True) for u in standup.unread]
    return out


def _card_row(a: Assignment, label: str, developer: str, when: str, *, with_progress: bool = False) -> Row:
    parts = [a.amount]
    if a.pair_with:
        parts.append("pair with " + " + ".join(a.pair_with))
    blocked = f"{BLOCKED_GLYPH} BLOCKED " if a.blocked else ""
    text = f"  {label}: {blocked}{a.words} ({', '.join(parts)})"
    if with_progress and a.progress:
        text += f": {a.progress}"
    if a.card_id is None:
        return Row(RowKind.NOTE, text, developer=developer, when=when)
    return Row(RowKind.CARD, text, a.card_id, developer, bool(a.blocked), when=when)
