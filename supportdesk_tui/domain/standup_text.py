"""The stand-up as text: Markdown short enough to paste into a chat channel, or plain lines.

One section per developer, then the customers' commitments, then triage; no table, so nothing is wider
than its own line (a line longer than 100 characters continues, indented, on the next). What could not be read
is said at the end, so a partial stand-up is still useful and honest.
"""

from __future__ import annotations

import textwrap

from supportdesk_tui.domain.planning import day_label
from supportdesk_tui.domain.standup import Assignment, DeveloperDay, Standup

WIDTH = 100


def render_markdown(standup: Standup) -> str:
    return "\n".join(_lines(standup, markdown=True)) + "\n"


def render_text(standup: Standup) -> str:
    return "\n".join(_lines(standup, markdown=False)) + "\n"


def _lines(s: Standup, *, markdown: bool) -> list[str]:
    h2, h3, item = ("## ", "### ", "- ") if markdown else ("", "", "  ")
    pair = f"{s.pair[0]} + {s.pair[1]}" if s.pair else "not chosen"
    out = [f"{h2}Stand-up {day_label(s.day)} {s.day.year} ({s.week})", f"Triage pair: {pair}"]
    for dev in s.developers:
        out += ["", f"{h3}{dev.developer}" if markdown else f"{dev.developer}:"]
        out += [_clip(f"{item}{line}") for line in _developer_lines(dev, s)]
    out += ["", f"{h3}Customers" if markdown else "Customers:"]
    out += [_clip(f"{item}{c.customer}: {c.words}") for c in s.customers] or [f"{item}none configured"]
    t = s.triage
    out += ["", f"{h3}Triage since {day_label(s.previous)}" if markdown else f"Triage since {day_label(s.previous)}:",
            *(f"{item}{line}" for line in t.lines())]
    if s.unread:
        out += ["", "Could not read:"] + [_clip(f"{item}{u}") for u in s.unread]
    return out


def _developer_lines(dev: DeveloperDay, s: Standup) -> list[str]:
    lines = [f"Today: {_assignment(a)}" for a in dev.today] or ["Today: nothing planned today"]
    label = day_label(s.previous)
    lines += [f"{label}: {_assignment(a, with_progress=True)}" for a in dev.previous]
    lines += [f"Impediment: {reason}" for reason in dev.impediments]
    return lines


def _assignment(a: Assignment, *, with_progress: bool = False) -> str:
    parts = [a.amount]
    if a.pair_with:
        parts.append("pair with " + " + ".join(a.pair_with))
    if a.blocked:
        parts.append("BLOCKED")
    text = f"{a.words} ({', '.join(parts)})"
    if with_progress and a.progress:
        text += f": {a.progress}"
    return text


def _clip(line: str) -> str:
    """A long line continues on the next, indented (a Markdown list item's continuation), never cut."""
    if len(line) <= WIDTH:
        return line
    return "\n".join(textwrap.wrap(line, WIDTH, subsequent_indent="  ", break_long_words=True,
                                   break_on_hyphens=False))
