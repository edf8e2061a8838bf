"""New customer emails for the fake Groove: who writes and what about (used by the seed and by
:meth:`GrooveFake.simulate_arrival`). Kept apart from the seed so the server needs nothing from it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS

UNMAPPED_SENDERS: tuple[tuple[str, str], ...] = (
    ("Jamie Rivers", "jamie.rivers@gmail.com"),
    ("Kofi Mensah", "kofi.mensah@outlook.com"),
    ("Elena Rossi", "elena.rossi85@gmail.com"),
    ("Pat Doyle", "patdoyle@hotmail.co.uk"),
)
SPAMMERS: tuple[tuple[str, str], ...] = (
    ("Growth Team", "offers@rank-boost.example"),
    ("Lena from LeadGen", "lena@leadgen-pros.example"),
)

# (subject, first message, tag); {product} is the customer's product.
ISSUES: tuple[tuple[str, str, str], ...] = (
    ("Checkout button does nothing on the {product}",
     "Since this morning the checkout button on the {product} does nothing when clicked. "
     "Customers are phoning us instead. Can you take a look?", "bug"),
    ("Can't log in to the {product}",
     "Three of our staff can't log in to the {product}; they get 'invalid session' straight after "
     "entering their password.", "login"),
    ("Password reset email never arrives",
     "A user asked for a password reset an hour ago and nothing has arrived, not even in spam.", "login"),
    ("Invoice export shows the wrong VAT rate",
     "The invoice export from the {product} uses 5% VAT on items that should be 20%. "
     "Our accountant spotted it in this month's figures.", "billing"),
    ("{product} very slow since yesterday",
     "Pages in the {product} take 10-15 seconds to load since yesterday afternoon.", "performance"),
    ("Error 500 when uploading a CSV",
     "Uploading our weekly CSV to the {product} fails with 'Error 500'. The file is attached to the "
     "shared drive as before.", "bug"),
    ("Feature request: bulk edit",
     "Would it be possible to edit several records at once in the {product}? We spend hours on this "
     "every Friday.", "feature-request"),
    ("Data missing after the release",
     "After last night's release some records from last week are missing in the {product}.", "bug"),
    ("How do I add a new user?",
     "We have a new starter on Monday. How do I give her access to the {product}?", "question"),
    ("Report totals don't match the dashboard",
     "The monthly report says 1,204 but the dashboard in the {product} says 1,187.", "reporting"),
    ("Mobile layout broken on iPhone",
     "On iPhones the menu in the {product} covers half the screen and can't be closed.", "bug"),
    ("Search finds nothing for accented names",
     "Searching for 'Müller' or 'José' in the {product} finds nothing; plain names work.", "bug"),
    ("Dates shown in US format",
     "The date picker in the {product} shows 03/04 for the 3rd of April. Can it use UK dates?", "question"),
    ("Urgent: {product} is down",
     "The {product} shows a blank page for everyone in our office. Please help, we can't work.", "outage"),
)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One new customer email: who wrote it and what it says."""

    email: str
    name: str
    subject: str
    body: str


def _sender(rng: random.Random) -> tuple[str, str, str]:
    """(name, email, product): a demo customer's contact, or (about 5%) an unmapped sender."""
    if rng.random() < 0.05:
        name, email = rng.choice(UNMAPPED_SENDERS)
        return name, email, "system"
    customer = rng.choice(DEMO_CUSTOMERS)
    name, local = rng.choice(customer.contacts)
    return name, f"{local}@{customer.domain}", customer.product


def issue(rng: random.Random) -> tuple[Arrival, str]:
    name, email, product = _sender(rng)
    subject, text, tag = rng.choice(ISSUES)
    body = f"Hello,\n\n{text.format(product=product)}\n\nThanks,\n{name.split()[0]}"
    return Arrival(email, name, subject.format(product=product), body), tag


def random_arrival(rng: random.Random) -> Arrival:
    """A new customer email, as :meth:`GrooveFake.simulate_arrival` and the seed make them."""
    return issue(rng)[0]

