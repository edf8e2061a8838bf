"""Fuzzed config files: ``load_settings`` gives Settings or a ConfigError naming the file, nothing else;
the ``supportdesk`` command turns every bad file into exit 2 and one message on stderr, no traceback.

Documents come in four kinds: well-formed TOML of the wrong shape (sections that are not tables,
random types for every known key, unknown keys), one wrong-typed known key at a time (the error must
name that key), TOML that does not parse, and bytes that are not UTF-8. Inputs that still crash
the config loader are pinned by the tests at the end (bugs fuzzing found, now fixed).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import tzdata
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from supportdesk_tui import cli
from supportdesk_tui.config import ConfigError, Settings, load_settings

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CLI_FUZZ = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TZ_DIR = Path(tzdata.__file__).parent / "zoneinfo"


def _crashes_zoneinfo(name: str) -> bool:
    """Zone names the config loader's zone check once crashed on (a tzdata directory, a name too long for a path)."""
    if "\x00" in name:
        return False  # ZoneInfo refuses it with ValueError (and Path.is_dir would raise on it)
    return len(name.encode("utf-8", "surrogatepass")) > 200 or (name.strip("/") != "" and (TZ_DIR / name).is_dir())


text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
scalars = st.one_of(text, st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True, allow_infinity=True),
                    st.booleans(), st.dates(), st.datetimes(), st.times())
toml_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(text, inner, max_size=3)), max_leaves=6)

STR_KEYS = {("groove", "subdomain"), ("sla", "clock"), ("sla", "timezone"), ("trello", "support_epics_board"),
            ("team", "me"), ("triage", "backlog_state"), ("triage", "done_template")}
NUMBER_KEYS = {("groove", "poll_seconds"), ("sla", "target_hours"), ("trello", "poll_seconds"),
               ("triage", "timebox_hours")}
BOOL_KEYS = {("groove", "bell")}
LIST_KEYS = {("groove", "states"), ("sla", "business_days"), ("sla", "business_hours"), ("sla", "holidays"),
             ("sla", "pause_states"), ("team", "developers"), ("team", "triage_leads"), ("team", "triage"),
             ("sla", "warn_hours")}
LIST_NAME_KEYS = {("trello.lists", k) for k in ("new", "up_next", "completed", "done")}
ALL_KEYS = sorted(STR_KEYS | NUMBER_KEYS | BOOL_KEYS | LIST_KEYS)
PLAUSIBLE = {
    ("groove", "subdomain"): st.sampled_from(["consultancy", "Consultancy", "-x", "a b", ""]),
    ("sla", "clock"): st.sampled_from(["calendar", "business", "weekly", ""]),
    ("sla", "timezone"): st.one_of(st.sampled_from(["Europe/London", "UTC", "Mars/Olympus", "../etc/passwd", "",
                                                    "Europe/Lon\x00don", "/etc/passwd", "posixrules"]),
                                   text.filter(lambda t: not _crashes_zoneinfo(t))),
    ("sla", "business_hours"): st.lists(st.sampled_from(["09:00-17:30", "17:30-09:00", "25:00-26:00", "9-5",
                                                         "00:00-24:00", "08:00-08:00"]), max_size=3),
    ("sla", "holidays"): st.lists(st.sampled_from(["2026-12-25", "2026-02-30", "tomorrow"]), max_size=3),
    ("sla", "warn_hours"): st.lists(st.one_of(st.integers(-5, 100), st.floats(allow_nan=True)), max_size=3),
    ("groove", "states"): st.lists(st.sampled_from(["unread", "opened", "snoozed", "archived", "OPENED"]), max_size=3),
}


