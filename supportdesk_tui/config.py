"""Typed settings from the TOML config file, with environment overrides.

The app never starts half-configured: :func:`load_settings` either returns complete, validated
settings or raises :class:`ConfigError` listing every problem with the file, the key and what was
expected. Unknown keys are errors too, because a typo in a key would otherwise be silently ignored.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import SlaPolicy

APP_NAME = "supportdesk"
DEFAULT_GROOVE_URL = "https://api.groovehq.com/v1"
DEFAULT_TRELLO_URL = "https://api.trello.com/1"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

T = TypeVar("T")


class ConfigError(Exception):
    """Every problem found in one config file, each naming the key and what was expected."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Config file {self.path} has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True, slots=True)
class GrooveSettings:
    subdomain: str = "consultancy"
    poll_seconds: float = 30
    states: tuple[str, ...] = ("unread", "opened", "pending")
    bell: bool = True

    def ticket_url(self, number: int) -> str:
        return f"https://{self.subdomain}.groovehq.com/t/{number}"


@dataclass(frozen=True, slots=True)
class ListNames:
    new: str = "New Issues"
    up_next: str = "Up next"
    completed: str = "Recently Completed"
    done: str = "Done"
    plans: str = "Support plans"  # on the Support Epics board: one card per week's plan of record


@dataclass(frozen=True, slots=True)
class TrelloSettings:
    support_epics_board: str = ""
    lists: ListNames = field(default_factory=ListNames)
    poll_seconds: float = 60


@dataclass(frozen=True, slots=True)
class TeamSettings:
    me: str = ""
    developers: tuple[str, ...] = ()
    triage_leads: tuple[str, ...] = ()
    triage: tuple[str, ...] = ()  # this week's pair until the Planning rota takes over


