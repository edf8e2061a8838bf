"""``supportdesk plan export``: the stored plan of a week as Markdown or CSV, with confirmations."""

from __future__ import annotations

from datetime import date

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.plan_export import PlanFormatError, export_csv, export_markdown, plan_from_dict
from supportdesk_tui.domain.planning import IsoWeek
from supportdesk_tui.store import Store


class NoPlanError(LookupError):
    """There is nothing to export; the message says which week and what to do."""


def parse_week(text: str | None, today: date) -> IsoWeek:
    if not text:
        return IsoWeek.of(today)
    try:
        return IsoWeek.parse(text)
    except ValueError:
        raise NoPlanError(f"--week {text!r} is not an ISO week like 2026-W48") from None


def export_week(settings: Settings, week_text: str | None, fmt: str, today: date | None = None) -> str:
    week = parse_week(week_text, today or date.today())
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
        plan = plan_from_dict(raw)
    except PlanFormatError as exc:
        raise NoPlanError(f"the stored plan for {week} cannot be read: {exc}") from None
    if fmt == "csv":
        return export_csv(plan)
    return export_markdown(plan, (), settings.customers)