def key_value(section: str, key: str) -> st.SearchStrategy[Any]:
    """A plausible value, a right-typed random one, or anything at all."""
    choices = [toml_values]
    if (section, key) in PLAUSIBLE:
        choices.append(PLAUSIBLE[(section, key)])
    if (section, key) in STR_KEYS:
        choices.append(text)
    elif (section, key) in NUMBER_KEYS:
        choices.append(st.one_of(st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True, allow_infinity=True)))
    elif (section, key) in LIST_KEYS:
        choices.append(st.lists(text, max_size=3))
    if section == "sla" and key == "timezone":
        choices = [c.filter(lambda v: not (isinstance(v, str) and _crashes_zoneinfo(v))) for c in choices]
    return st.one_of(*choices)


def section(name: str) -> st.SearchStrategy[Any]:
    keys = {key: key_value(name, key) for sec, key in ALL_KEYS if sec == name}
    table = st.fixed_dictionaries({}, optional={**keys, "unknown_key": toml_values})
    if name == "trello":
        lists = st.fixed_dictionaries({}, optional={k: st.one_of(text, toml_values) for _, k in LIST_NAME_KEYS})
        table = st.fixed_dictionaries({}, optional={**keys, "lists": st.one_of(lists, toml_values)})
    return st.one_of(table, table, toml_values)  # mostly a table, sometimes the wrong shape


customer = st.fixed_dictionaries({}, optional={
    "name": st.one_of(text, toml_values), "trello_board": st.one_of(text, toml_values),
    "email_domains": st.one_of(st.lists(st.sampled_from(["acme.example", "x@y.z", "no-dot", "a b.c"]), max_size=2),
                               toml_values),
    "commitment_days": st.one_of(st.integers(-3, 9), st.floats(allow_nan=True, allow_infinity=True), toml_values),
    "extra": toml_values})
documents = st.fixed_dictionaries({}, optional={
    **{name: section(name) for name in ("groove", "sla", "trello", "team", "triage")},
    "customers": st.one_of(st.lists(customer, max_size=3), toml_values),
    "keys": st.one_of(st.dictionaries(text, st.one_of(text, toml_values), max_size=3), toml_values),
    "zzz_unknown": toml_values,
})


def to_toml(doc: dict[str, Any]) -> bytes | None:
    """The document as TOML, or None when TOML cannot say it (e.g. a list mixing tables and scalars)."""
    try:
        return tomli_w.dumps(doc).encode("utf-8")
    except (TypeError, ValueError):
        return None


def mutate(data: bytes, position: int, junk: bytes) -> bytes:
    position %= max(1, len(data))
    return data[:position] + junk + data[position + 1:]


broken_bytes = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(mutate, documents.map(lambda d: to_toml(d) or b"[groove]\nbell = true\n"), st.integers(0, 10_000),
              st.sampled_from([b"[", b"]", b"=", b'"', b"\n", b"\x00", b"\xff", b"[[", b"{", b"'''", b"\\u"])),
    st.builds(lambda body: b"\xff\xfe" + body, st.binary(max_size=50)),  # a UTF-16 BOM: not UTF-8
    st.sampled_from(["[sla]\ntimezone = \"Europe/Zürich\"\n".encode("latin-1"), b"[groove]\nbell = tru\n",
                     b"groove = 1\ngroove = 2\n", b"[groove]\n[groove]\n", b"a.b = 1\na = 2\n",
                     b"x = 1979-05-27T25:00:00", b"\xef\xbb\xbf[groove]\nbell = true\n"]),
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def assert_config_error_names_the_file(error: ConfigError, path: Path) -> None:
    message = str(error)
    assert message.startswith(f"Config file {path} has "), message[:200]
    assert error.problems and all(isinstance(p, str) and p for p in error.problems)
    assert "Traceback" not in message


def load(path: Path, tmp_path: Path) -> Settings:
    return load_settings({"SUPPORTDESK_CONFIG": str(path)}, data_dir=tmp_path / "data")


# --- load_settings ----------------------------------------------------------------------------------------
@FUZZ
@given(documents)
@example({"groove": 5})
@example({"sla": {"timezone": "Europe/London", "warn_hours": [60]}})
@example({})
def test_wrong_shapes_give_settings_or_a_config_error(tmp_path: Path, doc: dict[str, Any]) -> None:
    data = to_toml(doc)
    if data is None:
        return
    path = write(tmp_path / "fuzzed.toml", data)
    try:
        result = load(path, tmp_path)
    except ConfigError as error:
        assert_config_error_names_the_file(error, path)
    else:
        assert result.config_path == path and result.config_found
        assert result.groove.poll_seconds >= 5 and result.sla.target_hours > 0


