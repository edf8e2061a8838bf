"""supportdesk-tui: a keyboard-first terminal app for a consultancy's support desk."""

__version__ = "0.1.0"
