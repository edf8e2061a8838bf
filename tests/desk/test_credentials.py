"""Credentials: env wins over keyring, keyring fills gaps, a broken keyring is explained."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError

from supportdesk_tui.credentials import CredentialsError, load_credentials, store_credentials
from tests.support import MemoryKeyring


class BrokenKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("nope")


def test_keyring_present(isolated: MemoryKeyring) -> None:
    store_credentials({"groove_token": "g-secret-1", "trello_key": "k-secret-2", "trello_token": "t-secret-3"})
    assert isolated.items[("supportdesk", "groove_token")] == "g-secret-1"
    creds = load_credentials({})
    assert creds.groove_token == "g-secret-1" and creds.trello_token == "t-secret-3"
    assert creds.sources == {"groove_token": "keyring", "trello_key": "keyring", "trello_token": "keyring"}
    assert "secret" not in repr(creds) and "secret" not in str(creds)


def test_env_overrides_keyring(isolated: MemoryKeyring) -> None:
    store_credentials({"groove_token": "from-keyring"})
    creds = load_credentials({"SUPPORTDESK_GROOVE_TOKEN": "from-env"})
    assert creds.groove_token == "from-env" and creds.sources["groove_token"] == "env"
    assert creds.missing() == ["trello_key", "trello_token"]


def test_absent_keyring_with_env_only_works() -> None:
    keyring.set_keyring(BrokenKeyring())
    env = {"SUPPORTDESK_GROOVE_TOKEN": "a-token", "SUPPORTDESK_TRELLO_KEY": "b-key",
           "SUPPORTDESK_TRELLO_TOKEN": "c-tok"}
    creds = load_credentials(env)
    assert creds.missing() == []


def test_absent_keyring_explains_env_way() -> None:
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(CredentialsError) as info:
        load_credentials({"SUPPORTDESK_GROOVE_TOKEN": "a-token"})
    assert "SUPPORTDESK_TRELLO_KEY" in str(info.value) and "a-token" not in str(info.value)
    with pytest.raises(CredentialsError, match="SUPPORTDESK_GROOVE_TOKEN"):
        store_credentials({"groove_token": "zzz-secret"})


def test_unknown_credential_name_refused() -> None:
    with pytest.raises(CredentialsError, match="unknown credential"):
        store_credentials({"password": "x"})


def test_keyring_problem_is_none_only_with_a_usable_backend(isolated: MemoryKeyring) -> None:
    from keyring.backends import fail, null

    from supportdesk_tui.credentials import keyring_problem, no_keyring_help

    assert keyring_problem() is None
    for backend in (fail.Keyring(), null.Keyring(), BrokenKeyring()):
        keyring.set_keyring(backend)
        assert keyring_problem() == no_keyring_help()
