"""`supportdesk init` from end to end, minus the terminal: discover, propose, ask once, write, check.

The CLI hands in how to ask and how to print, so the whole flow runs the same in a terminal and in
the tests. Expected failures end as :class:`InitError`, one sentence, exit 2; a file that is there
already is refused without ``--force`` (exit 1, the file untouched).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from supportdesk_tui.clients.errors import ApiError, AuthError
from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.account import BoardOutline
from supportdesk_tui.services.config_write import write_atomically
from supportdesk_tui.services.errors import credential_sentence
from supportdesk_tui.services.setup.discover import Discovery, discover
from supportdesk_tui.services.setup.proposal import Proposal, build_proposal, validate

Ask = Callable[[str], str]
Say = Callable[[str], None]


class InitError(Exception):
    """Why init stopped, in one sentence (never a secret): exit 2."""


class ExistingConfigError(InitError):
    """The config file is there and ``--force`` was not given: exit 1, the file untouched."""


@dataclass(frozen=True)
class InitOptions:
    config_path: Path
    groove_url: str
    trello_url: str
    yes: bool = False
    force: bool = False
    print_only: bool = False
    me: str | None = None


def refuse_existing(options: InitOptions) -> str | None:
    """The sentence for a config file that is there already and may not be replaced."""
    if options.config_path.exists() and not options.force and not options.print_only:
        return (f"{options.config_path} already exists and was left unchanged: use --force to replace it, "
                "or --print to see what init would write.")
    return None


async def discover_account(options: InitOptions, credentials: Credentials,
                           choose_epics: Callable[[Sequence[BoardOutline]], BoardOutline | None] | None,
                           ) -> Discovery:
    """Build short-lived clients on the given URLs, read the account, close them; errors as InitError."""
    from supportdesk_tui.clients.trello.facade import TrelloClient

    trello = TrelloClient(options.trello_url, credentials.trello_key or "", credentials.trello_token or "")
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0)) as http:
            groove = GrooveClient(http, options.groove_url, credentials.groove_token or "", retry_attempts=2,
                                  max_retry_wait=5)
            return await discover(groove, trello, choose_epics=choose_epics)
    except AuthError as exc:
        # The app's and doctor's sentence, with the status as it came (a 403 is not a 401).
        raise InitError(f"{credential_sentence(exc)}; nothing was written.") from None
    except ApiError as exc:
        raise InitError(f"Could not read the account ({exc}); nothing was written.") from None
    finally:
        await trello.aclose()


def pick_epics(ask: Ask | None, say: Say) -> Callable[[Sequence[BoardOutline]], BoardOutline | None]:
    """Several boards look like Support Epics: ask which (by number), or pick none when nobody can answer."""
    def choose(candidates: Sequence[BoardOutline]) -> BoardOutline | None:
        if ask is None:
            say(f"{len(candidates)} boards are named like \"Support Epics\" ("
                + ", ".join(f'"{b.name}"' for b in candidates) + "): none picked (--yes); set it by hand.")
            return None
        say("Several boards are named like \"Support Epics\":")
        for i, board in enumerate(candidates, 1):
            say(f"  {i}. {board.name}")
        answer = ask(f"Which one is the Support Epics board? [1-{len(candidates)}, empty for none]").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(candidates):
            return candidates[int(answer) - 1]
        return None

    return choose


def show(proposal: Proposal, say: Say) -> None:
    say(proposal.text.rstrip())
    for note in proposal.notes:
        say(f"note: {note}")


def left_lines(proposal: Proposal) -> list[str]:
    return [f"  - {item.line()}" for item in proposal.left]


async def run_init(options: InitOptions, credentials: Credentials, *, ask: Ask | None, say: Say,
                   doctor: Callable[[Path], Awaitable[Sequence[str]]] | None = None) -> int:
    """The whole command. ``ask`` is None when nobody can answer (``--yes`` or no terminal)."""
    refusal = refuse_existing(options)
    if refusal:
        raise ExistingConfigError(refusal)
    asker = None if options.yes else ask
    found = await discover_account(options, credentials, pick_epics(asker, say))
    me = options.me
    if me is None and asker is not None and found.agents:
        say("Groove agents: " + ", ".join(a.email for a in found.agents))
        me = asker("Your email as a Groove agent (empty to leave it for later)").strip() or None
    proposal = build_proposal(found, me_email=me, epics_asked=len(found.epics_candidates) > 1)
    validate(proposal.text, options.config_path)
    show(proposal, say)
    if options.print_only:
        return 0
    if asker is not None:
        answer = asker(f"Write this to {options.config_path}? [y/N]").strip().lower()
        if answer not in ("y", "yes"):
            say("Nothing was written.")
            return 1
    options.config_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(options.config_path, proposal.text)  # the same atomic, checked write as any config change
    say(f"Wrote {options.config_path}.")
    if doctor is not None:
        say("Checking it as `supportdesk doctor` does:")
        for line in await doctor(options.config_path):
            say(f"  {line}")
    if proposal.left:
        say("Left for you to fill in (in that file):")
        for line in left_lines(proposal):
            say(line)
    else:
        say("Nothing is left to fill in.")
    return 0
