"""SQLite state: the inbox cache, observed ticket history, the action journal and weekly plans.

One file under the data dir, opened once (``Store.in_dir``). Calls are synchronous and serialised by a
lock; async code reaches them through ``asyncio.to_thread`` (see ``services``), so no disk I/O runs on
the UI event loop. The file and its directory are readable by the user only. Tokens are never stored
here. One class over one connection, written in parts: ``base`` (file, schema, transactions),
``history`` (what the app observed of each ticket), ``inbox`` (the cached queue and its clock
summaries), ``journal`` (actions in flight) and ``week`` (figures, plans, rota).
"""

from __future__ import annotations

from pathlib import Path

from supportdesk_tui.store.base import SCHEMA_VERSION
from supportdesk_tui.store.inbox import InboxHead, InboxStore, ticket_from_json, ticket_to_json
from supportdesk_tui.store.journal import JournalEntry, JournalStore
from supportdesk_tui.store.week import PlanRecordRow, WeekStore

__all__ = ["SCHEMA_VERSION", "InboxHead", "JournalEntry", "PlanRecordRow", "Store", "ticket_from_json",
           "ticket_to_json"]


class Store(InboxStore, JournalStore, WeekStore):
    """The app's SQLite file. Thread-safe; every method is a short transaction."""

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(data_dir / "supportdesk.sqlite3")