def wrong_for(section_name: str, key: str) -> st.SearchStrategy[Any]:
    if (section_name, key) in STR_KEYS:
        return scalars.filter(lambda v: not isinstance(v, str)) | st.lists(text, min_size=1, max_size=2)
    if (section_name, key) in NUMBER_KEYS:
        return st.one_of(text, st.booleans(), st.dates(), st.lists(st.integers(), max_size=2))
    if (section_name, key) == ("sla", "warn_hours"):  # a list of small numbers would be right
        return st.one_of(text, st.integers(), st.lists(text, min_size=1, max_size=2))
    if (section_name, key) in BOOL_KEYS:
        return st.one_of(text, st.integers(), st.floats(allow_nan=False), st.lists(st.booleans(), max_size=2))
    return st.one_of(text, st.integers(), st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
                     st.lists(st.one_of(st.integers(), st.booleans()), min_size=1, max_size=2))


@FUZZ
@given(st.sampled_from(ALL_KEYS).flatmap(lambda sk: st.tuples(st.just(sk), wrong_for(*sk))))
def test_a_wrong_type_is_reported_against_its_key(tmp_path: Path, case: tuple[tuple[str, str], Any]) -> None:
    (section_name, key), value = case
    path = write(tmp_path / "one-wrong.toml", tomli_w.dumps({section_name: {key: value}}).encode("utf-8"))
    with pytest.raises(ConfigError) as caught:
        load(path, tmp_path)
    assert_config_error_names_the_file(caught.value, path)
    assert any(p.startswith(f"{section_name}.{key}:") for p in caught.value.problems), caught.value.problems


@FUZZ
@given(broken_bytes)
def test_unparsable_or_non_utf8_files_are_config_errors(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "broken.toml", data)
    try:
        load(path, tmp_path)
    except ConfigError as error:
        assert_config_error_names_the_file(error, path)


@pytest.mark.parametrize(("data", "problem"), [
    (b"\xff\xfe[groove]\n", "cannot be read"),
    ("[groove]\nsubdomain = \"Zürich\"\n".encode("latin-1"), "cannot be read"),
    (b"[groove\n", "not valid TOML"),
    (b"[groove]\nbell = tru\n", "not valid TOML"),
    (b"groove = 5\n", "[groove] must be a table"),
    (b"[[groove]]\nbell = true\n", "[groove] must be a table"),
    (b"[sla]\ntimezone = \"Mars/Olympus\"\n", "sla.timezone"),
    (b"[sla]\nwarn_hours = [nan]\n", "sla.warn_hours"),
    (b"[[customers]]\nname = 5\n[[customers]]\nname = 5\n", "customers[0].name"),
    (b"[keys]\n\"inbox.filter\" = { b = 1 }\n", "keys.inbox.filter"),
])
def test_known_bad_files(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path / "bad.toml", data)
    with pytest.raises(ConfigError) as caught:
        load(path, tmp_path)
    assert_config_error_names_the_file(caught.value, path)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_a_directory_or_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, tmp_path)
    assert_config_error_names_the_file(caught.value, tmp_path)
    if os.geteuid() != 0:  # root reads anything
        path = write(tmp_path / "secret.toml", b"[groove]\nbell = true\n")
        path.chmod(0)
        with pytest.raises(ConfigError, match="cannot be read"):
            load(path, tmp_path)


