"""The base of the App's three mode screens: the Desk they were handed, and the defaults the App's
global keys and command palette rely on (so the App calls them instead of probing for them)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from textual import events, on
from textual.app import SystemCommand
from textual.screen import ModalScreen, Screen

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
        self._away = False  # another mode, or a full screen, has been in front since this one was

    # --- coming back to the front -------------------------------------------------------------------
    # Textual posts ScreenResume to this screen both when a dialog over it closes and when it comes back
    # from another mode or a full screen; only the second means that time passed elsewhere. These
    # handlers run besides a subclass's own on_mount / on_screen_suspend / on_screen_resume (Textual
    # calls the handlers of every class in the MRO).
    @on(events.Mount)
    def _listen_for_modes(self) -> None:
        self.app.mode_change_signal.subscribe(self, self._mode_changed)

    def _mode_changed(self, _mode: str) -> None:
        if self not in self.app.screen_stack:
            self._away = True  # its mode went to the back (even with a dialog still open over this screen)

    @on(events.ScreenSuspend)
    def _note_what_covers(self) -> None:
        front = self.app.screen
        if front is not self and not isinstance(front, ModalScreen):
            self._away = True  # a full screen was pushed over this one (a dialog is not time elsewhere)

    @on(events.ScreenResume)
    def _catch_up_if_away(self) -> None:
        if self._away:
            self._away = False
            self.back_in_front()

    def back_in_front(self) -> None:
        """Called when this screen is in front again after another mode or a full screen was (not when a
        dialog over it closes: the dialog's result says what to do). Screens that show remote data
        catch up here; by default there is nothing to do."""

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
