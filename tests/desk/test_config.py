"""Config: defaults, env precedence, and a clear message for every kind of bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportdesk_tui.config import ConfigError, check_base_url, load_settings

GOOD = """
[groove]
subdomain = "consultancy"
poll_seconds = 30
states = ["unread", "opened", "pending"]

[sla]
target_hours = 48
warn_hours = [12, 4]
clock = "business"
timezone = "Europe/London"
business_days = ["mon", "tue", "wed", "thu", "fri"]
business_hours = ["09:00-12:30", "13:30-17:30"]
holidays = ["2026-12-25", "2026-12-28"]
pause_states = ["pending"]

[trello]
support_epics_board = "epics"
lists = { new = "New Issues", up_next = "Up next", completed = "Recently Completed", done = "Done" }

[[customers]]
name = "Acme Ltd"
trello_board = "b1"
email_domains = ["acme.example"]
commitment_days = 3

[team]
me = "triage@consultancy.example"
developers = ["dev1", "dev2", "dev3", "dev4"]
triage_leads = ["dev1", "dev2"]

[keys]
"inbox.filter" = "f"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_round_trips(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    s = load_settings({"SUPPORTDESK_CONFIG": str(path), "SUPPORTDESK_DATA_DIR": str(tmp_path / "d")})
    assert s.config_found and s.config_path == path and s.data_dir == tmp_path / "d"
    assert s.sla.clock == "business" and s.sla.business_hours == ("09:00-12:30", "13:30-17:30")
    assert s.sla.pause_states == ("pending",) and len(s.sla.holidays) == 2
    assert s.customers[0].email_domains == ("acme.example",) and s.customers[0].commitment_days == 3
    assert s.team.triage_leads == ("dev1", "dev2") and s.keys == {"inbox.filter": "f"}
    assert s.groove.ticket_url(42) == "https://consultancy.groovehq.com/t/42"


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    s = load_settings({"SUPPORTDESK_CONFIG": str(tmp_path / "nope.toml")})
    assert not s.config_found and s.sla.target_hours == 48 and s.groove_url == "https://api.groovehq.com/v1"


def test_env_urls_override(tmp_path: Path) -> None:
    s = load_settings({"SUPPORTDESK_CONFIG": str(tmp_path / "x.toml"), "SUPPORTDESK_GROOVE_URL": "http://127.0.0.1:9/v1/",
                       "SUPPORTDESK_TRELLO_URL": "http://localhost:8/1"})
    assert s.groove_url == "http://127.0.0.1:9/v1" and s.trello_url == "http://localhost:8/1"


@pytest.mark.parametrize(("url", "ok"), [
    ("https://api.groovehq.com/v1", True), ("http://127.0.0.1:8000/v1", True), ("http://[::1]:80/1", True),
    ("http://localhost/1", True), ("http://example.com/v1", False), ("http://10.0.0.1/v1", False),
    ("ftp://127.0.0.1/", False), ("not a url", False),
])
def test_base_url_policy(url: str, ok: bool) -> None:
    assert (check_base_url(url, "X") is None) is ok


@pytest.mark.parametrize(("toml", "needle"), [
    ("[groove]\npoll_seconds = 'often'", "groove.poll_seconds: expected a number of seconds from 5 to 3600"),
    ("[groove]\npoll_seconds = 1", "groove.poll_seconds"),
    ("[groove]\npoll_seconds = true", "groove.poll_seconds"),
    ("[groove]\nstates = ['open']", "groove.states"),
    ("[groove]\ncolour = 'red'", "groove.colour: unknown key"),
    ("[sla]\ntarget_hours = -1", "sla.target_hours"),
    ("[sla]\nwarn_hours = [60]", "sla.warn_hours"),
    ("[sla]\nclock = 'lunar'", "sla.clock"),
    ("[sla]\ntimezone = 'Mars/Olympus'", "sla.timezone"),
    ("[sla]\nbusiness_days = ['monday']", "sla.business_days"),
    ("[sla]\nbusiness_hours = ['17:30-09:00']", "sla.business_hours"),
    ("[sla]\nbusiness_hours = ['9-5']", "sla.business_hours"),
    ("[sla]\nholidays = ['25/12/2026']", "sla.holidays"),
    ("[[customers]]\ntrello_board = 'b'", "customers[0].name: required"),
    ("[[customers]]\nname = 'A'\nemail_domains = 'a.example'", "customers[0].email_domains"),
    ("[[customers]]\nname = 'A'\ncommitment_days = 9", "customers[0].commitment_days"),
    ("[[customers]]\nname = 'A'\n[[customers]]\nname = 'A'", "duplicate customer"),
    ("[team]\ndevelopers = ['a']\ntriage_leads = ['b']", "team.triage_leads: 'b' is not in team.developers"),
    ("[trello.lists]\nnew = ''", "trello.lists.new"),
    ("[triage]\nbacklog_state = 'spam'", "triage.backlog_state"),
    ("[keys]\n'inbox.filter' = 3", "keys.inbox.filter"),
    ("groove = 3", "[groove] must be a table"),
    ("[nonsense]", "config.nonsense: unknown key"),
    ("this is = not toml [", "not valid TOML"),
])
def test_bad_values_name_file_key_and_expectation(tmp_path: Path, toml: str, needle: str) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError) as info:
        load_settings({"SUPPORTDESK_CONFIG": str(path)})
    message = str(info.value)
    assert str(path) in message
    assert needle in message


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "[groove]\npoll_seconds = 'x'\n[sla]\nclock = 'y'\n")
    with pytest.raises(ConfigError) as info:
        load_settings({"SUPPORTDESK_CONFIG": str(path)})
    assert len(info.value.problems) == 2


