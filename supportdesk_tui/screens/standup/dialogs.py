"""The one-line reason an impediment is flagged with (the Standup and Boards screens both ask it)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from supportdesk_tui.domain.impediments import clean_reason
from supportdesk_tui.screens.reason import ReasonDialog


class ImpedimentDialog(ReasonDialog):
    """Ask why the card is blocked; dismissed with the reason (one line, cut to the comment's length) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="impediment.cancel"),
    ]

    def __init__(self, card_name: str, developer: str) -> None:
        super().__init__(f"Impediment on “{card_name}”",
                         f"What blocks it? (one line; labelled Blocked and commented as {developer or 'you'})",
                         placeholder="e.g. waiting for the customer's test account", confirm="flag it",
                         empty="Say in a few words what blocks the card.", clean=clean_reason)
        self.card_name, self.developer = card_name, developer
