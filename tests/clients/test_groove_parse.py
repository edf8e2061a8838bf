"""Groove JSON -> domain values: every spelling Groove is known to use (docs/apis.md, quirks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from supportdesk_tui.clients.errors import BadPayloadError
from supportdesk_tui.clients.groove_parse import (
    author_of,
    format_rfc822,
    href_segments,
    html_to_text,
    optional_timestamp,
    parse_message,
    parse_ticket,
    parse_timestamp,
)

UTC_1341 = datetime(2012, 7, 17, 13, 41, 1, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("2012-07-17T13:41:01Z", UTC_1341),
    ("2012-07-17T13:41:01z", UTC_1341),
    ("2012-07-17T13:41:01.250Z", UTC_1341.replace(microsecond=250000)),
    ("2012-07-17T13:41:01.123456789Z", UTC_1341.replace(microsecond=123456)),
    ("2012-07-17T13:41:01+00:00", UTC_1341),
    ("2012-07-17T19:11:01+05:30", UTC_1341),
    ("2012-07-17 19:11:01 +0530", UTC_1341),
    ("2012-07-17 19:11:01.5 +0530", UTC_1341.replace(microsecond=500000)),
    ("2012-07-17 06:41:01 -0700", UTC_1341),
    ("2012-07-17 06:41:01 -07", UTC_1341),
    ("2012-07-17 13:41:01 UTC", UTC_1341),
    ("2012-07-17 13:41:01.75 UTC", UTC_1341.replace(microsecond=750000)),
    ("2012-07-17 13:41:01 GMT", UTC_1341),
    ("  2012-07-17 13:41:01 UTC  ", UTC_1341),
    ("2012-07-17 13:41 UTC", UTC_1341.replace(second=0)),
    ("2012-07-17 13:41:01", UTC_1341),  # no zone: taken as UTC (UNCONFIRMED)
    ("Tue, 17 Jul 2012 13:41:01 +0000", UTC_1341),  # RFC-822, what sent_at prefers
    ("Tue, 17 Jul 2012 14:41:01 +0100", UTC_1341),
])
def test_timestamps_in_every_known_format_become_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", [None, "", "   ", "yesterday", "2012-13-45 10:00:00 UTC", "2012-07-17T13:41:01+25:00",
                                 1342532461, "17/07/2012 13:41"])
def test_unreadable_timestamps_raise_value_error(bad: Any) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(bad)
    assert optional_timestamp(bad) is None


def test_rfc822_round_trips() -> None:
    assert parse_timestamp(format_rfc822(UTC_1341)) == UTC_1341


def ticket(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "number": 42, "title": "Cannot log in", "state": "opened", "priority": "high",
        "summary": "Since this morning", "tags": ["login"], "assignee": "ana@example.com",
        "message_count": 3, "created_at": "2024-05-02T09:14:07Z", "updated_at": "2024-05-02 11:01:55 +0100",
        "href": "https://api.groovehq.com/v1/tickets/42",
        "links": {"customer": {"href": "https://api.groovehq.com/v1/customers/bob@example.org"}},
    }
    base.update(overrides)
    return base


def test_a_full_ticket_parses() -> None:
    t = parse_ticket(ticket(state_changed_at="2024-05-02 10:00:00 UTC", customer_name="Bob"))
    assert t.number == 42 and t.title == "Cannot log in" and t.state == "opened" and t.priority == "high"
    assert t.created_at == datetime(2024, 5, 2, 9, 14, 7, tzinfo=UTC)
    assert t.updated_at == datetime(2024, 5, 2, 10, 1, 55, tzinfo=UTC)
    assert t.state_changed_at == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
    assert t.customer_email == "bob@example.org" and t.customer_domain == "example.org"
    assert t.customer_name == "Bob" and t.assignee == "ana@example.com"
    assert t.tags == ("login",) and t.message_count == 3 and t.summary == "Since this morning"


@pytest.mark.parametrize("href", [
    "https://api.groovehq.com/v1/customers/bob@example.org",
    "http://api.groovehq.com/v1/customers/bob@example.org",
    "https://api.groovehq.dev/v1/customers/bob@example.org",
    "http://127.0.0.1:5000/v1/customers/bob%40example.org",
    "/v1/customers/bob@example.org/",
    "https://api.groovehq.com/v1/customers/bob@example.org?page=1#x",
])
def test_customer_email_comes_from_the_href_path_whatever_the_host(href: str) -> None:
    assert parse_ticket(ticket(links={"customer": {"href": href}})).customer_email == "bob@example.org"


def test_plus_addresses_are_url_decoded() -> None:
    href = "https://api.groovehq.com/v1/customers/bob%2Bsupport%40example.org"
    assert parse_ticket(ticket(links={"customer": {"href": href}})).customer_email == "bob+support@example.org"


@pytest.mark.parametrize("links", [
    None, "nope", {}, {"customer": None}, {"customer": "x"}, {"customer": {"href": None}},
    {"customer": {"href": 7}}, {"customer": {"href": "https://api.groovehq.com/v1/customers/0070883940"}},
])
def test_missing_or_odd_customer_links_give_no_email(links: Any) -> None:
    assert parse_ticket(ticket(links=links)).customer_email is None


@pytest.mark.parametrize(("field", "value", "attribute", "expected"), [
    ("title", None, "title", ""),
    ("title", 12, "title", ""),
    ("state", None, "state", "unknown"),
    ("state", "follow_up", "state", "follow_up"),
    ("state", "SNOOZED", "state", "snoozed"),
    ("priority", None, "priority", None),
    ("priority", "", "priority", None),
    ("priority", "Urgent", "priority", "urgent"),
    ("priority", 3, "priority", None),
    ("tags", None, "tags", ()),
    ("tags", "login", "tags", ()),
    ("tags", ["a", 1, None, "b"], "tags", ("a", "b")),
    ("message_count", None, "message_count", 0),
    ("message_count", "7", "message_count", 7),
    ("message_count", True, "message_count", 0),
    ("summary", None, "summary", ""),
    ("assignee", None, "assignee", None),
    ("assignee", "", "assignee", None),
    ("state_changed_at", "garbage", "state_changed_at", None),
    ("customer_name", 5, "customer_name", None),
])
def test_optional_fields_tolerate_null_and_wrong_types(field: str, value: Any, attribute: str,
                                                       expected: Any) -> None:
    assert getattr(parse_ticket(ticket(**{field: value})), attribute) == expected


@pytest.mark.parametrize("missing", ["title", "state", "priority", "tags", "assignee", "message_count", "summary",
                                     "updated_at", "links", "href"])
def test_optional_fields_may_be_absent(missing: str) -> None:
    data = ticket()
    del data[missing]
    parsed = parse_ticket(data)
    assert parsed.number == 42
    if missing == "updated_at":
        assert parsed.updated_at == parsed.created_at


def test_assignee_falls_back_to_the_links() -> None:
    links = {"assignee": {"href": "http://api.groovehq.com/v1/agents/ana%40consultancy.example"}}
    assert parse_ticket(ticket(assignee=None, links=links)).assignee == "ana@consultancy.example"


def test_listing_state_fills_a_missing_state() -> None:
    data = ticket()
    del data["state"]
    assert parse_ticket(data, default_state="pending").state == "pending"


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"number": None}, "number"), ({"number": "abc"}, "number"), ({"number": True}, "number"),
    ({"created_at": None}, "created_at"), ({"created_at": "soon"}, "created_at"),
])
def test_a_ticket_without_number_or_created_at_is_a_bad_payload(overrides: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadPayloadError, match=reason):
        parse_ticket(ticket(**overrides))


def test_a_ticket_number_given_as_digits_is_accepted() -> None:
    assert parse_ticket(ticket(number="0042")).number == 42


@pytest.mark.parametrize("data", [None, [], "ticket", 42])
def test_a_ticket_that_is_not_an_object_is_a_bad_payload(data: Any) -> None:
    with pytest.raises(BadPayloadError):
        parse_ticket(data)


def message(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "href": "https://api.groovehq.com/v1/messages/0070883940",
        "created_at": "2017-12-14 20:09:19 +0530", "updated_at": "2017-12-14 15:53:33 UTC", "note": False,
        "body": "<p>Hello <b>there</b></p>", "plain_text_body": "Hello there",
        "links": {"author": {"href": "http://api.groovehq.com/v1/customers/bob@example.org"},
                  "ticket": {"href": "https://api.groovehq.com/v1/tickets/42"}},
    }
    base.update(overrides)
    return base


def test_a_message_keeps_its_id_as_a_string_with_leading_zeros() -> None:
    m = parse_message(message(), ticket_number=42)
    assert m.id == "0070883940"
    assert m.ticket_number == 42
    assert m.created_at == datetime(2017, 12, 14, 14, 39, 19, tzinfo=UTC)
    assert (m.author, m.author_kind, m.note, m.body_text) == ("bob@example.org", "customer", False, "Hello there")


@pytest.mark.parametrize(("href", "expected_id"), [
    ("http://api.groovehq.com/v1/messages/0000000001", "0000000001"),
    ("https://api.groovehq.dev/v1/messages/007/", "007"),
    ("/v1/messages/12", "12"),
])
def test_message_ids_from_any_href(href: str, expected_id: str) -> None:
    assert parse_message(message(href=href), ticket_number=1).id == expected_id


def test_message_id_falls_back_to_the_id_field_then_fails() -> None:
    assert parse_message(message(href=None, id="0099"), ticket_number=1).id == "0099"
    with pytest.raises(BadPayloadError):
        parse_message(message(href=None), ticket_number=1)


def test_message_ticket_number_from_links_when_not_given() -> None:
    assert parse_message(message()).ticket_number == 42
    with pytest.raises(BadPayloadError):
        parse_message(message(links={}))


@pytest.mark.parametrize(("href", "author", "kind"), [
    ("https://api.groovehq.com/v1/agents/ana@consultancy.example", "ana@consultancy.example", "agent"),
    ("http://api.groovehq.dev/v1/agents/ana%40consultancy.example", "ana@consultancy.example", "agent"),
    ("http://api.groovehq.com/v1/customers/0070883940", "0070883940", "customer"),
    ("https://api.groovehq.com/v1/customers/bob@example.org", "bob@example.org", "customer"),
    ("https://api.groovehq.com/v1/widgets/5", "5", "unknown"),
    ("https://example.org/customers-agents/x", "x", "unknown"),
    (None, None, "unknown"),
])
def test_author_kind_from_the_author_href(href: str | None, author: str | None, kind: str) -> None:
    links = {"author": {"href": href}, "ticket": {"href": "/v1/tickets/1"}}
    assert author_of(message(links=links)) == (author, kind)
    parsed = parse_message(message(links=links))
    assert (parsed.author, parsed.author_kind) == (author, kind)


@pytest.mark.parametrize(("plain", "body", "expected"), [
    ("Plain wins", "<p>html</p>", "Plain wins"),
    (None, "<p>Hi&nbsp;Bob,</p><p>Line one<br>line two</p>", "Hi Bob,\n\nLine one\nline two"),
    ("", "<div>Fallback &amp; more</div>", "Fallback & more"),
    ("   ", "<p>Blank plain text falls back</p>", "Blank plain text falls back"),
    (None, "<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
    (None, "<style>p {color: red}</style><script>alert(1)</script><p>Only this</p>", "Only this"),
    (None, "<p>Wrapped\n   source\nlines</p>", "Wrapped source lines"),
    (None, "<pre>keep\n  this</pre>", "keep\n  this"),
    (None, "no tags &lt;here&gt;", "no tags <here>"),
    (None, None, ""),
    (None, 5, ""),
])
def test_message_text_prefers_plain_text_else_strips_html(plain: Any, body: Any, expected: str) -> None:
    assert parse_message(message(plain_text_body=plain, body=body), ticket_number=1).body_text == expected


@pytest.mark.parametrize(("note", "expected"), [(True, True), (False, False), ("true", True), ("false", False),
                                                (None, False), (1, True)])
def test_note_flag(note: Any, expected: bool) -> None:
    assert parse_message(message(note=note), ticket_number=1).note is expected


def test_a_message_without_created_at_is_a_bad_payload() -> None:
    with pytest.raises(BadPayloadError, match="created_at"):
        parse_message(message(created_at=None), ticket_number=1)


def test_html_to_text_collapses_blank_runs() -> None:
    assert html_to_text("<p>a</p><p></p><p></p><p>b</p>") == "a\n\nb"


def test_href_segments_decode_and_ignore_host() -> None:
    assert href_segments("http://x.example:8080/v1/customers/a%2Bb%40c.d?q=1") == ["v1", "customers", "a+b@c.d"]
    assert href_segments(None) == [] and href_segments("") == []
