"""``supportdesk agenda CUSTOMER`` and ``supportdesk week close``: the call's services from the command line.

Each builds the same :class:`Services` the App uses (store, journal, clients), runs one coroutine and
closes them; an expected failure comes back as one sentence (:class:`CommandError`), never a traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.agenda import render_agenda
from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.week_lists import BoardsError
from supportdesk_tui.store import Store

T = TypeVar("T")


class CommandError(Exception):
    """A problem the user can fix or wait out; the text says what."""


def _run(settings: Settings, credentials: Credentials, clock: Clock | None,
         job: Callable[[Services], Awaitable[T]]) -> T:
    async def main() -> T:
        services = Services(settings, credentials, clock or SystemClock(), Store.in_dir(settings.data_dir))
        try:
            services.load_workflows()
            return await job(services)
        except (ApiError, BoardsError) as exc:
            raise CommandError(str(exc)) from None
        finally:
            await services.aclose()

    return asyncio.run(main())


def agenda_command(settings: Settings, credentials: Credentials, customer: str, fmt: str = "md",
                   clock: Clock | None = None) -> str:
    async def job(services: Services) -> str:
        return render_agenda(await services.call.agenda(customer), markdown=fmt == "md")

    return _run(settings, credentials, clock, job)


def close_command(settings: Settings, credentials: Credentials, week_text: str | None,
                  clock: Clock | None = None) -> tuple[str, bool]:
    """(what to print, whether it all went through)."""
    try:
        week = IsoWeek.parse(week_text) if week_text else None
    except ValueError:
        raise CommandError(f"--week {week_text!r} is not an ISO week like 2026-W49") from None

    async def job(services: Services) -> tuple[str, bool]:
        report = await services.call.close_week(week)
        ok = report.outcome is not None and report.outcome.ok
        return f"{report.summary()}\n\n{report.handover}", ok

    return _run(settings, credentials, clock, job)
