"""The base of the App's three mode screens: the Desk they were handed, and the defaults the App's
global keys and command palette rely on (so the App calls them instead of probing for them)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.screen import Screen

from supportdesk_tui.screens.desk import Desk


class DeskScreen(Screen[None]):
    """A full screen of the App (a mode, or a view pushed over one). ``HELP`` (Markdown) is shown
    above the key table by `?`."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def action_refresh(self) -> None:
        """`r`: nothing to refresh unless a screen says otherwise."""

    def palette_commands(self) -> Iterable[SystemCommand]:
        """This screen's own entries in the command palette (none by default)."""
        return ()

    def service_answered(self) -> None:
        """Groove or Trello answered afresh: if actions were queued meanwhile, replay them now, in order
        (the services decide; every screen that polls calls this)."""
        if self.desk.services.replay_due():
            self.desk.resume_journal()
