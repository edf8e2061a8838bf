"""Impediments as plain text rules: the ``Blocked`` label, the comments that say why, and how to read them back.

A developer flags an impediment at the stand-up (or on Boards) so everybody sees that a card threatens
the week's commitment. On Trello that is a red ``Blocked`` label on the customer's card and on its
Support Epics copy, with a comment ``Impediment: <reason> (<developer>, <date>)`` on both; clearing it
removes the label and comments ``Impediment cleared``. The comments are the history people read in
Trello, and they are what the app reads back to find the reason of an open impediment. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from supportdesk_tui.domain.boards import Card

BLOCKED_LABEL = "Blocked"
BLOCKED_COLOR = "red"
BLOCKED_GLYPH = "⛔"
CLEARED_COMMENT = "Impediment cleared"
PREFIX = "Impediment: "
MAX_REASON = 200  # one line: a reason is said at a stand-up, not written as a report
_FLAG = re.compile(r"^Impediment:\s*(?P<reason>.*?)(?:\s+\((?P<who>[^(),]*),\s*(?P<day>\d{4}-\d{2}-\d{2})\))?\s*$",
                   re.DOTALL)


def clean_reason(text: str) -> str:
    """The reason as one line: whitespace folded, cut at :data:`MAX_REASON` characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_REASON else line[:MAX_REASON - 1] + "…"


def impediment_comment(reason: str, developer: str, day: date) -> str:
    """``Impediment: <reason> (<developer>, <YYYY-MM-DD>)``: the comment on both cards."""
    return f"{PREFIX}{clean_reason(reason)} ({developer or 'someone'}, {day.isoformat()})"


def is_blocked_label(name: str) -> bool:
    return name.strip().casefold() == BLOCKED_LABEL.casefold()


def is_blocked(card: Card) -> bool:
    """Whether the card carries a ``Blocked`` label (by name: anyone may have made the label by hand)."""
    return any(is_blocked_label(label.name) for label in card.labels)


def is_impediment_comment(text: str) -> bool:
    return text.strip().startswith(PREFIX.strip()) or is_cleared_comment(text)


def is_cleared_comment(text: str) -> bool:
    return text.strip().casefold() == CLEARED_COMMENT.casefold()


def reason_of(comment: str) -> str:
    """The reason in an ``Impediment: …`` comment, without the ``(developer, date)`` tail."""
    match = _FLAG.match(comment.strip())
    return " ".join(match.group("reason").split()) if match else ""


def open_reason(comments_newest_first: Iterable[str]) -> str | None:
    """The reason of the impediment the comments leave open, or None when the last word was a clear.

    Only impediment comments count; the newest decides. An open impediment always has a reason text
    (possibly empty when someone typed the prefix alone).
    """
    for text in comments_newest_first:
        if is_cleared_comment(text):
            return None
        if text.strip().startswith(PREFIX.strip()):
            return reason_of(text)
    return None


def comment_since_clear(comments_newest_first: Iterable[str], wanted: str) -> bool:
    """Whether ``wanted`` was already posted after the last ``Impediment cleared`` (a retry's look-first).

    Stopping at the last clear matters: flagging the same reason twice on one day, with a clear in
    between, is a second impediment and needs a second comment.
    """
    for text in comments_newest_first:
        if text.strip() == wanted.strip():
            return True
        if is_cleared_comment(text):
            return False
    return False


def cleared_last(comments_newest_first: Iterable[str]) -> bool:
    """Whether the newest impediment comment is already a clear (so clearing again posts nothing)."""
    for text in comments_newest_first:
        if is_cleared_comment(text):
            return True
        if text.strip().startswith(PREFIX.strip()):
            return False
    return False
