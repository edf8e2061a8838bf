"""The journal's vocabulary: entry statuses, action kinds, and typed records stored as JSON.

Every action the app journals is a frozen dataclass (its *payload*), and every step records a small
typed result. Both are kept in SQLite as JSON objects whose keys are the dataclass's field names, so
the stored shape stays exactly what earlier versions wrote (entries queued by an older version
resume under a newer one). :class:`JsonRecord` does the (de)serialisation once, driven by the field
annotations: nested records, tuples, optional fields, enums and instants.

Pure: no I/O. The store, the services and the screens all import these names.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar, Self, Union, get_args, get_origin, get_type_hints


class JournalStatus(StrEnum):
    """Where an entry stands. The values are the strings stored in the ``journal.status`` column."""

    PENDING = "pending"  # written, not finished: queued, or half-way (resumed on the next start)
    DONE = "done"
    FAILED = "failed"  # stopped for good; the steps already done stay listed
    UNDONE = "undone"  # reversed by a later undo, or dropped from the queue before it wrote anything


class ActionKind(StrEnum):
    """Every kind of journaled action; the values are the stored ``journal.kind`` strings."""

    BACKLOG = "backlog"
    FIX_NOW = "fix_now"
    URGENT = "urgent"
    CLOSE = "close"
    NOTE = "note"
    UNDO = "undo"
    BOARD_MOVE = "board.move"
    BOARD_DONE = "board.done"
    EPICS_COPY = "epics.copy"
    EPICS_DONE = "epics.done"
    EPICS_DEDUPE = "epics.dedupe"
    EPICS_ORPHAN = "epics.orphan"
    PLAN_PUBLISH = "plan.publish"
    PLAN_CONFIRM = "plan.confirm"  # older versions: a reply on the customer's open ticket
    PLAN_CONFIRM_TICKET = "plan.confirm_ticket"  # the confirmation as its own new ticket
    WEEK_CLOSE = "week.close"
    IMPEDIMENT = "card.impediment"
    IMPEDIMENT_CLEAR = "card.impediment_clear"
    PLAN_RECORD = "plan.record"  # the week's plan written to its card on the Support Epics board

    @property
    def words(self) -> str:
        """``fix_now`` -> ``fix now``: how sentences name the kind."""
        return self.value.replace("_", " ")


class RecordError(ValueError):
    """A stored payload or step result does not have the shape its type expects (a corrupt row)."""


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = get_type_hints(cls)
    return found


class JsonRecord:
    """A frozen dataclass kept as a JSON object, one key per field (the field's name).

    ``OMIT_IF_NONE`` names optional fields whose key is left out while they are ``None`` (the
    stored shape of keys that are present only sometimes).
    """

    __slots__ = ()
    OMIT_IF_NONE: ClassVar[frozenset[str]] = frozenset()

    def to_json(self) -> Any:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]  # every subclass is a dataclass
            value = getattr(self, f.name)
            if value is None and f.name in self.OMIT_IF_NONE:
                continue
            out[f.name] = _dump(value)
        return out

    @classmethod
    def from_json(cls, data: Any) -> Self:
        if not isinstance(data, Mapping):
            raise RecordError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = _load(hints[f.name], data[f.name], f"{cls.__name__}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise RecordError(f"{cls.__name__}: the key {f.name!r} is missing")
        return cls(**kwargs)


def _dump(value: Any) -> Any:
    if isinstance(value, JsonRecord):
        return value.to_json()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    return value


def _load(tp: Any, value: Any, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            if len(options) < len(get_args(tp)):
                return None
            raise RecordError(f"{where} may not be null")
        return _load(options[0] if len(options) == 1 else Any, value, where)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise RecordError(f"{where}: expected a list")
        return tuple(_load(get_args(tp)[0], v, where) for v in value)
    if tp is Any:
        return value
    if isinstance(tp, type) and issubclass(tp, JsonRecord):
        return tp.from_json(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise RecordError(f"{where}: {value!r} is not a known value") from None
    if tp is datetime:
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            raise RecordError(f"{where}: {value!r} is not an instant") from None
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)  # an int stays an int (2, not 2.0)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, tp)
    if not ok:
        raise RecordError(f"{where}: expected {getattr(tp, '__name__', tp)}, got {type(value).__name__}")
    return value


class ActionPayload(JsonRecord):
    """What an action needs, written to the journal before its first request. ``KIND`` says which."""

    __slots__ = ()
    KIND: ClassVar[ActionKind]


@dataclasses.dataclass(frozen=True, slots=True)
class CardId(JsonRecord):
    """A step result that is a bare Trello card id (or ``null``), as the epics steps have always stored it."""

    id: str | None

    def to_json(self) -> Any:
        return self.id

    @classmethod
    def from_json(cls, data: Any) -> Self:
        if data is not None and not isinstance(data, str):
            raise RecordError(f"CardId: expected a card id, got {type(data).__name__}")
        return cls(data)


@dataclasses.dataclass(frozen=True, slots=True)
class At(JsonRecord):
    """A local step's result: when it ran."""

    at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class Posted(JsonRecord):
    """A note or reply: its message id, and whether it was found from an earlier attempt."""

    id: str
    found: bool


@dataclasses.dataclass(frozen=True, slots=True)
class StateSet(JsonRecord):
    """A ticket state written (``found``: it was already so on a retry, nothing was sent)."""

    OMIT_IF_NONE = frozenset({"found"})
    state: str
    found: bool | None = None
