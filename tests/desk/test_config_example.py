"""docs/config.example.toml and docs/configuration.md cannot rot: the example loads through the real
loader (and the start-up key check), sets every declared key, and the reference names every key."""

from __future__ import annotations

import tomllib
import typing
from pathlib import Path

import msgspec
import pytest

from supportdesk_tui.bootstrap import key_problems
from supportdesk_tui.config import ConfigFile, load_settings
from supportdesk_tui.config.schema import DEFAULT_DONE_TEMPLATE, CustomerSettings, Section

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "config.example.toml"
REFERENCE = DOCS / "configuration.md"


def _base(annotation: object) -> object:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def keys_of(cls: type[Section]) -> list[str]:
    """A table's keys, a nested table's flattened like `lists.new`."""
    hints = typing.get_type_hints(cls, include_extras=True)
    out: list[str] = []
    for field in msgspec.structs.fields(cls):
        base = _base(hints[field.name])
        if isinstance(base, type) and issubclass(base, Section):
            out += [f"{field.name}.{key}" for key in keys_of(base)]
        else:
            out.append(field.name)
    return out


def declared(document: type[Section]) -> list[tuple[str, str]]:
    """(section heading, key) for every key of the file's declaration; ("[keys]", "") for the free table."""
    hints = typing.get_type_hints(document, include_extras=True)
    out: list[tuple[str, str]] = []
    for field in msgspec.structs.fields(document):
        base = _base(hints[field.name])
        if isinstance(base, type) and issubclass(base, Section):
            out += [(f"[{field.name}]", key) for key in keys_of(base)]
        elif typing.get_origin(base) is tuple:
            assert typing.get_args(base)[0] is CustomerSettings
            out += [(f"[[{field.name}]]", key) for key in keys_of(CustomerSettings)]
        else:
            assert typing.get_origin(base) is dict
            out.append((f"[{field.name}]", ""))
    return out


def sections_of_reference() -> dict[str, str]:
    text = REFERENCE.read_text(encoding="utf-8")
    return {part.split("\n", 1)[0].strip(): part for part in text.split("\n## ")[1:]}


def test_every_key_is_declared_once_and_listed() -> None:
    keys = declared(ConfigFile)
    assert ("[groove]", "poll_seconds") in keys and ("[trello]", "lists.plans") in keys
    assert ("[[customers]]", "call_day") in keys and ("[planning]", "max_card_days") in keys
    assert len(keys) == len(set(keys))


def test_the_example_loads_through_the_real_loader() -> None:
    settings = load_settings({"SUPPORTDESK_CONFIG": str(EXAMPLE)})
    assert settings.config_found and settings.sla.clock == "business"
    assert settings.customers[0].call_day == "thu" and settings.customers[0].contact == "ops@acme.example"
    assert settings.triage.done_template == DEFAULT_DONE_TEMPLATE
    assert key_problems(settings.keys) == []  # what `supportdesk` checks before it opens


def test_the_example_sets_every_declared_key() -> None:
    document = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    missing = []
    for heading, key in declared(ConfigFile):
        table = document[heading.strip("[]")]
        if heading == "[[customers]]":
            table = table[0]
        for part in key.split(".") if key else ():
            table = table.get(part) if isinstance(table, dict) else None
        if table is None:
            missing.append(f"{heading} {key}")
    assert missing == []


@pytest.mark.parametrize(("heading", "key"), declared(ConfigFile))
def test_the_reference_documents_every_key_in_its_section(heading: str, key: str) -> None:
    sections = sections_of_reference()
    assert heading in sections, f"docs/configuration.md has no section ## {heading}"
    if key:
        assert f"| `{key}` |" in sections[heading], f"{heading} {key} is not documented"
