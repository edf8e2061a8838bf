"""The App's two themes: the house dark theme, and a high-contrast light one for the shared screen
(Planning switches to it with `t`; the command palette offers it everywhere)."""

from __future__ import annotations

from textual.theme import Theme

HOUSE_THEME = Theme(
    name="supportdesk",
    primary="#4EA1D3",
    secondary="#9E86C8",
    accent="#E8A33D",
    warning="#E8C547",
    error="#F0544F",
    success="#5CB85C",
    foreground="#E6E6E6",
    background="#15181D",
    surface="#1E2229",
    panel="#272C35",
    dark=True,
)

PROJECTOR_THEME = Theme(
    name="supportdesk-projector",
    primary="#0050A0",
    secondary="#5A2D82",
    accent="#B35900",
    warning="#8A6D00",
    error="#B00020",
    success="#006B2E",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#E0E0E0",
    dark=False,
)
