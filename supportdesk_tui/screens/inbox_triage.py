"""PLACEHOLDER: the Inbox's triage keys (issue 5) live here, as a base class of InboxScreen."""

from __future__ import annotations

from textual.screen import Screen


class InboxTriageMixin(Screen[None]):
    """Triage actions for the Inbox; InboxScreen inherits these bindings and actions."""

    def row_mark(self, number: int) -> str:
        """A short mark shown before the subject (e.g. "urgent", "fixing 1:32"); empty for none."""
        return ""
