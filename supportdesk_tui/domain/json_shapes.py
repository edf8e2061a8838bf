"""Reading JSON we wrote ourselves, strictly: each value must have the type we wrote, or a TypeError says what came.

Stored plans and the plan of record on its card are read back through these, so a hand edit that changes a
type is refused with the value named instead of surfacing later as a confusing error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return value


def as_dict(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {value!r}")
    return value


def as_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def as_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def as_opt_int(value: Any) -> int | None:
    return None if value is None else as_int(value)
