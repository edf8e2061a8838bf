"""Checks for ``supportdesk login`` and ``supportdesk doctor``: each says what is wrong in words
and never prints a credential."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from supportdesk_tui.clients.errors import ApiError
from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import ENV_VARS, Credentials
from supportdesk_tui.domain.redact import redact
from supportdesk_tui.services.errors import credential_refused, credential_sentence


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def _why(exc: BaseException, secrets: tuple[str | None, ...]) -> str:
    if isinstance(exc, ApiError) and credential_refused(exc):
        return f"{credential_sentence(exc)} (it said: {exc})"  # the app's sentence, then the detail
    if isinstance(exc, ApiError):
        return str(exc)
    return redact(f"{type(exc).__name__}: {exc}", secrets)


async def check_groove(url: str, token: str) -> Check:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as http:
        client = GrooveClient(http, url, token, retry_attempts=2, max_retry_wait=5)
        try:
            detail = await client.check_auth()
        except Exception as exc:
            return Check("Groove API", False, _why(exc, (token,)))
    return Check("Groove API", True, detail)


async def check_trello(url: str, key: str, token: str) -> Check:
    from supportdesk_tui.clients.trello.facade import TrelloClient

    client = TrelloClient(url, key, token)
    try:
        detail = await client.check_auth()
    except Exception as exc:
        return Check("Trello API", False, _why(exc, (key, token)))
    finally:
        await client.aclose()
    return Check("Trello API", True, detail)


async def check_board_mapping(settings: Settings, credentials: Credentials) -> list[Check]:
    """Every configured board loads and has the configured lists."""
    from supportdesk_tui.clients.trello.facade import TrelloClient

    boards = [(c.name, c.trello_board) for c in settings.customers]
    if settings.trello.support_epics_board:
        boards.append(("Support Epics", settings.trello.support_epics_board))
    if not boards:
        return [Check("Board mapping", False, "no [[customers]] with trello_board in the config")]
    client = TrelloClient(settings.trello_url, credentials.trello_key or "", credentials.trello_token or "")
    names = settings.trello.lists
    checks: list[Check] = []
    try:
        for label, board_id in boards:
            if not board_id:
                checks.append(Check(f"Board of {label}", False, "trello_board is empty in [[customers]]"))
                continue
            try:
                board = await client.load_board(board_id)
            except Exception as exc:
                checks.append(Check(f"Board of {label}", False, _why(exc, credentials.secrets())))
                continue
            if label == "Support Epics":
                checks.append(Check("Support Epics board", True, f"{board.name!r}, {len(board.cards)} cards"))
                continue
            wanted = (names.new, names.up_next, names.completed, names.done)
            missing = [n for n in wanted if board.list_named(n) is None]
            if missing:
                checks.append(Check(f"Board of {label}", False,
                                    f"{board.name!r} has no list named {', '.join(map(repr, missing))} "
                                    "(set [trello.lists] to match)"))
            else:
                checks.append(Check(f"Board of {label}", True, f"{board.name!r}, {len(board.cards)} cards"))
    finally:
        await client.aclose()
    return checks


def check_email_domains(settings: Settings) -> list[Check]:
    """A customer with no email domain never gets a ticket pre-selected: say which (init lists them too)."""
    return [Check(f"Email domains of {c.name}", False, "none: set email_domains in its [[customers]] entry")
            for c in settings.customers if not c.email_domains]


async def run_doctor(settings: Settings, credentials: Credentials, *, keyring_advice: str | None = None) -> list[Check]:
    """``keyring_advice``: the shared no-keyring advice when the machine has no keyring (checked first)."""
    if settings.config_found:
        checks = [Check("Config", True, f"{settings.config_path} is valid")]
    else:
        checks = [Check("Config", False, f"no config file at {settings.config_path} "
                                         "(`supportdesk init` writes one; see README: Configuration)")]
    if keyring_advice is not None:
        checks.append(Check("Keyring", False, keyring_advice))
    for name in ("groove_token", "trello_key", "trello_token"):
        source = credentials.sources.get(name)
        if source:
            detail = f"present (from {source})"
        elif keyring_advice is not None:
            detail = f"missing: set {ENV_VARS[name]} (no keyring here: see above)"
        else:
            detail = "missing: run `supportdesk login` or set the SUPPORTDESK_* environment variable"
        checks.append(Check(f"Credential {name}", source is not None, detail))
    checks.extend(check_email_domains(settings))
    if credentials.groove_token:
        checks.append(await check_groove(settings.groove_url, credentials.groove_token))
    if credentials.trello_key and credentials.trello_token:
        trello = await check_trello(settings.trello_url, credentials.trello_key, credentials.trello_token)
        checks.append(trello)
        if trello.ok:
            checks.extend(await check_board_mapping(settings, credentials))
    return checks
