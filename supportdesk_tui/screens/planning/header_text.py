"""The Planning header's words: the week, its triage pair and how it was agreed, the plan's state, the pool.

Pure text (no widgets), so the screen only hands it what it holds and the header lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.planning.service import Pool, RotaChoice, RotaSource, WeekSource
from supportdesk_tui.widgets.desk_header import triage_words

AGREED = {RotaSource.SAVED: "", RotaSource.CONFIG: " (config)", RotaSource.SUGGESTED: " (suggested, R to change)",
          RotaSource.NONE: ""}
"""How the pair was agreed, after it (nothing when the team saved it)."""

STATE = {WeekSource.SAVED: "saved", WeekSource.LAST_WEEK: "from last week, not saved yet", WeekSource.NEW: "new plan"}


@dataclass(frozen=True, slots=True)
class HeaderText:
    left: str
    right: str
    right_short: str
    """``right`` without the pool's time: used when ``left`` would not fit beside ``right``."""


def planning_header(week: IsoWeek, rota: RotaChoice | None, source: WeekSource, pool: Pool | None, *,
                    pool_failed: bool, record_line: str, zone: tzinfo) -> HeaderText:
    pair = triage_words(rota.pair if rota is not None and rota.pair else ())
    agreed = AGREED[rota.source] if rota is not None else ""
    left = f"Planning · {week} · {week.span_text()} · {pair}{agreed}"
    record = f" · {record_line}" if record_line else ""
    if pool is None:
        pool_words = short_pool = "Up next pool not loaded (r retries)" if pool_failed else "loading the Up next pool…"
    else:
        at = pool.loaded_at.astimezone(zone).strftime("%H:%M") if pool.loaded_at else "never"
        pool_words, short_pool = f"pool: {len(pool.items)} cards as of {at}", f"pool: {len(pool.items)}"
    return HeaderText(left, f"· {STATE[source]}{record} · {pool_words}", f"· {STATE[source]}{record} · {short_pool}")