# --- the command ------------------------------------------------------------------------------------------
@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a fuzzed file ever be valid, the command must not start the real app inside the test."""
    def refuse(*args: Any) -> int:
        raise AssertionError("the app was started: the config file was accepted")

    monkeypatch.setattr(cli, "_run", refuse)


def assert_exit_2(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert cli.main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"supportdesk: Config file {path} has "), captured.err[:300]
    assert "Traceback" not in captured.err and captured.err.count("\n") >= 2


@pytest.mark.parametrize("data", [b"\xff\xfe[groove]\n", b"[groove\n", b"groove = 5\n",
                                  b"[sla]\ntimezone = \"Mars/Olympus\"\n[groove]\npoll_seconds = 1\n",
                                  b"[keys]\nx = 1\n", b"nonsense = true\n"],
                         ids=["not-utf8", "not-toml", "wrong-shape", "bad-values", "bad-key", "unknown-key"])
def test_the_command_exits_2_on_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], no_app: None,
                                           data: bytes) -> None:
    path = Path(os.environ["SUPPORTDESK_CONFIG"])
    write(path, data)
    assert_exit_2(capsys, path)


INJECTED = [("groove", "poll_seconds", "fast"), ("sla", "timezone", 5), ("zzz", None, 1), ("team", "developers", "ana"),
            ("triage", "timebox_hours", -1)]


def make_invalid(doc: dict[str, Any], which: int) -> dict[str, Any]:
    """``doc`` plus one problem that is certain, so the command never accepts the file."""
    section_name, key, value = INJECTED[which % len(INJECTED)]
    out = dict(doc)
    if key is None:
        out[section_name] = value
    else:
        table = out.get(section_name)
        out[section_name] = {**(table if isinstance(table, dict) else {}), key: value}
    return out


@CLI_FUZZ
@given(st.one_of(st.builds(make_invalid, documents, st.integers(0, 100)).map(to_toml), broken_bytes))
def test_the_command_exits_2_on_fuzzed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], no_app: None,
                                             data: bytes | None) -> None:
    path = Path(os.environ["SUPPORTDESK_CONFIG"])
    if data is None:
        return
    write(path, data)
    try:
        load(path, tmp_path)
    except ConfigError:
        assert_exit_2(capsys, path)  # else: random bytes that are valid TOML (b"", a comment): nothing to check


# --- crashes fuzzing found in the config loader (fixed; these keep them fixed) -------------------
@pytest.mark.parametrize("data", [b"a = " + b"[" * 1000 + b"]" * 1000, b"a = " + b"{b = " * 1000 + b"1" + b"}" * 1000],
                         ids=["arrays", "tables"])
def test_deeply_nested_toml_is_a_config_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ConfigError):
        try:
            load(write(tmp_path / "deep.toml", data), tmp_path)
        except RecursionError as exc:  # re-raised from here: pytest would spend seconds on 1,000 frames
            raise RecursionError(str(exc)) from None


def test_a_5000_digit_integer_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load(write(tmp_path / "digits.toml", b"[sla]\ntarget_hours = " + b"9" * 5000 + b"\n"), tmp_path)


def test_an_integer_beyond_float_range_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load(write(tmp_path / "big.toml", b"[sla]\ntarget_hours = " + b"9" * 400 + b"\n"), tmp_path)


@pytest.mark.parametrize("zone", ["America", "US", "a" * 300], ids=["America", "US", "300-chars"])
def test_a_zone_that_is_a_directory_or_too_long_is_a_config_error(tmp_path: Path, zone: str) -> None:
    with pytest.raises(ConfigError):
        load(write(tmp_path / "zone.toml", f"[sla]\ntimezone = \"{zone}\"\n".encode()), tmp_path)


@pytest.mark.parametrize("line", [b"[sla]\ntarget_hours = inf\n", b"[sla]\ntarget_hours = 1e300\n",
                                  b"[groove]\npoll_seconds = inf\n", b"[triage]\ntimebox_hours = inf\n"],
                         ids=["target-inf", "target-1e300", "poll-inf", "timebox-inf"])
def test_absurd_numbers_are_config_errors(tmp_path: Path, line: bytes) -> None:
    with pytest.raises(ConfigError):
        load(write(tmp_path / "inf.toml", line), tmp_path)
