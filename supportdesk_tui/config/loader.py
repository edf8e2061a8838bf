"""Settings from the TOML config file, with environment overrides.

The app never starts half-configured: :func:`load_settings` either returns complete, validated
settings or raises :class:`ConfigError` listing every problem with the file, the key and what was
expected. The keys themselves are declared in ``schema.py``; ``reader.py`` checks a document against
them. Unknown keys are errors too, because a typo in a key would otherwise be silently ignored.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from supportdesk_tui.config.reader import read_section
from supportdesk_tui.config.schema import (
    ConfigFile,
    GrooveSettings,
    PlanningSettings,
    TeamSettings,
    TrelloSettings,
    TriageSettings,
)
from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.sla import SlaPolicy

APP_NAME = "supportdesk"
DEFAULT_GROOVE_URL = "https://api.groovehq.com/v1"
DEFAULT_TRELLO_URL = "https://api.trello.com/1"
EXAMPLE_CONFIG = "docs/config.example.toml"


class ConfigError(Exception):
    """Every problem found in one config file, each naming the key and what was expected."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Config file {self.path} has {len(problems)} problem(s):\n{lines}")


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
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    keys: Mapping[str, str] = field(default_factory=dict)
    config_found: bool = True


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def missing_config_message(path: Path) -> str:
    """The one sentence for a config file that is not there (the app will not open unconfigured)."""
    return (f"there is no config file at {path}: run `supportdesk init` to make one, or copy "
            f"{EXAMPLE_CONFIG} from the project there and edit it (SUPPORTDESK_CONFIG names another path; "
            f"`supportdesk --demo` needs none)")


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


def parse_settings(data: Mapping[str, Any], *, config_path: Path, data_dir: Path,
                   groove_url: str = DEFAULT_GROOVE_URL, trello_url: str = DEFAULT_TRELLO_URL,
                   config_found: bool = True) -> Settings:
    """Validate a parsed TOML document into :class:`Settings` (raises :class:`ConfigError`)."""
    problems: list[str] = []
    document = read_section(ConfigFile, dict(data), "", problems) or ConfigFile()
    for url, name in ((groove_url, "SUPPORTDESK_GROOVE_URL"), (trello_url, "SUPPORTDESK_TRELLO_URL")):
        problem = check_base_url(url, name)
        if problem:
            problems.append(problem)
    if problems:
        raise ConfigError(config_path, problems)
    return Settings(config_path=config_path, data_dir=data_dir, groove_url=groove_url.rstrip("/"),
                    trello_url=trello_url.rstrip("/"), groove=document.groove, sla=document.sla.policy(),
                    trello=document.trello, customers=tuple(c.customer() for c in document.customers),
                    team=document.team, triage=document.triage, planning=document.planning,
                    keys=dict(document.keys), config_found=config_found)


def read_toml(path: Path) -> dict[str, Any]:
    """The file's TOML document, or :class:`ConfigError` saying why it cannot be read or parsed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"cannot be read: {exc}"]) from None
    except (ValueError, RecursionError) as exc:  # tomllib: integers past the digit limit, absurd nesting
        raise ConfigError(path, [f"not valid TOML: {type(exc).__name__}: {str(exc)[:120]}"]) from None


def load_settings(env: Mapping[str, str] | None = None, *, config_path: Path | None = None,
                  data_dir: Path | None = None) -> Settings:
    """Read the config file (env ``SUPPORTDESK_CONFIG`` or platformdirs) and apply env overrides.

    A missing file gives the defaults with ``config_found=False``: ``login`` and ``plan export`` work
    without one, while the CLI refuses to open the desk or run ``doctor`` on it.
    """
    env = os.environ if env is None else env
    path = config_path or Path(env.get("SUPPORTDESK_CONFIG") or default_config_path())
    data_path = data_dir or Path(env.get("SUPPORTDESK_DATA_DIR") or default_data_dir())
    found = path.exists()
    data = read_toml(path) if found else {}
    return parse_settings(
        data, config_path=path, data_dir=data_path,
        groove_url=env.get("SUPPORTDESK_GROOVE_URL") or DEFAULT_GROOVE_URL,
        trello_url=env.get("SUPPORTDESK_TRELLO_URL") or DEFAULT_TRELLO_URL,
        config_found=found,
    )
