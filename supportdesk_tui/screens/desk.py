"""What a screen may ask of the App it runs in, as a Protocol: screens are handed a ``Desk`` when they
are made (the App's mode factories pass itself) and never import the App.

Keeping this small is the point: a screen that needs something new from the App adds it here, where
the App's side is checked by mypy at the one place that builds the screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportdesk_tui.config import Settings
    from supportdesk_tui.domain.clock import Clock
    from supportdesk_tui.services.container import Services


class Desk(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def services(self) -> Services: ...

    @property
    def clock(self) -> Clock: ...

    def triage_pair(self) -> tuple[str, ...]:
        """Who is on triage this week (the team's default until the Planning rota is read)."""
        ...

    def pending_actions(self) -> int:
        """Journaled actions still in flight (from memory: cheap enough for a once-a-second tick)."""
        ...

    def resume_journal(self) -> None:
        """Replay what the journal holds, in order, and tell the user how each action ended."""
        ...
