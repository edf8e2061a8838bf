"""Building the App from settings: the one factory the CLI, the demo and the tests all use."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from supportdesk_tui.app import SupportDeskApp
from supportdesk_tui.config import Settings
from supportdesk_tui.credentials import Credentials
from supportdesk_tui.domain.clock import Clock, SystemClock
from supportdesk_tui.services.container import Services
from supportdesk_tui.store import Store

if TYPE_CHECKING:
    from textual.binding import Binding


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
    return {binding.id for cls in _binding_classes() for binding in _own_bindings(cls) if binding.id}


def key_problems(keymap: Mapping[str, str]) -> list[str]:
    """What is wrong with ``[keys]``: ids the app does not have, and remaps that steal a key.

    A remap steals a key when, somewhere the two are both active (a screen with its widgets and the
    App's global keys), another binding already answers to it: Textual would silently drop one of
    them. Only clashes that involve a remapped binding are reported; the defaults are as designed.
    """
    problems = [f"keys.{k}: unknown binding id (see `?` in the app for ids)"
                for k in sorted(set(keymap) - known_binding_ids())]
    if problems:
        return problems
    keys = {binding_id: _normalised(key) for binding_id, key in keymap.items()}
    classes = _binding_classes()
    app_bindings = _bindings(SupportDeskApp)
    leaves = [cls for cls in classes if cls is not SupportDeskApp and not any(
        other is not cls and issubclass(other, cls) for other in classes)]
    clashes: dict[tuple[str, str], list[str]] = {}
    for scope_classes in _scopes(leaves, classes):
        scope = [(name, binding, "everywhere") for name, binding in app_bindings]
        for member in scope_classes:
            scope.extend((name, binding, f"on {member.__name__}") for name, binding in _bindings(member))
        for remapped, key, other in _clashes(scope, keys):
            where = clashes.setdefault((remapped, key), [])
            if other not in where:
                where.append(other)
    for (remapped, key), others in sorted(clashes.items()):
        problems.append(f"keys.{remapped}: \"{key}\" is also the key of {', '.join(others)}; "
                        "give one of them another key")
    return problems


def _clashes(scope: list[tuple[str, Binding, str]],
             keys: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(remapped id, key, the other binding and where) for every key that a remap makes two bindings
    of ``scope`` share. Bindings that already shared a key by default are left alone."""
    defaults: dict[str, set[str]] = {}
    for name, binding, _ in scope:
        defaults.setdefault(name, set()).add(binding.key)
    by_key: dict[str, dict[str, tuple[str, str]]] = {}
    for name, binding, where in scope:
        for key in keys.get(name, (binding.key,)) if binding.id is not None else (binding.key,):
            by_key.setdefault(key, {})[name] = (binding.action, where)
    out: list[tuple[str, str, str]] = []
    for key, holders in by_key.items():
        for name, (action, _) in sorted(holders.items()):
            if name not in keys or key in defaults[name]:
                continue  # this binding had the key already: a clash, if any, is another's doing
            out.extend((name, key, f"{other} ({where})") for other, (other_action, where)
                       in sorted(holders.items()) if other != name and other_action != action)
    return out


def _normalised(keys: str) -> tuple[str, ...]:
    """A ``[keys]`` value as Textual will bind it ("/" is "slash", "f,ctrl+f" is two keys)."""
    from textual.binding import Binding

    return tuple(b.key for b in Binding.make_bindings([Binding(keys, "noop")]))


def _bindings(cls: type) -> list[tuple[str, Binding]]:
    """A class's bindings with those it inherits (a subclass's key replaces its bases'), each named by
    its id, or by the class and action for the few without one."""
    from textual.binding import Binding

    by_key: dict[str, list[tuple[str, Binding]]] = {}
    for base in reversed(cls.__mro__):
        own: dict[str, list[tuple[str, Binding]]] = {}
        for binding in Binding.make_bindings(base.__dict__.get("BINDINGS", [])):
            own.setdefault(binding.key, []).append((binding.id or f"{base.__name__}'s {binding.action}", binding))
        by_key.update(own)
    return [item for items in by_key.values() for item in items]


def _own_bindings(cls: type) -> list[Binding]:
    from textual.binding import Binding

    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


def _scopes(leaves: list[type], classes: list[type]) -> list[list[type]]:
    """Groups of classes whose bindings are active together (besides the App's): a screen alone, and
    a screen with each widget it uses (a widget's keys count only while focus is in it, so two
    widgets side by side never compete; the parts of one widget module, like a board and its
    columns, are taken as nested)."""
    from textual.screen import Screen

    scopes: list[list[type]] = []
    for cls in leaves:
        if not issubclass(cls, Screen):
            scopes.append([cls])
            continue
        scopes.append([cls])
        by_module: dict[str, list[type]] = {}
        for widget in sorted(_widgets_used_by(cls, classes), key=lambda c: c.__name__):
            by_module.setdefault(widget.__module__, []).append(widget)
        scopes.extend([cls, *widgets] for widgets in by_module.values())
    return scopes


def _widgets_used_by(screen: type, classes: list[type]) -> set[type]:
    """The app's widget classes a screen's modules refer to, and those defined beside them (their parts)."""
    from textual.screen import Screen

    widgets = {cls for cls in classes if not issubclass(cls, Screen) and cls is not SupportDeskApp}
    names: dict[str, object] = {}
    for base in screen.__mro__:
        if base.__module__.startswith("supportdesk_tui"):
            names.update(vars(sys.modules[base.__module__]))
    used = {value for value in names.values() if isinstance(value, type) and value in widgets}
    modules = {cls.__module__ for cls in used}
    return used | {cls for cls in widgets if cls.__module__ in modules}


def _binding_classes() -> list[type]:
    """The App and every class of the app's screens and widgets that declares bindings."""
    from textual.dom import DOMNode

    import supportdesk_tui.screens as screens_pkg
    import supportdesk_tui.widgets as widgets_pkg

    for package in (screens_pkg, widgets_pkg):
        _import_all(package.__name__, list(package.__path__))
    out: list[type] = [SupportDeskApp]
    for cls in _subclasses(DOMNode):
        if cls.__module__.startswith("supportdesk_tui") and cls not in out:
            out.append(cls)
    return out


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
