"""Writing one change back to the user's config file, only when they said yes in a dialog.

The one change today: remember a new email domain for a customer (an unmapped sender was backlogged
to them). The file is re-read (never rebuilt from the app's settings, which carry env overrides) with
tomlkit, which keeps its comments, order and layout, changed in one place, checked by reading it back
through the real loader, and replaced atomically: a temp file in the same directory, flushed and
fsynced, then ``os.replace``. So no backup copy is needed: the file is the user's file plus one entry.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from supportdesk_tui.config import ConfigError, parse_settings
from supportdesk_tui.domain.mail_domains import is_public_domain


class ConfigWriteError(Exception):
    """The change could not be written; the text says why and what to do instead."""


def add_email_domain(path: Path, customer: str, domain: str) -> bool:
    """Add ``domain`` to ``email_domains`` of the ``[[customers]]`` entry named ``customer``.

    Returns False when it was already there (nothing written). Raises :class:`ConfigWriteError`.
    """
    import tomlkit  # only when the user ticks "remember": not on the start-up path
    from tomlkit.exceptions import TOMLKitError

    domain = domain.strip().lower().lstrip("@")
    if "." not in domain or " " in domain or "@" in domain:
        raise ConfigWriteError(f"{domain!r} is not an email domain like \"acme.example\"")
    if is_public_domain(domain):
        raise ConfigWriteError(f"{domain} is a public mail domain (anyone can have an address there), so it "
                               "cannot name a customer; pick the customer by hand for such senders")
    if not path.exists():
        raise ConfigWriteError(f"there is no config file at {path} to remember the domain in; add "
                               f"\"{domain}\" to email_domains of customer \"{customer}\" by hand")
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise ConfigWriteError(f"{path} cannot be read ({exc})") from None
    entries: Any = document.get("customers")
    entry = next((e for e in entries if isinstance(e, dict) and e.get("name") == customer), None) \
        if isinstance(entries, list) else None
    if entry is None:
        raise ConfigWriteError(f"{path} has no [[customers]] entry named \"{customer}\"; add "
                               f"\"{domain}\" to its email_domains by hand")
    domains = entry.get("email_domains")
    if domains is None:
        entry["email_domains"] = [domain]
    elif not isinstance(domains, list):
        raise ConfigWriteError(f"email_domains of \"{customer}\" in {path} is not a list")
    elif domain in (str(d).lower() for d in domains):
        return False
    else:
        domains.append(domain)  # a tomlkit Array: keeps the list's own layout and comments
    write_atomically(path, tomlkit.dumps(document))
    return True


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a reader sees the old file or the new one, never half of it.

    The text must be a config the app accepts (checked with the real loader), so a write can never
    leave a file that stops the next start.
    """
    try:
        parse_settings(tomllib.loads(text), config_path=path, data_dir=path.parent)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise ConfigWriteError(f"the change was not written: the result would not load ({exc})") from None
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
