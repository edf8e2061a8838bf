"""The base of the App's three mode screens: the Desk they were handed, and the defaults the App's
global keys and command palette rely on (so the App calls them instead of probing for them)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from textual.app import SystemCommand
from textual.screen import Screen

from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import detail

log = logging.getLogger(__name__)


class DeskScreen(Screen[None]):
    """A full screen of the App (a mode, or a view pushed over one). ``HELP`` (Markdown) is shown
    above the key table by `?`."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.error_detail: str | None = None
        """The full text behind the last failure a banner summed up (shown by `?`, logged at INFO)."""

    def note_error(self, error: BaseException | None, doing: str = "") -> None:
        """Keep the detail of a failure for whoever asks (`?`), and log it; None: it is over."""
        if error is None:
            self.error_detail = None
            return
        self.error_detail = (f"{doing}: " if doing else "") + detail(error)
        log.info("%s failed: %s", doing or type(self).__name__, self.error_detail)

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