def test_http_url_for_remote_host_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SUPPORTDESK_GROOVE_URL"):
        load_settings({"SUPPORTDESK_CONFIG": str(tmp_path / "x.toml"), "SUPPORTDESK_GROOVE_URL": "http://groove.example/v1"})


# --- keys declared ahead of the features that will use them ---------------------------------------------
def test_keys_for_later_have_the_documented_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "[[customers]]\nname = 'Acme Ltd'\n")
    s = load_settings({"SUPPORTDESK_CONFIG": str(path)})
    acme = s.customers[0]
    assert (acme.call_every_weeks, acme.call_day, acme.pair, acme.contact) == (1, None, False, None)
    assert s.trello.lists.plans == "Support plans" and s.triage.confirmation_state == ""
    assert s.planning.max_card_days == 20


def test_keys_for_later_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "[[customers]]\nname = 'Acme Ltd'\ncall_every_weeks = 2\ncall_day = 'fri'\npair = true\n"
                           "contact = 'ops@acme.example'\n[trello.lists]\nplans = 'Plans'\n"
                           "[triage]\nconfirmation_state = 'closed'\n[planning]\nmax_card_days = 7.5\n")
    s = load_settings({"SUPPORTDESK_CONFIG": str(path)})
    acme = s.customers[0]
    assert (acme.call_every_weeks, acme.call_day, acme.pair, acme.contact) == (2, "fri", True, "ops@acme.example")
    assert s.trello.lists.plans == "Plans" and s.triage.confirmation_state == "closed"
    assert s.planning.max_card_days == 7.5


@pytest.mark.parametrize(("toml", "needle"), [
    ("[[customers]]\nname = 'A'\ncall_every_weeks = 3", "customers[0].call_every_weeks: expected 1 or 2"),
    ("[[customers]]\nname = 'A'\ncall_every_weeks = true", "customers[0].call_every_weeks"),
    ("[[customers]]\nname = 'A'\ncall_day = 'sat'", "customers[0].call_day: expected a weekday (mon..fri)"),
    ("[[customers]]\nname = 'A'\npair = 'yes'", "customers[0].pair: expected true or false"),
    ("[[customers]]\nname = 'A'\ncontact = 'ops at acme'", "customers[0].contact: expected an email address"),
    ("[[customers]]\nname = 'A'\ncontact = \"ops@acme.example\\n\"", "customers[0].contact"),
    ("[trello.lists]\nplans = ' '", "trello.lists.plans: expected a list name"),
    ("[triage]\nconfirmation_state = 'spam'", "triage.confirmation_state"),
    ("[planning]\nmax_card_days = 0", "planning.max_card_days: expected a number of days above 0"),
    ("[planning]\nmax_card_days = inf", "planning.max_card_days"),
    ("[planning]\ncolour = 1", "planning.colour: unknown key"),
])
def test_keys_for_later_are_validated(tmp_path: Path, toml: str, needle: str) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError) as info:
        load_settings({"SUPPORTDESK_CONFIG": str(path)})
    assert str(path) in str(info.value) and needle in str(info.value)


def test_a_list_with_some_bad_items_names_them(tmp_path: Path) -> None:
    path = write(tmp_path, "[sla]\nbusiness_days = ['mon', 'funday', 'tue', 'caturday']\n")
    with pytest.raises(ConfigError) as info:
        load_settings({"SUPPORTDESK_CONFIG": str(path)})
    assert info.value.problems == ["sla.business_days: expected a list of day names (mon..sun); "
                                   "bad value(s): 'funday', 'caturday'"]
