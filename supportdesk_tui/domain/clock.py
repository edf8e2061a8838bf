"""Time as an injected dependency.

Everything that asks "what time is it" takes a :class:`Clock`, so tests and snapshots can freeze or
move time without patching :mod:`datetime`, and the soak run can play a week in minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current instant as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, always in UTC (display converts to the configured zone)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: for tests, snapshots and simulated weeks."""

    def __init__(self, start: datetime | str) -> None:
        self._now = parse_instant(start) if isinstance(start, str) else start
        if self._now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = self._now.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now = self._now + delta


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant; a trailing ``Z`` means UTC. Naive input is refused."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"instant {text!r} has no time zone")
    return value.astimezone(UTC)