@dataclass(frozen=True, slots=True)
class TriageSettings:
    backlog_state: str = "closed"
    timebox_hours: float = 2
    done_template: str = (
        "Hello,\n\nThe work on \"{card}\" is finished and live. Thank you for your patience.\n\n"
        "Best regards,\nThe support team"
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app needs to start, already validated."""

    config_path: Path
    data_dir: Path
    groove_url: str = DEFAULT_GROOVE_URL
    trello_url: str = DEFAULT_TRELLO_URL
    groove: GrooveSettings = field(default_factory=GrooveSettings)
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    trello: TrelloSettings = field(default_factory=TrelloSettings)
    customers: tuple[Customer, ...] = ()
    team: TeamSettings = field(default_factory=TeamSettings)
    triage: TriageSettings = field(default_factory=TriageSettings)
    keys: Mapping[str, str] = field(default_factory=dict)
    config_found: bool = True


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


class _Reader:
    """Pulls typed values out of a TOML table, recording problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def table(self, parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = parent.get(key, {})
        if not isinstance(value, dict):
            self.problems.append(f"[{where}] must be a table, got {type(value).__name__}")
            return {}
        return value

    def unknown(self, table: Mapping[str, Any], known: set[str], where: str) -> None:
        for key in sorted(set(table) - known):
            self.problems.append(f"{where}.{key}: unknown key (expected one of: {', '.join(sorted(known))})")

    def get(self, table: Mapping[str, Any], key: str, where: str, default: T,
            kind: type | tuple[type, ...], expected: str, check: Callable[[Any], bool] | None = None) -> T:
        if key not in table:
            return default
        value = table[key]
        ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _as_tuple(kind))
        if ok and check is not None:
            ok = check(value)
        if not ok:
            self.problems.append(f"{where}.{key}: expected {expected}, got {value!r}")
            return default
        return value

    def str_list(self, table: Mapping[str, Any], key: str, where: str, default: tuple[str, ...],
                 expected: str = "a list of strings", check: Callable[[str], bool] | None = None) -> tuple[str, ...]:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.append(f"{where}.{key}: expected {expected}, got {value!r}")
            return default
        bad = [v for v in value if check is not None and not check(v)]
        if bad:
            self.problems.append(f"{where}.{key}: expected {expected}; bad value(s): {', '.join(map(repr, bad))}")
            return default
        return tuple(value)


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a directory, or too long
        return False
    return True


def _is_window(text: str) -> bool:
    match = _WINDOW.match(text)
    if not match:
        return False
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return h1 < 24 and m1 < 60 and m2 < 60 and (h2 < 24 or (h2 == 24 and m2 == 0)) and start < end


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _positive(value: Any) -> bool:
    return _finite(value) and bool(value > 0)


def _finite(value: Any) -> bool:
    """Numbers from TOML may be inf, nan or integers beyond float range: none is a sane setting."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _between(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: _finite(v) and low <= v <= high


def check_base_url(url: str, name: str) -> str | None:
    """Why ``url`` is refused (not https and not loopback), or None when it is acceptable."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{name}: {url!r} is not an http(s) URL"
    if parts.scheme == "https":
        return None
    host = parts.hostname
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        return f"{name}: {url!r} is refused: plain http is allowed only for a loopback host"
    return None


def _parse_customers(r: _Reader, raw: Any) -> tuple[Customer, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.problems.append("[[customers]] must be an array of tables")
        return ()
    customers: list[Customer] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        where = f"customers[{i}]"
        if not isinstance(entry, dict):
            r.problems.append(f"{where}: expected a table")
            continue
        r.unknown(entry, {"name", "trello_board", "email_domains", "commitment_days"}, where)
        name = r.get(entry, "name", where, "", str, "a non-empty string", lambda v: bool(v.strip()))
        if "name" not in entry:
            r.problems.append(f"{where}.name: required (a non-empty string)")
        board = r.get(entry, "trello_board", where, "", str, "a Trello board id (string)")
        domains = r.str_list(entry, "email_domains", where, (), "a list of email domains like \"acme.example\"",
                             lambda d: "." in d and "@" not in d and " " not in d)
        days = r.get(entry, "commitment_days", where, None, (int, float), "a number of days from 0 to 5",
                     _between(0, 5))
        if name in seen:
            r.problems.append(f"{where}.name: duplicate customer {name!r}")
        seen.add(name)
        customers.append(Customer(name=name, trello_board=board, email_domains=tuple(d.lower() for d in domains),
                                  commitment_days=float(days) if days is not None else None))
    return tuple(customers)


def parse_settings(data: Mapping[str, Any], *, config_path: Path, data_dir: Path,
                   groove_url: str = DEFAULT_GROOVE_URL, trello_url: str = DEFAULT_TRELLO_URL,
                   config_found: bool = True) -> Settings:
    """Validate a parsed TOML document into :class:`Settings` (raises :class:`ConfigError`)."""
    r = _Reader()
    r.unknown(data, {"groove", "sla", "trello", "customers", "team", "triage", "keys"}, "config")

    g = r.table(data, "groove", "groove")
    r.unknown(g, {"subdomain", "poll_seconds", "states", "bell"}, "groove")
    groove = GrooveSettings(
        subdomain=r.get(g, "subdomain", "groove", "consultancy", str, "a subdomain like \"consultancy\"",
                        lambda v: bool(re.fullmatch(r"[a-z0-9][a-z0-9-]*", v))),
        poll_seconds=float(r.get(g, "poll_seconds", "groove", 30, (int, float), "a number of seconds from 5 to 3600",
                                 _between(5, 3600))),
        states=r.str_list(g, "states", "groove", ("unread", "opened", "pending"),
                          "a list of Groove states (unread, opened, pending, closed, spam)",
                          lambda s: s in {"unread", "opened", "pending", "closed", "spam", "follow_up", "snoozed"}),
        bell=r.get(g, "bell", "groove", True, bool, "true or false"),
    )

    s = r.table(data, "sla", "sla")
    r.unknown(s, {"target_hours", "warn_hours", "clock", "timezone", "business_days", "business_hours",
                  "holidays", "pause_states"}, "sla")
    target = float(r.get(s, "target_hours", "sla", 48, (int, float), "a number of hours above 0, at most 8760",
                         lambda v: _positive(v) and v <= 8760))
    warn_raw = s.get("warn_hours", [12, 4])
    warn: tuple[float, ...] = (12.0, 4.0)
    if not isinstance(warn_raw, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and _finite(v) and 0 < v < target for v in warn_raw):
        r.problems.append(f"sla.warn_hours: expected a list of hours between 0 and target_hours ({target:g}), "
                          f"got {warn_raw!r}")
    else:
        warn = tuple(sorted((float(v) for v in warn_raw), reverse=True))
    holidays = r.str_list(s, "holidays", "sla", (), "a list of dates like \"2026-12-25\"", _is_date)
    sla = SlaPolicy(
        target_hours=target,
        warn_hours=warn,
        clock=r.get(s, "clock", "sla", "calendar", str, "\"calendar\" or \"business\"",
                    lambda v: v in ("calendar", "business")),
        timezone=r.get(s, "timezone", "sla", "Europe/London", str, "an IANA time zone like \"Europe/London\"",
                       _is_zone),
        business_days=r.str_list(s, "business_days", "sla", ("mon", "tue", "wed", "thu", "fri"),
                                 "a list of day names (mon..sun)", lambda d: d in DAY_NAMES),
        business_hours=r.str_list(s, "business_hours", "sla", ("09:00-17:30",),
                                  "a list of windows like \"09:00-17:30\" (end after start, 24:00 allowed)",
                                  _is_window),
        holidays=tuple(date.fromisoformat(h) for h in holidays),
        pause_states=r.str_list(s, "pause_states", "sla", (), "a list of Groove states, e.g. [\"pending\"]"),
    )

    t = r.table(data, "trello", "trello")
    r.unknown(t, {"support_epics_board", "lists", "poll_seconds"}, "trello")
    lists_raw = r.table(t, "lists", "trello.lists")
    r.unknown(lists_raw, {"new", "up_next", "completed", "done", "plans"}, "trello.lists")
    lists = ListNames(**{k: r.get(lists_raw, k, "trello.lists", getattr(ListNames(), k), str,
                                  "a list name", lambda v: bool(v.strip()))
                         for k in ("new", "up_next", "completed", "done", "plans")})
    trello = TrelloSettings(
        support_epics_board=r.get(t, "support_epics_board", "trello", "", str, "a Trello board id"),
        lists=lists,
        poll_seconds=float(r.get(t, "poll_seconds", "trello", 60, (int, float), "a number of seconds from 5 to 3600",
                                 _between(5, 3600))),
    )

    customers = _parse_customers(r, data.get("customers"))

    tm = r.table(data, "team", "team")
    r.unknown(tm, {"me", "developers", "triage_leads", "triage"}, "team")
    developers = r.str_list(tm, "developers", "team", ())
    leads = r.str_list(tm, "triage_leads", "team", ())
    for lead in leads:
        if developers and lead not in developers:
            r.problems.append(f"team.triage_leads: {lead!r} is not in team.developers")
    team = TeamSettings(me=r.get(tm, "me", "team", "", str, "the Groove agent email of this app's user"),
                        developers=developers, triage_leads=leads,
                        triage=r.str_list(tm, "triage", "team", ()))

    tr = r.table(data, "triage", "triage")
    r.unknown(tr, {"backlog_state", "timebox_hours", "done_template"}, "triage")
    triage = TriageSettings(
        backlog_state=r.get(tr, "backlog_state", "triage", "closed", str, "a Groove state (closed, pending, opened)",
                            lambda v: v in ("closed", "pending", "opened")),
        timebox_hours=float(r.get(tr, "timebox_hours", "triage", 2, (int, float),
                                  "a number of hours above 0, at most 40", lambda v: _positive(v) and v <= 40)),
        done_template=r.get(tr, "done_template", "triage", TriageSettings().done_template, str, "a string"),
    )

    keys_raw = r.table(data, "keys", "keys")
    keys: dict[str, str] = {}
    for binding_id, key in keys_raw.items():
        if not isinstance(key, str) or not key.strip():
            r.problems.append(f"keys.{binding_id}: expected a key name like \"ctrl+b\", got {key!r}")
        else:
            keys[binding_id] = key

    for url, name in ((groove_url, "SUPPORTDESK_GROOVE_URL"), (trello_url, "SUPPORTDESK_TRELLO_URL")):
        problem = check_base_url(url, name)
        if problem:
            r.problems.append(problem)

    if r.problems:
        raise ConfigError(config_path, r.problems)
    return Settings(config_path=config_path, data_dir=data_dir, groove_url=groove_url.rstrip("/"),
                    trello_url=trello_url.rstrip("/"), groove=groove, sla=sla, trello=trello,
                    customers=customers, team=team, triage=triage, keys=keys, config_found=config_found)


def load_settings(env: Mapping[str, str] | None = None, *, config_path: Path | None = None,
                  data_dir: Path | None = None) -> Settings:
    """Read the config file (env ``SUPPORTDESK_CONFIG`` or platformdirs) and apply env overrides.

    A missing file means defaults (the app can run on env credentials alone; ``doctor`` says so).
    """
    env = os.environ if env is None else env
    path = config_path or Path(env.get("SUPPORTDESK_CONFIG") or default_config_path())
    data_path = data_dir or Path(env.get("SUPPORTDESK_DATA_DIR") or default_data_dir())
    found = path.exists()
    data: dict[str, Any] = {}
    if found:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(path, [f"cannot be read: {exc}"]) from None
        except (ValueError, RecursionError) as exc:  # tomllib: integers past the digit limit, absurd nesting
            raise ConfigError(path, [f"not valid TOML: {type(exc).__name__}: {str(exc)[:120]}"]) from None
    return parse_settings(
        data, config_path=path, data_dir=data_path,
        groove_url=env.get("SUPPORTDESK_GROOVE_URL") or DEFAULT_GROOVE_URL,
        trello_url=env.get("SUPPORTDESK_TRELLO_URL") or DEFAULT_TRELLO_URL,
        config_found=found,
    )
