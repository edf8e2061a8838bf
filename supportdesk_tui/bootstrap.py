"""Building the App from settings: the one factory the CLI, the demo and the tests all use."""

from __future__ import annotations

from typing import Any

from supportdesk_tui.app import SupportDeskApp
from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store


def make_app(settings: Settings, credentials: Credentials, clock: Clock | None = None, *,
             groove_options: dict[str, Any] | None = None,
             trello_options: dict[str, Any] | None = None) -> SupportDeskApp:
    """Wire store, services and App. Opening the store is the only I/O, done before the UI starts.

    ``groove_options``/``trello_options`` tune the clients (e.g. shorter retry waits for tests and the soak).
    """
    clock = clock or SystemClock()
    store = Store.in_dir(settings.data_dir)
    services = Services(settings, credentials, clock, store, groove_options=groove_options,
                        trello_options=trello_options)
    services.inbox.preload()
    return SupportDeskApp(settings, services, clock)


def known_binding_ids() -> set[str]:
    """Every binding id the app defines, to check ``[keys]`` in the config against."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    ids: set[str] = set()
    pending: list[type[DOMNode]] = [SupportDeskApp]
    import supportdesk_tui.screens as screens_pkg
    import supportdesk_tui.widgets as widgets_pkg

    for package in (screens_pkg, widgets_pkg):
        _import_all(package.__name__, list(package.__path__))
    pending.extend(_subclasses(DOMNode))
    for cls in pending:
        if not cls.__module__.startswith("supportdesk_tui"):
            continue
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def _import_all(prefix: str, path: list[str]) -> None:
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(path, prefix=f"{prefix}."):
        importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out
