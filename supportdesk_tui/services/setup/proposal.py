"""The config file `supportdesk init` proposes: TOML text with a comment on every guess, and the list of
what is left for a person to fill in.

The text is built with tomlkit (imported here only, so the app's start never pays for it) because a
comment beside each value is the point: the reader sees why each line is there ("guessed from 4
backlogged cards") and which lines still need them. The text is validated by the same parser the
app uses before anyone is asked to write it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportdesk_tui.config import parse_settings
from supportdesk_tui.domain.account import Agent
from supportdesk_tui.domain.words import count_of
from supportdesk_tui.services.setup.discover import DEFAULT_LISTS, Discovery


@dataclass(frozen=True, slots=True)
class LeftOver:
    """One thing init could not decide: the key, and why, in a sentence."""

    key: str
    why: str

    def line(self) -> str:
        return f"{self.key}: {self.why}"


@dataclass(frozen=True)
class Proposal:
    text: str
    left: tuple[LeftOver, ...]
    notes: tuple[str, ...] = field(default=())  # what was seen but not used (public domains, odd boards)


def _note(item: Any, text: str) -> None:
    """A comment beside a value, two spaces off it as PEP 8 has it for code."""
    item.comment(text)
    item.trivia.comment_ws = "  "



def find_me(agents: Sequence[Agent], email: str | None) -> Agent | None:
    if not email:
        return None
    wanted = email.strip().casefold()
    return next((a for a in agents if a.email.casefold() == wanted), None)


def build_proposal(found: Discovery, *, me_email: str | None, epics_asked: bool) -> Proposal:
    """The file text and what is left. ``epics_asked``: several epics candidates and nobody picked one."""
    import tomlkit

    left: list[LeftOver] = []
    notes: list[str] = []
    doc = tomlkit.document()
    doc.add(tomlkit.comment("supportdesk configuration, proposed by `supportdesk init` from what the account shows."))
    doc.add(tomlkit.comment("Lines marked \"guessed\" are guesses: check them. Keys left out keep their defaults."))
    doc.add(tomlkit.nl())

    groove = tomlkit.table()
    if found.subdomain:
        groove.add("subdomain", found.subdomain)
        links = count_of(found.subdomain_links, "Groove ticket link")
        _note(groove["subdomain"], f"guessed from {links} on the boards")
    else:
        left.append(LeftOver("groove.subdomain", "no card links a Groove ticket, so the subdomain is unknown "
                                                 "(the part before .groovehq.com)"))
        groove.add(tomlkit.comment('subdomain = "..."  # LEFT: your Groove subdomain, as in https://<it>.groovehq.com'))
    doc.add("groove", groove)

    trello = tomlkit.table()
    if found.epics is not None:
        trello.add("support_epics_board", found.epics.id)
        how = "the board you picked" if len(found.epics_candidates) > 1 else "guessed: the only board named like it"
        _note(trello["support_epics_board"], f'"{found.epics.name}" ({how})')
    else:
        why = (f"{len(found.epics_candidates)} boards are named like \"Support Epics\" and none was picked"
               if epics_asked else "no open board is named like \"Support Epics\"")
        left.append(LeftOver("trello.support_epics_board", why))
        trello.add(tomlkit.comment(f'support_epics_board = "..."  # LEFT: {why}'))
    spelled = {k: v for k, v in found.lists.items() if v != DEFAULT_LISTS[k]}
    if spelled:
        lists = tomlkit.table()
        for key, name in spelled.items():
            lists.add(key, name)
            _note(lists[key], "as the customer boards spell it")
        trello.add("lists", lists)
    doc.add("trello", trello)

    customers = tomlkit.aot()
    for guess in found.customers:
        entry = tomlkit.table()
        entry.add("name", guess.name)
        _note(entry["name"], f'guessed from the board\'s name "{guess.board.name}"'
                              if guess.name != guess.board.name else "the board's name")
        entry.add("trello_board", guess.board.id)
        _note(entry["trello_board"], "it holds the four lists")
        domains = tomlkit.array()
        domains.extend(d.domain for d in guess.domains)
        entry.add("email_domains", domains)
        if guess.domains:
            tickets = sum(d.tickets for d in guess.domains)
            _note(entry["email_domains"], f"guessed from {count_of(guess.marked_cards, 'backlogged card')} "
                                           f"({count_of(tickets, 'ticket')} read)")
        else:
            why = ("no card on its board links a Groove ticket" if not guess.marked_cards else
                   f"the tickets its {count_of(guess.marked_cards, 'backlogged card')} link came from public "
                   "mail domains or several customers")
            _note(entry["email_domains"], f"LEFT: {why}")
            left.append(LeftOver(f"customers.{guess.name}.email_domains", why))
        customers.append(entry)
    if found.customers:
        doc.add("customers", customers)
    else:
        left.append(LeftOver("customers", "no open board holds the lists " + ", ".join(
            f'"{n}"' for n in found.lists.values())))
        doc.add(tomlkit.comment("[[customers]]  # LEFT: no customer board was found"))

    team = tomlkit.table()
    me = find_me(found.agents, me_email)
    if me is not None:
        team.add("me", me.email)
        _note(team["me"], f"the Groove agent {me.full_name or me.email}")
    else:
        why = (f"{me_email} is not one of the account's {count_of(len(found.agents), 'Groove agent')}" if me_email
               else "your email as a Groove agent (init was not told it: --me EMAIL)")
        left.append(LeftOver("team.me", why))
        team.add(tomlkit.comment(f'me = "..."  # LEFT: {why}'))
    developers = tomlkit.array()
    developers.extend(m.username for m in found.epics_members)
    team.add("developers", developers)
    if found.epics_members:
        _note(team["developers"], f'guessed from the members of "{found.epics.name if found.epics else ""}"')
    else:
        left.append(LeftOver("team.developers", "no Support Epics board to read the team from: "
                                                "list the developers' Trello usernames"))
        _note(team["developers"], "LEFT: the developers' Trello usernames")
    team.add("triage_leads", tomlkit.array())
    _note(team["triage_leads"], "LEFT: who can lead triage, from developers (used by the Planning rota)")
    left.append(LeftOver("team.triage_leads", "who can lead triage: a choice for the team, not in any account"))
    doc.add("team", team)

    for bad in found.incomplete:
        notes.append(f'Board "{bad.board.name}" lacks the list(s) {", ".join(map(repr, bad.missing))}: '
                     "it was not taken as a customer's board; add the lists, or an entry by hand.")
    for name in found.unreadable_boards:
        notes.append(f'The cards of "{name}" could not be read, so its email domains are not guessed.')
    if found.public_domains:
        notes.append("Public mail domains seen on linked tickets and never used: "
                     + ", ".join(sorted(found.public_domains)) + ".")
    for domain, names in sorted(found.shared_domains.items()):
        notes.append(f"{domain} sent tickets linked from several boards ({', '.join(names)}): given to none.")
    if found.tickets_missing:
        notes.append(f"{count_of(found.tickets_missing, 'linked ticket')} could not be read (deleted or moved).")
    return Proposal(tomlkit.dumps(doc), tuple(left), tuple(notes))


def validate(text: str, config_path: Path) -> None:
    """Parse the text as the app will; raises ``ConfigError`` (init's own bug if it ever does)."""
    data: dict[str, Any] = tomllib.loads(text)
    parse_settings(data, config_path=config_path, data_dir=config_path.parent)
