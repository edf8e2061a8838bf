"""A believable week of Trello for the demo: one board per demo customer, plus Support Epics.

Each customer board has the lists New Issues, Up next, Recently Completed and Done with 8-20 cards:
some labelled with estimates (``est:0.5d``...), some with a developer, some with due dates. The cards in
Recently Completed got there last week (their ``createCard`` actions are dated then), so the week's
close-out has work to do. Cards
raised from Groove tickets carry the ticket link ``https://consultancy.groovehq.com/t/<number>`` in
their description; that link is how the app pairs a card with its ticket.

The Support Epics board holds copies of SOME (deliberately not all) Up next cards. A copy's
description ends with the link-back line ``Source: https://trello.com/c/<source shortLink>``
(:func:`source_marker`), the key by which the app tells which cards already have a copy, so the
demo opens with copies missing for the app to repair.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from supportdesk_tui.fakes.demo_customers import (
    DEMO_AGENTS,
    DEMO_CUSTOMERS,
    DEMO_DEVELOPERS,
    SUPPORT_EPICS_BOARD_ID,
    DemoCustomer,
)
from supportdesk_tui.fakes.trello.server import TrelloFake

CUSTOMER_LISTS = ("New Issues", "Up next", "Recently Completed", "Done")
EPIC_LISTS = ("Up next", "In progress", "Done")
TICKET_URL = "https://consultancy.groovehq.com/t/{number}"
SOURCE_PREFIX = "Source: https://trello.com/c/"
ESTIMATES = ("est:0.5d", "est:1d", "est:1d", "est:2d", "est:3d")
KINDS = (("bug", "red"), ("feature", "green"), ("chore", "sky"))

_WORK = (
    "Password reset email never arrives", "Export to CSV times out on large ranges",
    "Add VAT number to invoices", "Search ignores accented characters", "Dashboard slow on Monday mornings",
    "Upgrade payment SDK before deprecation", "Layout broken on iPad Safari",
    "Duplicate notifications after rescheduling", "Session expires during long forms",
    "Audit log for admin changes", "Nightly sync fails silently", "Translate error messages to Spanish",
    "Uploads over 10 MB rejected", "Clearer onboarding checklist copy", "Monthly usage report",
    "Wrong time zone on confirmation emails", "Archive records past retention period", "Bulk edit for price lists",
    "Keyboard focus order on checkout", "SSO login loop with Azure AD", "Remove legacy v1 endpoints",
    "Rate-limit the public signup form", "Printable summary page", "Date picker starts on Sunday",
)
_PRODUCT_WORK = (
    "{product}: 500 error when saving drafts", "{product}: filter by status", "{product}: faster first load",
    "{product}: import from spreadsheet", "{product}: email digest opt-out",
)
_TICKET_WORK = ("Reported: {topic}", "{topic} (from support)", "Customer asks: {topic}")


def source_marker(short_link: str) -> str:
    """The link-back line a Support Epics copy carries in its description (the pairing key)."""
    return f"{SOURCE_PREFIX}{short_link}"


def ticket_link(number: int) -> str:
    return TICKET_URL.format(number=number)


def seed_trello(fake: TrelloFake, now: datetime, *,
                ticket_numbers_by_customer: Mapping[str, Sequence[int]] | None = None, seed: str = "demo",
                ticket_titles: Mapping[int, str] | None = None) -> None:
    """Fill ``fake`` with the demo boards; the same ``seed`` and ``now`` give the same content.

    ``ticket_numbers_by_customer`` maps a customer's name (or e-mail domain) to Groove ticket
    numbers; the most recent of them (as many as fit in the board's 8-20 cards) get a card each.
    """
    names = {email.split("@", 1)[0]: name for name, email in DEMO_AGENTS}
    for username in DEMO_DEVELOPERS:
        fake.add_member(username, names.get(username, username.title()))
    numbers = ticket_numbers_by_customer or {}
    up_next: list[tuple[DemoCustomer, str]] = []
    completed: list[tuple[DemoCustomer, str]] = []
    for customer in DEMO_CUSTOMERS:
        rng = random.Random(f"{seed}:trello:{customer.name}")
        tickets = list(numbers.get(customer.name) or numbers.get(customer.domain) or ())
        cards = _seed_customer(fake, customer, now, rng, tickets, ticket_titles or {})
        up_next += [(customer, c) for c in cards["Up next"]]
        completed += [(customer, c) for c in cards["Recently Completed"]]
    _seed_epics(fake, now, random.Random(f"{seed}:trello:epics"), up_next, completed)


def _seed_customer(fake: TrelloFake, customer: DemoCustomer, now: datetime, rng: random.Random,
                   tickets: list[int], titles: Mapping[int, str]) -> dict[str, list[str]]:
    board = fake.add_board(customer.board_id, customer.name, CUSTOMER_LISTS, members=DEMO_DEVELOPERS)
    for name, color in KINDS:
        fake.add_label(board, name, color)
    for estimate in sorted(set(ESTIMATES)):
        fake.add_label(board, estimate, "purple")
    total = rng.randint(8, 20)
    linked = tickets[-max(0, min(len(tickets), total - 5)):] if tickets else []
    # Up to three placed first so every board has Up next work (some of it copied to the epics board).
    places = ["Up next", "Up next", "Up next", "Recently Completed", "Done"]
    places += rng.choices(CUSTOMER_LISTS, weights=(2, 3, 2, 3), k=total - len(linked) - len(places))
    topics = rng.sample(_WORK, k=len(_WORK))
    made: dict[str, list[str]] = {name: [] for name in CUSTOMER_LISTS}
    for i, number in enumerate(linked):
        topic = topics.pop() if topics else f"{customer.product} question"
        contact = rng.choice(customer.contacts)[0]
        list_name = "Up next" if i % 3 == 2 else "New Issues"
        desc = (f"{contact} wrote in about this on Groove.\n\nTicket: {ticket_link(number)}\n\n"
                f"Affects the {customer.product}.")
        name = titles.get(number) or rng.choice(_TICKET_WORK).format(topic=topic)  # the ticket's subject if known
        made[list_name].append(_card(fake, board, list_name, name, desc, now, rng))
    for list_name in places:
        title = topics.pop() if topics and rng.random() < 0.75 else rng.choice(_PRODUCT_WORK).format(
            product=customer.product)
        desc = f"Agreed on the weekly call with {rng.choice(customer.contacts)[0]}."
        made[list_name].append(_card(fake, board, list_name, title, desc, now, rng))
    # One archived card: hidden by cards=visible, found by a search over all cards.
    fake.add_card(board, "Done", "Old spike: evaluate PDF library", desc="Archived after the decision.",
                  closed=True, created=now - timedelta(days=60))
    return made


def _card(fake: TrelloFake, board: str, list_name: str, name: str, desc: str, now: datetime,
          rng: random.Random) -> str:
    labels: list[str] = []
    if list_name in ("New Issues", "Up next") and rng.random() < 0.6:
        labels.append(rng.choice(ESTIMATES))
    if rng.random() < 0.5:
        labels.append(rng.choice(KINDS)[0])
    members = [rng.choice(DEMO_DEVELOPERS)] if list_name != "New Issues" and rng.random() < 0.7 else []
    due = None
    if list_name == "Up next" and rng.random() < 0.4:
        due = (now + timedelta(days=rng.randint(-2, 9))).replace(hour=17, minute=0, second=0, microsecond=0)
    days = rng.randint(0, 3) if list_name == "New Issues" else rng.randint(3, 40)
    if list_name == "Recently Completed":
        days = 1 if days % 5 == 0 else 6 + days % 5  # mostly last week: what the close-out moves on
    age = timedelta(days=days, hours=rng.randint(0, 23))
    return fake.add_card(board, list_name, name, desc=desc, labels=labels, members=members, due=due,
                         created=now - age, username=rng.choice(DEMO_DEVELOPERS))


def _seed_epics(fake: TrelloFake, now: datetime, rng: random.Random, up_next: list[tuple[DemoCustomer, str]],
                completed: list[tuple[DemoCustomer, str]]) -> None:
    fake.add_board(SUPPORT_EPICS_BOARD_ID, "Support Epics", EPIC_LISTS, members=DEMO_DEVELOPERS)
    by_customer: dict[str, list[str]] = {}
    for customer, card_id in up_next:
        by_customer.setdefault(customer.name, []).append(card_id)
    for customer_name, card_ids in by_customer.items():
        # About half, never all: at least one Up next card per customer is left without a copy.
        chosen = rng.sample(card_ids, k=max(1, len(card_ids) // 2)) if len(card_ids) > 1 else []
        for card_id in chosen:
            _copy(fake, customer_name, card_id, "In progress" if rng.random() < 0.25 else "Up next")
    for customer, card_id in completed[::3]:
        _copy(fake, customer.name, card_id, "Done")


def _copy(fake: TrelloFake, customer_name: str, card_id: str, list_name: str) -> None:
    source = fake.card(card_id)
    desc = f"{source['desc']}\n\n{source_marker(source['shortLink'])}".lstrip()
    fake.copy_card(card_id, SUPPORT_EPICS_BOARD_ID, list_name, name=f"{customer_name}: {source['name']}",
                   desc=desc, keep="labels,members,due")
