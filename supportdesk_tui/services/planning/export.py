"""``supportdesk plan export``: a week's plan as Markdown or CSV, with confirmations, and where it came from.

With a Support Epics board configured and Trello credentials at hand, the plan of record is read from
Trello in two requests (the board's lists, then the plans list's cards), so a machine that never ran
the app exports the plan made elsewhere. Without them, or when Trello cannot be reached, this machine's
stored copy is used, and the source line says so.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date
from typing import TYPE_CHECKING, Any

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.boards import list_key
from supportdesk_tui.domain.plan_cards import scan_plan_cards
from supportdesk_tui.domain.plan_export import PlanFormatError, export_csv, export_markdown, plan_from_dict
from supportdesk_tui.domain.plan_record import PlanRecord, card_name
from supportdesk_tui.domain.planning import IsoWeek, Plan
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    from supportdesk_tui.credentials import Credentials


class NoPlanError(LookupError):
    """There is nothing to export; the message says which week and what to do."""


def parse_week(text: str | None, today: date) -> IsoWeek:
    if not text:
        return IsoWeek.of(today)
    try:
        return IsoWeek.parse(text)
    except ValueError:
        raise NoPlanError(f"--week {text!r} is not an ISO week like 2026-W48") from None


def export_week_from(settings: Settings, week_text: str | None, fmt: str, *, credentials: Credentials | None,
                     today: date | None = None, trello_options: dict[str, Any] | None = None) -> tuple[str, str]:
    """The plan of record from Trello when it can be read, else this machine's copy; (text, source line)."""
    week = parse_week(week_text, today or date.today())
    board = settings.trello.support_epics_board
    if not board or credentials is None or not credentials.trello_key or not credentials.trello_token:
        return _format(_stored(settings, week), fmt, settings), f"From this machine's copy ({settings.data_dir})."
    try:
        record, link = asyncio.run(_from_trello(settings, credentials, week, trello_options or {}))
    except _CardTrouble as exc:
        why = str(exc)
    except Exception as exc:  # offline, refused, bad answer: say so in one sentence, use the local copy
        why = f"Trello could not be read ({_one_line(exc)})"
    else:
        saved = record.saved_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return (_format(record.plan, fmt, settings),
                f"From the Trello card {link} (revision {record.revision}, saved by {record.saved_by} on {saved}).")
    try:
        plan = _stored(settings, week)
    except NoPlanError as exc:
        raise NoPlanError(f"{why}; {exc}") from None
    return _format(plan, fmt, settings), f"{why}; this machine's copy is shown ({settings.data_dir})."


class _CardTrouble(Exception):
    pass


async def _from_trello(settings: Settings, credentials: Credentials, week: IsoWeek,
                       options: dict[str, Any]) -> tuple[PlanRecord, str]:
    from supportdesk_tui.clients.trello.facade import TrelloClient

    board = settings.trello.support_epics_board
    name = settings.trello.lists.plans
    async with TrelloClient(settings.trello_url, credentials.trello_key or "", credentials.trello_token or "",
                            **options) as trello:
        wanted = list_key(name)
        found = next((lst for lst in await trello.open_lists(board) if list_key(lst.name) == wanted), None)
        if found is None:
            raise _CardTrouble(f"no list {name!r} on the Support Epics board yet")
        card = scan_plan_cards(await trello.list_cards(found.id)).get(week)
    if card is None:
        raise _CardTrouble(f"no card {card_name(week)!r} in the list {name!r} on Support Epics")
    if card.record is None:
        raise _CardTrouble(card.message)
    if card.message:  # a duplicate: the card of record is readable, the message names the others
        raise _CardTrouble(card.message)
    return card.record, card.card.short_url or card.card.url


def _stored(settings: Settings, week: IsoWeek) -> Plan:
    store_path = settings.data_dir / "supportdesk.sqlite3"
    if not store_path.exists():
        raise NoPlanError(f"no plan for {week}: nothing has been planned on this machine yet "
                          f"(data dir {settings.data_dir})")
    store = Store(store_path)
    try:
        raw = store.load_plan(str(week))
    finally:
        store.close()
    if raw is None:
        raise NoPlanError(f"no plan saved for {week} (open the Planning screen with 3 and plan that week first)")
    try:
        return plan_from_dict(raw)
    except PlanFormatError as exc:
        raise NoPlanError(f"the stored plan for {week} cannot be read: {exc}") from None


def _format(plan: Plan, fmt: str, settings: Settings) -> str:
    if fmt == "csv":
        return export_csv(plan)
    return export_markdown(plan, (), settings.customers)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
