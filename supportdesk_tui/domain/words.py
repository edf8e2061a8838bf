"""Small words shared by every sentence the app writes: counts with their noun in the right number."""

from __future__ import annotations


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """``1 card``, ``2 cards``, ``0 cards``; ``plural`` for nouns that do not just take an s (copy, copies)."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"
