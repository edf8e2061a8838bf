"""Reading a parsed TOML document against the declarations in ``schema.py``, every problem at once.

msgspec stops at the first bad value; a person fixing a config file wants to see them all. So the
walk below converts one key at a time with ``msgspec.convert`` (types and bounds as declared), runs
the key's extra check, and words each failure from the key's declaration: ``<section>.<key>: expected
<description>, got <value>``. A key that fails keeps its default so the rest can still be checked
(cross-key checks included); any problem means :class:`~supportdesk_tui.config.ConfigError`.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from msgspec import Meta, Struct

from supportdesk_tui.config.schema import Section

S = TypeVar("S", bound=Section)
_REPR_LIMIT = 120


class _Field(typing.NamedTuple):
    name: str
    annotation: Any
    required: bool
    expected: str
    check: Callable[[Any], bool] | None


def read_section(cls: type[S], raw: Any, where: str, problems: list[str]) -> S | None:
    """``raw`` as an instance of ``cls``, appending every problem to ``problems``.

    ``where`` is the dotted name of the table ("" for the whole file). Returns None only when a
    required key is missing or wrong (a ``[[customers]]`` entry without a usable name).
    """
    if not isinstance(raw, dict):
        problems.append(f"[{where}] must be a table, got {_type_name(raw)}")
        return None
    fields = _fields(cls)
    known = {f.name for f in fields}
    for name in sorted(set(raw) - known, key=str):
        problems.append(f"{where or 'config'}.{name}: unknown key (expected one of: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    complete = True
    for field in fields:
        path = f"{where}.{field.name}" if where else field.name
        if field.name not in raw:
            if field.required:
                problems.append(f"{path}: required ({field.expected})")
                complete = False
            continue
        ok, value = _read_value(field, raw[field.name], path, problems)
        if ok:
            values[field.name] = value
        elif field.required:
            complete = False
    if not complete:
        return None
    instance = cls(**values)
    for name, problem in instance.cross_checks():
        problems.append(f"{where}.{name}: {problem}" if where else f"{name}: {problem}")
    return instance


def _read_value(field: _Field, value: Any, path: str, problems: list[str]) -> tuple[bool, Any]:
    base = _strip(field.annotation)
    if isinstance(base, type) and issubclass(base, Section):
        section = read_section(base, value, path, problems)
        return section is not None, section
    origin, args = typing.get_origin(base), typing.get_args(base)
    if origin is tuple and isinstance(args[0], type) and issubclass(args[0], Section):
        return _read_array_of_tables(args[0], value, path, problems)
    if origin is dict:
        return _read_free_table(args[1], value, path, problems)
    before = len(problems)
    converted = _convert(field, value, path, problems)
    return len(problems) == before, converted


def _read_array_of_tables(cls: type[Section], value: Any, path: str, problems: list[str]) -> tuple[bool, Any]:
    if not isinstance(value, list):
        problems.append(f"[[{path}]] must be an array of tables")
        return False, None
    entries = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(f"{path}[{i}]: expected a table")
            continue
        entry = read_section(cls, item, f"{path}[{i}]", problems)
        if entry is not None:
            entries.append(entry)
    return True, tuple(entries)


def _read_free_table(annotation: Any, value: Any, path: str, problems: list[str]) -> tuple[bool, Any]:
    """A table whose keys are the user's (``[keys]``): only the values are declared."""
    if not isinstance(value, dict):
        problems.append(f"[{path}] must be a table, got {_type_name(value)}")
        return False, None
    field = _describe("", annotation, required=False)
    out: dict[str, Any] = {}
    before = len(problems)
    for name, item in value.items():
        converted = _convert(field, item, f"{path}.{name}", problems)
        if converted is not None:
            out[name] = converted
    return len(problems) == before, out


def _convert(field: _Field, value: Any, path: str, problems: list[str]) -> Any:
    """The value as declared, or None after recording why not."""
    try:
        converted = msgspec.convert(value, field.annotation)
    except (msgspec.ValidationError, RecursionError):
        bad = _bad_items(field, value)
        problems.append(f"{path}: expected {field.expected}; bad value(s): {bad}" if bad
                        else f"{path}: expected {field.expected}, got {_show(value)}")
        return None
    check = field.check
    if check is None:
        return converted
    items = converted if isinstance(converted, tuple) else (converted,)
    failed = [item for item in items if item is not None and not check(item)]
    if not failed:
        return converted
    if isinstance(converted, tuple):
        problems.append(f"{path}: expected {field.expected}; bad value(s): {', '.join(map(_show, failed))}")
    else:
        problems.append(f"{path}: expected {field.expected}, got {_show(value)}")
    return None


def _bad_items(field: _Field, value: Any) -> str:
    """For a list whose items are wrong (not the list itself), which ones; "" otherwise."""
    base = _strip(field.annotation)
    if typing.get_origin(base) is not tuple or not isinstance(value, list) or not value:
        return ""
    item_type = typing.get_args(base)[0]
    bad = []
    for item in value:
        try:
            msgspec.convert(item, item_type)
        except (msgspec.ValidationError, RecursionError):
            bad.append(item)
    return ", ".join(map(_show, bad))


@functools.cache
def _fields(cls: type[Struct]) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple(_describe(f.name, hints[f.name], required=f.required) for f in msgspec.structs.fields(cls))


def _describe(name: str, annotation: Any, *, required: bool) -> _Field:
    meta = _key_meta(annotation)
    expected = meta.description if meta is not None and meta.description else "a valid value"
    check = meta.extra.get("check") if meta is not None and meta.extra else None
    return _Field(name, annotation, required, expected, check)


def _key_meta(annotation: Any) -> Meta | None:
    """The outermost ``Meta`` with a description (the one ``schema.key`` made)."""
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, Meta) and extra.description:
                return extra
        return _key_meta(typing.get_args(annotation)[0])
    return None


def _strip(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _type_name(value: Any) -> str:
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _REPR_LIMIT else text[:_REPR_LIMIT] + "…"
