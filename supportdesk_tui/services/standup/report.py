"""``supportdesk standup``: the day's stand-up as Markdown (to paste into a chat channel) or plain text.

The same services as the app, run once without the UI: the plan through the planning service (so a
machine that never planned reads the team's plan of record), the boards' moves and comments, triage
from this machine's store. What could not be read is said at the end of the text; only "no plan at
all" is an error.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, Literal

from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.domain.standup_text import render_markdown, render_text
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.standup.service import NoPlanError
from supportdesk_tui.store import Store

Format = Literal["md", "text"]


class BadDateError(ValueError):
    """``--date`` is not a date like 2026-11-25 (the text says so)."""


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadDateError(f"--date {text!r} is not a date like 2026-11-25") from None


def standup_report(settings: Settings, credentials: Credentials, day: date | None, fmt: Format, *,
                   clock: Clock | None = None, trello_options: dict[str, Any] | None = None) -> str:
    """The stand-up text; raises :class:`NoPlanError` (one sentence naming the week) when there is no plan."""

    async def run() -> str:
        services = Services(settings, credentials, clock or SystemClock(), Store.in_dir(settings.data_dir),
                            trello_options=trello_options)
        try:
            await services.journal.refresh_count()  # the pending actions the text counts
            view = await services.standup.load(day, require_plan=True)
        finally:
            await services.aclose()
        return render_markdown(view.standup) if fmt == "md" else render_text(view.standup)

    return asyncio.run(run())


__all__ = ["BadDateError", "NoPlanError", "parse_day", "standup_report"]
