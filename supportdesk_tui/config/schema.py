"""Every config key, declared once: its type, default, bounds and the words a user sees when it is wrong.

Each section of the TOML file is a frozen msgspec ``Struct`` (``forbid_unknown_fields=True``, so a typo
in a key is an error rather than a silent default). A field's ``Meta`` carries everything about the
key: msgspec's own bounds (``ge``, ``le``, ``pattern``, ``min_length``), ``description`` (the
"expected ..." half of the message when the value is wrong) and, in ``extra["check"]``, a test msgspec
cannot express (an IANA zone that exists, a window whose end is after its start). ``reader.py`` walks
these declarations generically; nothing else in the package lists keys.

The sections are the settings the app reads at run time (``settings.groove.poll_seconds``), except
``[sla]`` and ``[[customers]]``, which become the domain's ``SlaPolicy`` and ``Customer``.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Meta, Struct

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import SlaPolicy

_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
EMAIL = r"\A[^@\s]+@[^@\s]+\.[^@\s]+\Z"
DEFAULT_DONE_TEMPLATE = (
    "Hello,\n\nThe work on \"{card}\" is finished and live. Thank you for your patience.\n\n"
    "Best regards,\nThe support team"
)


# --- checks msgspec cannot express -------------------------------------------------------------------
def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a directory, or too long
        return False
    return True


def is_window(text: str) -> bool:
    match = _WINDOW.match(text)
    if not match:
        return False
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return h1 < 24 and m1 < 60 and m2 < 60 and (h2 < 24 or (h2 == 24 and m2 == 0)) and start < end


def is_finite(value: float) -> bool:
    """TOML allows inf; no setting here is sane at infinity."""
    return math.isfinite(value)


def is_email_domain(text: str) -> bool:
    return "." in text and "@" not in text and " " not in text


def is_not_blank(text: str) -> bool:
    return bool(text.strip())


def key(expected: str, check: Callable[[Any], bool] | None = None, **bounds: Any) -> Meta:
    """One key's metadata: msgspec bounds, the "expected ..." words, and an optional extra check."""
    return Meta(description=expected, extra={"check": check} if check is not None else {}, **bounds)


