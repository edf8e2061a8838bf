"""One reading of a sender's email domain, shared by the ticket, the customer directory and `init`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from supportdesk_tui.domain.customers import Customer, CustomerDirectory
from supportdesk_tui.domain.mail_domains import email_domain
from supportdesk_tui.domain.tickets import Ticket

ACME = Customer("Acme Ltd", "b1", ("acme.example",))
WHEN = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)

CASES = [
    ("wile@acme.example", "acme.example"),
    ("Wile@ACME.Example", "acme.example"),  # case
    ("  wile@acme.example \n", "acme.example"),  # whitespace around the address
    ("wile@ acme.example ", "acme.example"),  # ... and around its domain
    ("wile@acme.example.", "acme.example"),  # a fully qualified trailing dot
    ("Wile E. Coyote <wile@acme.example>", "acme.example"),  # display-name form
    ('"Coyote, Wile" <Wile@Acme.Example>', "acme.example"),
    ("<wile@acme.example>", "acme.example"),
    ('"a@b"@acme.example', "acme.example"),  # an @ inside a quoted local part: the last one counts
    ("wile@mail.acme.example", "mail.acme.example"),
    ("no-at-sign", None),  # missing @
    ("wile@", None),
    ("@acme.example", None),  # no one before the @
    ("wile@localhost", None),  # not a domain a customer can be configured with
    ("wile@acme example", None),
    ("Wile <wile@acme.example", None),  # an unclosed bracket is not an address
    ("   ", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("address", "domain"), CASES)
def test_email_domain(address: str | None, domain: str | None) -> None:
    assert email_domain(address) == domain


@pytest.mark.parametrize(("address", "domain"), CASES)
def test_the_ticket_and_the_directory_read_the_domain_the_same_way(address: str | None, domain: str | None) -> None:
    ticket = Ticket(1, "Help", "opened", WHEN, WHEN, customer_email=address)
    assert ticket.customer_domain == domain
    found = CustomerDirectory([ACME]).for_email(address)
    assert (found.name if found else None) == ("Acme Ltd" if domain and domain.endswith("acme.example") else None)
