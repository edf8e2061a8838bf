"""API credentials: environment variables first, then the system keyring (service ``supportdesk``).

Tokens are never written to a file by this app. Keyring calls can block (D-Bus, a macOS prompt) or
fail outright on a headless machine, so they run in ``cli.py`` before the App starts (or in a thread
worker), never on the UI thread; a missing backend is explained with the env-var way around it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

SERVICE = "supportdesk"
NAMES = ("groove_token", "trello_key", "trello_token")
ENV_VARS: dict[str, str] = {
    "groove_token": "SUPPORTDESK_GROOVE_TOKEN",
    "trello_key": "SUPPORTDESK_TRELLO_KEY",
    "trello_token": "SUPPORTDESK_TRELLO_TOKEN",
}
LABELS: dict[str, str] = {
    "groove_token": "Groove API token",
    "trello_key": "Trello API key",
    "trello_token": "Trello token",
}


class CredentialsError(Exception):
    """A credential problem, phrased for a person (never contains a secret)."""


@dataclass(frozen=True)
class Credentials:
    """The three secrets and where each came from; ``repr`` never shows a value."""

    groove_token: str | None = field(default=None, repr=False)
    trello_key: str | None = field(default=None, repr=False)
    trello_token: str | None = field(default=None, repr=False)
    sources: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={'set' if getattr(self, n) else 'missing'}" for n in NAMES)
        return f"Credentials({shown})"

    __str__ = __repr__

    def missing(self) -> list[str]:
        return [n for n in NAMES if not getattr(self, n)]

    def secrets(self) -> tuple[str | None, ...]:
        return (self.groove_token, self.trello_key, self.trello_token)


NO_KEYRING = ("No usable keyring backend was found on this machine (common on headless Linux and CI), "
              "so `supportdesk login` cannot store anything here: set the credentials as environment "
              "variables instead.")


def no_keyring_help() -> str:
    """The one piece of advice ``login`` and ``doctor`` both give when there is no keyring, word for word."""
    exports = "\n".join(f"  export {var}=..." for var in ENV_VARS.values())
    return f"{NO_KEYRING}\n{exports}"


def keyring_problem() -> str | None:
    """None when a keyring backend is usable, else :func:`no_keyring_help`.

    Asked before anything else by ``login`` (so nobody types three secrets for nothing) and by
    ``doctor``. A backend of priority 0 or less is keyring's own "fail" or "null" stand-in (or a
    chain of nothing); a backend that raises on a harmless read is as good as none.
    """
    import keyring

    try:
        backend = keyring.get_keyring()
        if float(backend.priority) <= 0:
            return no_keyring_help()
        keyring.get_password(SERVICE, NAMES[0])
    except Exception:  # backends raise all sorts (NoKeyringError, D-Bus errors, locked stores)
        return no_keyring_help()
    return None


def _keyring_get(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError as exc:
        raise CredentialsError(f"{no_keyring_help()}\n(keyring said: {type(exc).__name__})") from None
    except Exception as exc:  # backends raise all sorts (D-Bus errors, locked stores)
        raise CredentialsError(f"The system keyring failed while reading {LABELS[name]}: "
                               f"{type(exc).__name__}. {no_keyring_help()}") from None


def load_credentials(env: Mapping[str, str] | None = None, *, use_keyring: bool = True) -> Credentials:
    """Env vars win; keyring fills the gaps. Raises :class:`CredentialsError` only if keyring is broken
    and something is still missing, so an env-only setup works on machines with no keyring at all."""
    env = os.environ if env is None else env
    values: dict[str, str | None] = {}
    sources: dict[str, str] = {}
    for name in NAMES:
        value = env.get(ENV_VARS[name]) or None
        if value:
            values[name], sources[name] = value, "env"
    if use_keyring:
        for name in NAMES:
            if name in values:
                continue
            value = _keyring_get(name)
            if value:
                values[name], sources[name] = value, "keyring"
    return Credentials(**values, sources=sources)


def store_credentials(values: Mapping[str, str]) -> None:
    """Save the given credentials in keyring; raise :class:`CredentialsError` with the env-var way out."""
    import keyring
    from keyring.errors import KeyringError

    for name, value in values.items():
        if name not in NAMES:
            raise CredentialsError(f"unknown credential {name!r}")
        try:
            keyring.set_password(SERVICE, name, value)
        except KeyringError:
            raise CredentialsError(no_keyring_help()) from None
        except Exception as exc:
            raise CredentialsError(f"The system keyring refused to store {LABELS[name]}: "
                                   f"{type(exc).__name__}. {no_keyring_help()}") from None