# --- value types shared by several keys ---------------------------------------------------------------
GrooveState = Literal["unread", "opened", "pending", "closed", "spam", "follow_up", "snoozed"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WorkingDay = Literal["mon", "tue", "wed", "thu", "fri"]
DAY_NAMES: tuple[str, ...] = typing.get_args(Weekday)
StrList = Annotated[tuple[str, ...], key("a list of strings")]
PollSeconds = Annotated[float, key("a number of seconds from 5 to 3600", ge=5, le=3600)]
ListName = Annotated[str, key("a list name", is_not_blank)]


def is_list_name_pattern(text: str) -> bool:
    """A plain list name, or a week pattern with only ``{week}`` and ``{monday:...}`` fields."""
    if not is_not_blank(text):
        return False
    if "{" not in text and "}" not in text:
        return True  # a plain name (the usual case): no need to load the pattern rules and the planning calendar
    from supportdesk_tui.domain.cadence import check_week_pattern

    return check_week_pattern(text) is None


DoneListName = Annotated[str, key("a list name, or a week pattern like \"Done {week}\" or "
                                  "\"Done w/c {monday:%d %b}\" (only {week} and {monday:...} are known)",
                                  is_list_name_pattern)]


class Section(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A table of the config file; subclasses inherit ``forbid_unknown_fields`` and ``kw_only``.

    ``cross_checks`` reports problems that involve two keys.
    """

    def cross_checks(self) -> Iterator[tuple[str, str]]:
        """(key, problem) pairs; the problem text follows ``<section>.<key>: ``."""
        return iter(())


class GrooveSettings(Section, frozen=True):
    """``[groove]``: the Groove account's subdomain and how the inbox is polled."""

    subdomain: Annotated[str, key("a subdomain like \"consultancy\"",
                                  pattern=r"\A[a-z0-9][a-z0-9-]*\Z")] = "consultancy"
    poll_seconds: PollSeconds = 30.0
    states: Annotated[tuple[GrooveState, ...],
                      key("a list of Groove states (unread, opened, pending, closed, spam)")] = \
        ("unread", "opened", "pending")
    bell: Annotated[bool, key("true or false")] = True

    def ticket_url(self, number: int) -> str:
        return f"https://{self.subdomain}.groovehq.com/t/{number}"


class SlaSettings(Section, frozen=True):
    """``[sla]``: the promise and the clock it is measured with (becomes the domain's ``SlaPolicy``)."""

    target_hours: Annotated[float, key("a number of hours above 0, at most 8760", gt=0, le=8760)] = 48.0
    warn_hours: Annotated[tuple[Annotated[float, Meta(gt=0)], ...],
                          key("a list of hours between 0 and target_hours")] = (12.0, 4.0)
    clock: Annotated[Literal["calendar", "business"], key("\"calendar\" or \"business\"")] = "calendar"
    timezone: Annotated[str, key("an IANA time zone like \"Europe/London\"", is_zone)] = "Europe/London"
    business_days: Annotated[tuple[Weekday, ...], key("a list of day names (mon..sun)")] = \
        ("mon", "tue", "wed", "thu", "fri")
    business_hours: Annotated[tuple[str, ...],
                              key("a list of windows like \"09:00-17:30\" (end after start, 24:00 allowed)",
                                  is_window)] = ("09:00-17:30",)
    holidays: Annotated[tuple[date, ...], key("a list of dates like \"2026-12-25\"")] = ()
    pause_states: Annotated[tuple[str, ...], key("a list of Groove states, e.g. [\"pending\"]")] = ()

    def cross_checks(self) -> Iterator[tuple[str, str]]:
        if not all(is_finite(h) and h < self.target_hours for h in self.warn_hours):
            yield ("warn_hours", f"expected a list of hours between 0 and target_hours ({self.target_hours:g}), "
                                 f"got {list(self.warn_hours)!r}")

    def policy(self) -> SlaPolicy:
        return SlaPolicy(target_hours=self.target_hours, warn_hours=tuple(sorted(self.warn_hours, reverse=True)),
                         clock=self.clock, timezone=self.timezone, business_days=self.business_days,
                         business_hours=self.business_hours, holidays=self.holidays, pause_states=self.pause_states)


class ListNames(Section, frozen=True):
    """``[trello] lists``: the names of the lists the app works with on every board."""

    new: ListName = "New Issues"
    up_next: ListName = "Up next"
    completed: ListName = "Recently Completed"
    done: DoneListName = "Done"  # a week pattern gives each week its own Done list
    plans: ListName = "Support plans"  # the list the week's plan cards are in (Support Epics board)


class TrelloSettings(Section, frozen=True):
    """``[trello]``: the Support Epics board, the list names, how often boards are checked."""

    support_epics_board: Annotated[str, key("a Trello board id")] = ""
    lists: ListNames = ListNames()
    poll_seconds: PollSeconds = 60.0


class CustomerSettings(Section, frozen=True):
    """One ``[[customers]]`` entry (becomes the domain's ``Customer``)."""

    name: Annotated[str, key("a non-empty string", is_not_blank)]
    trello_board: Annotated[str, key("a Trello board id (string)")] = ""
    email_domains: Annotated[tuple[str, ...], key("a list of email domains like \"acme.example\"",
                                                  is_email_domain)] = ()
    commitment_days: Annotated[Annotated[float, Meta(ge=0, le=5)] | None, key("a number of days from 0 to 5")] = None
    call_every_weeks: Annotated[Literal[1, 2], key("1 or 2 (weeks between customer calls)")] = 1
    call_day: Annotated[WorkingDay | None, key("a weekday (mon..fri)")] = None
    pair: Annotated[bool, key("true or false")] = False
    contact: Annotated[Annotated[str, Meta(pattern=EMAIL)] | None,
                       key("an email address like \"ops@acme.example\"")] = None

    def customer(self) -> Customer:
        return Customer(name=self.name, trello_board=self.trello_board,
                        email_domains=tuple(d.lower() for d in self.email_domains),
                        commitment_days=self.commitment_days, call_every_weeks=self.call_every_weeks,
                        call_day=self.call_day, pair=self.pair, contact=self.contact)


class TeamSettings(Section, frozen=True):
    """``[team]``: who uses this copy of the app, the developers, who may lead triage."""

    me: Annotated[str, key("the Groove agent email of this app's user")] = ""
    developers: StrList = ()
    triage_leads: StrList = ()
    triage: StrList = ()  # this week's pair until the Planning rota takes over

    def cross_checks(self) -> Iterator[tuple[str, str]]:
        for lead in self.triage_leads:
            if self.developers and lead not in self.developers:
                yield ("triage_leads", f"{lead!r} is not in team.developers")


class TriageSettings(Section, frozen=True):
    """``[triage]``: what the triage keys do."""

    backlog_state: Annotated[Literal["closed", "pending", "opened"],
                             key("a Groove state (closed, pending, opened)")] = "closed"
    timebox_hours: Annotated[float, key("a number of hours above 0, at most 40", gt=0, le=40)] = 2.0
    done_template: Annotated[str, key("a string")] = DEFAULT_DONE_TEMPLATE
    confirmation_state: Annotated[Literal["", "opened", "pending", "closed"],
                                  key("\"\" or a Groove state (opened, pending, closed)")] = ""


class PlanningSettings(Section, frozen=True):
    """``[planning]``: the Monday planning grid."""

    max_card_days: Annotated[float, key("a number of days above 0", is_finite, gt=0)] = 20.0


KeyName = Annotated[str, key("a key name like \"ctrl+b\"", is_not_blank)]


class ConfigFile(Section, frozen=True):
    """The whole file. Everything is optional: an empty file is the defaults."""

    groove: GrooveSettings = GrooveSettings()
    sla: SlaSettings = SlaSettings()
    trello: TrelloSettings = TrelloSettings()
    customers: tuple[CustomerSettings, ...] = ()
    team: TeamSettings = TeamSettings()
    triage: TriageSettings = TriageSettings()
    planning: PlanningSettings = PlanningSettings()
    keys: dict[str, KeyName] = {}

    def cross_checks(self) -> Iterator[tuple[str, str]]:
        seen: set[str] = set()
        for i, entry in enumerate(self.customers):
            if entry.name in seen:
                yield (f"customers[{i}].name", f"duplicate customer {entry.name!r}")
            seen.add(entry.name)
