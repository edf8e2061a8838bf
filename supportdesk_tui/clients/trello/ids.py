"""What may go into a Trello URL path: ids and shortLinks only, checked before anything is sent.

One rule for the facade and its mixins, so a card name or a pasted URL can never become a path.
"""

from __future__ import annotations

import re

from supportdesk_tui.clients.errors import ValidationError

SERVICE = "Trello"
_IDENT = re.compile(r"^[A-Za-z0-9]{1,64}$")


def checked_id(value: str, what: str) -> str:
    """Ids go into URL paths, so anything but a Trello id or shortLink is refused before sending."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise ValidationError(SERVICE, f"not a valid {what}: {value!r}"[:120])
    return value


def checked_pos(pos: str | float) -> str | float:
    if pos in ("top", "bottom"):
        return pos
    if isinstance(pos, int | float) and not isinstance(pos, bool) and pos > 0:
        return float(pos)
    raise ValidationError(SERVICE, f"pos must be 'top', 'bottom' or a positive number, not {pos!r}")
