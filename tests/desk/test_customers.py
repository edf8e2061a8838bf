"""Customer lookup by sender domain, and a remembered domain reaching every service at once."""

from __future__ import annotations

from typing import Any

import pytest

from supportdesk_tui.domain.customers import Customer, CustomerDirectory

ACME = Customer("Acme Ltd", "b1", ("acme.example",))
BLUE = Customer("Bluebird", "b2", ("bluebird.example", "bb.example"))


@pytest.mark.parametrize(("email", "name"), [
    ("wile@acme.example", "Acme Ltd"), ("X@ACME.EXAMPLE", "Acme Ltd"), ("a@mail.acme.example", "Acme Ltd"),
    ("t@bb.example", "Bluebird"), ("t@notacme.example", None), ("someone@gmail.com", None),
    ("no-at-sign", None), ("", None), (None, None),
])
def test_lookup(email: str | None, name: str | None) -> None:
    found = CustomerDirectory([ACME, BLUE]).for_email(email)
    assert (found.name if found else None) == name


def test_add_domain() -> None:
    directory = CustomerDirectory([ACME, BLUE])
    directory.add_domain("Acme Ltd", "@Acme-Mail.example")
    found = directory.for_email("x@acme-mail.example")
    assert found is not None and found.name == "Acme Ltd"
    assert directory.by_name("Acme Ltd") is not None
    assert "acme-mail.example" in directory.by_name("Acme Ltd").email_domains  # type: ignore[union-attr]
    directory.add_domain("Nobody", "n.example")
    assert directory.for_email("x@n.example") is None


def test_services_share_one_directory(make_app: Any) -> None:
    services = make_app().services
    assert services.inbox.directory is services.triage.directory is services.context.directory
    services.triage.directory.add_domain("Acme Ltd", "acme-mail.example")
    found = services.inbox.directory.for_email("x@acme-mail.example")
    assert found is not None and found.name == "Acme Ltd"
