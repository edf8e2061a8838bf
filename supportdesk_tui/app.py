"""The App: screens (as modes), global keys, the command palette and the theme. Wiring only.

It is given its settings, services and clock by ``cli.py`` (the composition root), so tests build
exactly the same App against the loopback fakes with a frozen clock. The screens never import this
module: each mode factory hands the screen this App as its ``Desk`` (screens/desk.py), and the App
talks to the screens only through ``DeskScreen`` (screens/base.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from supportdesk_tui.config import Settings
from supportdesk_tui.domain.clock import Clock
from supportdesk_tui.domain.journal import JournalStatus
from supportdesk_tui.screens.base import DeskScreen
from supportdesk_tui.screens.confirm import ConfirmScreen
from supportdesk_tui.screens.desk import Desk
from supportdesk_tui.screens.inbox.screen import InboxScreen
from supportdesk_tui.services.container import Services
from supportdesk_tui.services.journal import Outcome
from supportdesk_tui.themes import HOUSE_THEME, PROJECTOR_THEME


def _boards_screen(desk: Desk) -> Screen[Any]:
    """Imported on first use: the Boards and Planning screens are a sixth of cold start otherwise."""
    from supportdesk_tui.screens.boards.screen import BoardsScreen

    return BoardsScreen(desk)


def _planning_screen(desk: Desk) -> Screen[Any]:
    from supportdesk_tui.screens.planning.screen import PlanningScreen

    return PlanningScreen(desk)


def _standup_screen(desk: Desk) -> Screen[Any]:
    from supportdesk_tui.screens.standup.screen import StandupScreen

    return StandupScreen(desk)


def escape_markdown(text: str) -> str:
    """Journal lines quote ticket subjects and server errors: show them as text, not as Markdown."""
    return "".join(f"\\{ch}" if ch in "\\`*_[]<>#|" else ch for ch in text)


class SupportDeskApp(App[None]):
    TITLE = "supportdesk"
    CSS_PATH = "app.tcss"
    # Start straight in the Inbox: switching to it from Textual's blank default screen in on_mount
    # re-parsed the whole stylesheet twice more before the first paint.
    # The modes are added per instance (see __init__): each screen is handed this App as its Desk.
    DEFAULT_MODE = "inbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_mode('inbox')", "Inbox", id="app.inbox", tooltip="The Groove queue"),
        Binding("2", "show_mode('boards')", "Boards", id="app.boards", tooltip="Customers' Trello boards"),
        Binding("3", "show_mode('planning')", "Planning", id="app.planning", tooltip="Monday planning grid"),
        Binding("4", "show_mode('standup')", "Standup", id="app.standup", tooltip="The daily stand-up"),
        Binding("r", "refresh_screen", "Refresh", id="app.refresh", tooltip="Refresh this screen now"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="All keys of this screen"),
        Binding("q", "request_quit", "Quit", id="app.quit", tooltip="Quit (asks if an action is in flight)"),
    ]

    def __init__(self, settings: Settings, services: Services, clock: Clock) -> None:
        super().__init__()
        self.settings = settings
        self.services = services
        self.clock = clock
        services.journal.on_earlier = self._earlier_finished
        self.add_mode("inbox", lambda: InboxScreen(self))
        self.add_mode("boards", lambda: _boards_screen(self))
        self.add_mode("planning", lambda: _planning_screen(self))
        self.add_mode("standup", lambda: _standup_screen(self))
        self.register_theme(HOUSE_THEME)
        self.register_theme(PROJECTOR_THEME)
        self.theme = HOUSE_THEME.name

    async def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
        self.call_after_refresh(self.resume_journal)

    def resume_journal(self) -> None:
        """Replay the journal (the services decide what and in which order) and say how each action ended.

        The services run one replay at a time; a request while one runs returns at once, so this
        worker is never exclusive (cancelling a replay part-way is never wanted).
        """
        self._resume_journal()

    @work(group="journal-resume", exit_on_error=False)
    async def _resume_journal(self) -> None:
        for outcome in await self.services.resume_journal() or ():
            self._earlier_finished(outcome)

    def _earlier_finished(self, outcome: Outcome) -> None:
        """How an action from earlier (a replay, or one a newer action ran first) ended: the same toast
        whichever way it was finished."""
        if outcome.status is JournalStatus.DONE:
            self.notify(outcome.message, title="Finished an earlier action", markup=False)
        elif outcome.status is JournalStatus.FAILED:
            self.notify(outcome.message, title="An earlier action failed", severity="error", markup=False,
                        timeout=15)

    async def on_unmount(self) -> None:
        await self.services.aclose()

    # --- shared state the screens show ----------------------------------------------------------------
    def triage_pair(self) -> tuple[str, ...]:
        """Who is on triage this week: the Planning rota (its first call reads it in the background and
        shows ``[team] triage`` meanwhile)."""
        if not self.services.workflows_loaded:
            return self.settings.team.triage  # until the rota is loaded, just after the first paint
        return self.services.planning.current_pair()

    def pending_actions(self) -> int:
        """Journal entries still in flight (kept in memory by the services, no disk read per tick)."""
        return self.services.pending_count

    # --- actions ------------------------------------------------------------------------------------------
    async def action_show_mode(self, mode: str) -> None:
        if self.current_mode != mode:
            await self.switch_mode(mode)

    def action_refresh_screen(self) -> None:
        if isinstance(self.screen, DeskScreen):
            self.screen.action_refresh()

    def action_help(self) -> None:
        self._show_help()

    @work(group="help", exclusive=True, exit_on_error=False)
    async def _show_help(self) -> None:
        """The screen's keys as bound now, plus any journaled actions still in flight (read off the loop)."""
        from supportdesk_tui.screens.help import HelpScreen  # Markdown is heavy; load it when asked

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        extra = ("## Everywhere\n`1` Inbox · `2` Boards · `3` Planning · `4` Standup · `r` refresh · `?` help · "
                 "`ctrl+p` command palette · `q` quit")
        if isinstance(screen, DeskScreen) and screen.error_detail:
            extra += f"\n\n## The last error, in full\n{escape_markdown(screen.error_detail)}"
        pending = await self.services.journal.pending_descriptions()
        if pending:
            extra += "\n\n## Actions in flight (journaled; they finish when the service answers)\n" + "\n".join(
                f"- {escape_markdown(line)}" for line in pending)
        if self.screen is screen:
            self.push_screen(HelpScreen(screen, extra))

    async def action_quit(self) -> None:
        """ctrl+q and the palette's "Quit" ask the same question as `q` (Textual's own quits at once)."""
        self.action_request_quit()

    def action_help_quit(self) -> None:
        """ctrl+c (outside a text field, where it copies) quits too, asking the same question as `q`."""
        self.action_request_quit()

    def action_request_quit(self) -> None:
        pending = self.pending_actions()
        if not pending:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(f"{pending} action(s) are still in flight. They are journaled and will "
                                       "finish on the next start. Quit anyway?"), answer)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand("Inbox", "Show the Groove queue (1)", lambda: self.run_action("show_mode('inbox')"))
        yield SystemCommand("Boards", "Show the customers' boards (2)", lambda: self.run_action("show_mode('boards')"))
        yield SystemCommand("Planning", "Show the planning grid (3)", lambda: self.run_action("show_mode('planning')"))
        yield SystemCommand("Standup", "Show the daily stand-up (4)", lambda: self.run_action("show_mode('standup')"))
        yield SystemCommand("Refresh", "Refresh this screen now (r)", self.action_refresh_screen)
        yield SystemCommand("Help", "All keys of this screen (?)", self.action_help)
        yield SystemCommand("Projector theme", "High-contrast light theme for the shared screen",
                            lambda: setattr(self, "theme", PROJECTOR_THEME.name))
        if isinstance(screen, DeskScreen):
            yield from screen.palette_commands()
        yield from super().get_system_commands(screen)
