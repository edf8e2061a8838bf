"""The base of the App's mode screens: the Desk they were handed, the defaults the App's global keys and
command palette rely on (so the App calls them instead of probing for them), and what every screen says
the same way: a failed read in its banner, a refused credential, how a journaled write ended, the triage
pair in its header."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from textual import events, on
from textual.app import SystemCommand
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.errors import credential_refused, detail, failure_sentence
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.widgets.banner import Banner
from supportdesk_tui.widgets.desk_header import triage_words

log = logging.getLogger(__name__)


class DeskScreen(Screen[None]):
    """A full screen of the App (a mode, or a view pushed over one). ``HELP`` (Markdown) is shown
    above the key table by `?`."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.error_detail: str | None = None
        """The full text behind the last failure a banner summed up (shown by `?`, logged at INFO)."""
        self.failure: BaseException | None = None
        """Why the screen's last read failed; None once it answered (the header and the polls look here)."""
        self._away = False  # another mode, or a full screen, has been in front since this one was
        self._polls: list[Timer] = []

    # --- polling -------------------------------------------------------------------------------------------
    def poll_every(self, seconds: float, callback: Callable[[], object], *, name: str) -> Timer:
        """A poll that waits while anything covers this screen (a dialog, another mode) and resumes with it:
        nobody is looking, and the screen catches up when it is in front again."""
        timer = self.set_interval(seconds, callback, name=name)
        self._polls.append(timer)
        return timer

    @on(events.ScreenSuspend)
    def _pause_polls(self) -> None:
        for timer in self._polls:
            timer.pause()

    @on(events.ScreenResume)
    def _resume_polls(self) -> None:
        for timer in self._polls:
            timer.resume()

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

    # --- failed reads and refused credentials ---------------------------------------------------------
    @property
    def refused(self) -> bool:
        """The last read failed on a refused key or token: the same one would be refused again, so the
        screen's poll waits for `r` (after `supportdesk login`)."""
        return self.failure is not None and credential_refused(self.failure)

    async def renew_if_refused(self) -> None:
        """Before a read: after a refused credential, read them again (env and keyring, in a thread)."""
        if self.refused:
            await self.desk.services.renew_credentials()

    def show_failure(self, *, doing: str, then: str) -> None:
        """The banner for ``failure``, in one sentence: "Offline: …" with what happens next, or for a
        refused credential what to do instead (``failure_sentence`` says which)."""
        if self.failure is None:
            return
        sentence = failure_sentence(self.failure, doing=doing, then=then)
        self.query_one(Banner).show(f"⚠ {sentence}" if self.refused else f"⚠ Offline: {sentence}")

    # --- shared words -------------------------------------------------------------------------------------
    def notify_outcome(self, outcome: Outcome, *, done: str = "", undone: str = "") -> None:
        """A toast for how a journaled Trello write ended: ``done`` when it went through (no toast when
        empty), queued for a retry, or refused (``undone`` says what was put back on screen)."""
        if outcome.status is JournalStatus.DONE:
            if done:
                self.notify(done, markup=False)
        elif outcome.status is JournalStatus.PENDING:
            self.notify(f"{outcome.message}. It is queued and will be retried.", title="Not sent yet",
                        severity="warning", markup=False)
        else:
            self.notify(f"{outcome.message}." + (f" {undone}" if undone else ""), title="Trello refused",
                        severity="error", markup=False, timeout=10)

    def triage_words(self, pair: tuple[str, ...] | None = None, *, unset: str = "not set",
                     this_week: bool = True) -> str:
        """``triage: ana + ben`` for the header: ``pair``, or this week's from the Desk; when it is this
        week's (``this_week``) and comes from a plan card Trello could not be asked about, with its age:
        ``triage: ana + ben as of 10:02 (Trello not reachable)``."""
        services = self.desk.services
        as_of = services.planning.pair_as_of() if this_week and services.workflows_loaded else ""
        return triage_words(pair or self.desk.triage_pair(), unset=unset, as_of=as_of)

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
