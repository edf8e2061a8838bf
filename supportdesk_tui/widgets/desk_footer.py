"""The footer every screen shows: Textual's Footer, compact, with the keys that matter first.

Textual lists the focused widget's keys, then the screen's, then the App's, and a narrow terminal cuts
the end off: `?` (every key of the screen) and `q` came last and never showed at 120 columns. Here they
come first, then the screen's own keys, then the App's other keys (screens, refresh).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not re-exported; textual is pinned (see README)

FIRST_ACTIONS = ("help", "request_quit")
"""The App's `?` and `q` (by action, so a remapped key keeps its place)."""
LAST_ACTIONS_PREFIX = ("show_mode", "refresh_screen")


def _rank(widget: FooterKey) -> int:
    action = widget.action
    if action in FIRST_ACTIONS:
        return 0
    if action.startswith(LAST_ACTIONS_PREFIX):
        return 2
    return 1


class DeskFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        others = [w for w in widgets if not (isinstance(w, FooterKey) and w in keys)]
        yield from sorted(keys, key=_rank)  # stable: each group keeps Textual's order
        yield from others
