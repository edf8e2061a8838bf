"""Discovery for `supportdesk init`: what the account already says about customers, boards and team.

Every request here is a read. The order keeps the wall time to a handful of round trips whatever the
number of boards: the boards (with their lists, one request) and Groove's agents together; then the
customer boards' card descriptions (ten boards per ``/batch``) and the epics board's members together;
then a bounded number of tickets, a few at a time, named by the cards' Groove links (the backlog
marker the app itself writes), whose customers' email domains say which domains are whose.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from supportdesk_tui.clients.errors import ApiError, AuthError
from supportdesk_tui.clients.groove import GrooveClient
from supportdesk_tui.clients.trello.facade import TrelloClient
from supportdesk_tui.config import ListNames
from supportdesk_tui.domain.account import (
    Agent,
    BoardOutline,
    TicketLink,
    customer_name,
    looks_like_epics,
    matching_lists,
    ticket_links,
)
from supportdesk_tui.domain.boards import Member
from supportdesk_tui.domain.mail_domains import email_domain, is_public_domain

DEFAULT_LISTS: dict[str, str] = {key: getattr(ListNames(), key) for key in ("new", "up_next", "completed", "done")}
"""The four lists a customer board holds, as the config names them by default."""
TICKETS_PER_BOARD = 4  # the most recent linked tickets read per board: enough to see its domains
TICKET_CONCURRENCY = 10  # Groove requests in flight at once
# A board with at least this many of the four lists, but not all, is reported as incomplete.
NEAR_MISS = 2

EpicsChooser = Callable[[Sequence[BoardOutline]], BoardOutline | None]


@dataclass(frozen=True, slots=True)
class DomainGuess:
    domain: str
    tickets: int  # how many of the board's linked tickets came from it


@dataclass(frozen=True, slots=True)
class CustomerGuess:
    name: str
    board: BoardOutline
    marked_cards: int  # cards whose description links a Groove ticket
    domains: tuple[DomainGuess, ...] = ()


@dataclass(frozen=True, slots=True)
class IncompleteBoard:
    board: BoardOutline
    missing: tuple[str, ...]  # the configured list names it lacks


@dataclass(frozen=True)
class Discovery:
    """Everything `init` guessed, with the evidence for each guess (counts, not certainties)."""

    lists: dict[str, str]  # key -> the name as the boards spell it
    customers: tuple[CustomerGuess, ...]
    incomplete: tuple[IncompleteBoard, ...]
    epics: BoardOutline | None
    epics_candidates: tuple[BoardOutline, ...]
    subdomain: str | None
    subdomain_links: int
    agents: tuple[Agent, ...]
    epics_members: tuple[Member, ...]
    unreadable_boards: tuple[str, ...] = ()
    public_domains: Counter[str] = field(default_factory=Counter)  # seen on linked tickets, never mapped
    shared_domains: dict[str, tuple[str, ...]] = field(default_factory=dict)  # claimed by several boards
    tickets_read: int = 0
    tickets_missing: int = 0


def classify(boards: Sequence[BoardOutline], wanted: dict[str, str]) -> tuple[
        list[tuple[BoardOutline, dict[str, str]]], list[IncompleteBoard], list[BoardOutline]]:
    """(customer boards with their lists' spellings, incomplete boards, epics candidates)."""
    customers: list[tuple[BoardOutline, dict[str, str]]] = []
    incomplete: list[IncompleteBoard] = []
    epics: list[BoardOutline] = []
    for board in boards:
        found = matching_lists(board, wanted.values())
        if len(found) == len(wanted):  # all four lists: a customer's, whatever it is called
            customers.append((board, found))
        elif looks_like_epics(board.name):
            epics.append(board)
        elif len(found) >= NEAR_MISS:
            incomplete.append(IncompleteBoard(board, tuple(n for n in wanted.values() if n not in found)))
    return customers, incomplete, epics


def _spellings(customers: Sequence[tuple[BoardOutline, dict[str, str]]], wanted: dict[str, str]) -> dict[str, str]:
    """The most common spelling of each list across the customer boards (the default when none)."""
    out: dict[str, str] = {}
    for key, name in wanted.items():
        seen = Counter(found[name] for _, found in customers)
        out[key] = seen.most_common(1)[0][0] if seen else name
    return out


async def discover(groove: GrooveClient, trello: TrelloClient, *, choose_epics: EpicsChooser | None = None,
                   lists: dict[str, str] | None = None, tickets_per_board: int = TICKETS_PER_BOARD,
                   concurrency: int = TICKET_CONCURRENCY) -> Discovery:
    """Read the account and guess. Raises the clients' errors (``AuthError`` first of all) unchanged."""
    wanted = dict(lists or DEFAULT_LISTS)
    boards, agents = await asyncio.gather(trello.boards_with_lists(), groove.list_agents())
    customer_boards, incomplete, candidates = classify(boards, wanted)
    epics = candidates[0] if len(candidates) == 1 else None
    if len(candidates) > 1 and choose_epics is not None:
        epics = choose_epics(candidates)

    descriptions_job = trello.card_descriptions([b.id for b, _ in customer_boards]) if customer_boards else _none()
    members_job = trello.board_members(epics.id) if epics is not None else _no_members()
    descriptions, members = await asyncio.gather(descriptions_job, members_job)

    subdomains: Counter[str] = Counter()
    links_of: dict[str, list[TicketLink]] = {}
    marked: dict[str, int] = {}
    for board, _ in customer_boards:
        cards = [ticket_links(desc) for desc in descriptions.get(board.id) or ()]
        marked[board.id] = sum(1 for links in cards if links)
        links_of[board.id] = [link for links in cards for link in links]
        subdomains.update(link.subdomain for link in links_of[board.id])
    subdomain = subdomains.most_common(1)[0][0] if subdomains else None
    # Only links to the account's own subdomain name its tickets; the most recent few per board.
    wanted_tickets = {board: sorted({lk.number for lk in links if lk.subdomain == subdomain}, reverse=True)
                      [:tickets_per_board] for board, links in links_of.items()}
    domains_of, read, missing = await _ticket_domains(groove, wanted_tickets, concurrency)
    team_domains = {email_domain(a.email) for a in agents}
    owned, public, shared = _assign_domains(domains_of, team_domains)
    names = {board.id: customer_name(board.name) for board, _ in customer_boards}
    customers = [CustomerGuess(names[board.id], board, marked[board.id], tuple(owned.get(board.id, ())))
                 for board, _ in customer_boards]
    return Discovery(
        lists=_spellings(customer_boards, wanted), customers=tuple(customers), incomplete=tuple(incomplete),
        epics=epics, epics_candidates=tuple(candidates), subdomain=subdomain,
        subdomain_links=subdomains[subdomain] if subdomain else 0, agents=tuple(agents), epics_members=members,
        unreadable_boards=tuple(b.name for b, _ in customer_boards if descriptions.get(b.id) is None),
        public_domains=public, shared_domains={d: tuple(names[b] for b in ids) for d, ids in shared.items()},
        tickets_read=read, tickets_missing=missing)


def _assign_domains(domains_of: dict[str, list[str]], team_domains: set[str | None]) -> tuple[
        dict[str, list[DomainGuess]], Counter[str], dict[str, tuple[str, ...]]]:
    """(guesses by board, public domains seen, domains shared by boards with no clear owner).

    A domain linked from several boards goes to the one with more of its tickets than all the others
    together (a card filed on the wrong board does not move a customer); otherwise to none. The team's
    own domain is never a customer's.
    """
    public: Counter[str] = Counter()
    claims: dict[str, Counter[str]] = {}
    for board_id, found in domains_of.items():
        for domain in found:
            if is_public_domain(domain):
                public[domain] += 1
            elif domain not in team_domains:
                claims.setdefault(domain, Counter())[board_id] += 1
    owned: dict[str, list[DomainGuess]] = {}
    shared: dict[str, tuple[str, ...]] = {}
    for domain, counts in claims.items():
        (top, most), *rest = counts.most_common()
        if most > sum(n for _, n in rest):
            owned.setdefault(top, []).append(DomainGuess(domain, most))
        else:
            shared[domain] = tuple(sorted(counts))
    for guesses in owned.values():
        guesses.sort(key=lambda g: (-g.tickets, g.domain))
    return owned, public, shared


async def _none() -> dict[str, tuple[str, ...] | None]:
    return {}


async def _no_members() -> tuple[Member, ...]:
    return ()


async def _ticket_domains(groove: GrooveClient, wanted: dict[str, list[int]],
                          concurrency: int) -> tuple[dict[str, list[str]], int, int]:
    """Each board's linked tickets' customer domains; (domains by board, tickets read, tickets gone)."""
    slots = asyncio.Semaphore(max(1, concurrency))
    numbers = sorted({n for ns in wanted.values() for n in ns})

    async def one(number: int) -> str | ApiError | None:
        async with slots:
            try:
                ticket = await groove.get_ticket(number)
            except AuthError:
                raise  # a wrong token ends discovery: nothing else would read either
            except ApiError as exc:  # gone, or unreadable now: this ticket gives no evidence
                return exc
        return email_domain(ticket.customer_email)

    jobs: list[Awaitable[str | ApiError | None]] = [one(n) for n in numbers]
    answers = dict(zip(numbers, await asyncio.gather(*jobs), strict=True))
    gone = sum(isinstance(a, ApiError) for a in answers.values())
    out = {board: [a for n in ns if isinstance(a := answers[n], str)] for board, ns in wanted.items()}
    return out, len(numbers) - gone, gone

