"""Which customer a ticket belongs to, from the sender's email domain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from supportdesk_tui.domain.mail_domains import email_domain


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer of the consultancy, as configured in ``[[customers]]``."""

    name: str
    trello_board: str
    email_domains: tuple[str, ...] = ()
    commitment_days: float | None = None
    call_every_weeks: int = 1  # 1 or 2: how often the customer call happens
    call_day: str | None = None  # "mon".."fri"
    pair: bool = False  # prefer pairing on this customer's work
    contact: str | None = None  # where confirmations go


class CustomerDirectory:
    """Looks customers up by email domain; subdomains match their parent domain."""

    def __init__(self, customers: Iterable[Customer]) -> None:
        self.customers: tuple[Customer, ...] = tuple(customers)
        self._by_domain: dict[str, Customer] = {}
        for customer in self.customers:
            for domain in customer.email_domains:
                self._by_domain.setdefault(domain.lower().lstrip("@"), customer)

    def for_email(self, email: str | None) -> Customer | None:
        domain = email_domain(email) or ""
        while domain:
            hit = self._by_domain.get(domain)
            if hit is not None:
                return hit
            if "." not in domain:
                return None
            domain = domain.split(".", 1)[1]
        return None

    def add_domain(self, customer_name: str, domain: str) -> None:
        """Teach the directory a new domain for a customer (shared by the Inbox and triage, so both see it)."""
        domain = domain.lower().lstrip("@")
        self.customers = tuple(
            replace(c, email_domains=(*c.email_domains, domain))
            if c.name == customer_name and domain not in c.email_domains else c
            for c in self.customers)
        if self.by_name(customer_name) is not None:
            self._by_domain.setdefault(domain, next(c for c in self.customers if c.name == customer_name))

    def by_name(self, name: str) -> Customer | None:
        return next((c for c in self.customers if c.name == name), None)
