"""Hypothesis strategies for hostile input: text, JSON, Groove and Trello payloads.

Shared by the fuzz tests. "Hostile" means what a real payload can carry, not only random bytes:
Rich markup in a subject (``[bold]``, ``[/]``, ``[link=…]``), terminal escapes, lone surrogates,
right-to-left and zero-width characters, 10k-character strings, ids as ints or padded digit strings,
three timestamp spellings plus out-of-range ones, nulls and wrong types anywhere.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

MARKUP = ["[bold]", "[/]", "[/bold]", "[link=x]", "[link=https://evil.example]click[/link]", "[@click=app.quit]x[/]",
          "[red on blue]", "[b]unclosed", "\\[escaped]", "[[", "]]", "[/ ]", "[$accent]", "$text", "{braces}",
          "<script>alert(1)</script>", "&amp;&#0;&#x110000;", "%s%d", "[bold]x[/bold]", "[dim]", "[i]"]
CONTROLS = ["\x1b[2J", "\x1b]0;pwned\x07", "\x1b[31m", "\x00", "\x9b31m", "\r", "\b", "\x7f", "\t", "\n", "\v",
            "\ud800", "\udfff"]
EXOTIC = ["\u202e", "\u200b", "\u200f", "\ufeff", "\U0001f600", "\U0001f469\u200d\U0001f4bb", "مرحبا", "שלום",
          "e\u0301", "漢字", "\u00a0", "\ufffd", "\U0010ffff"]

# What a terminal must never receive from user data (TAB and LF are allowed in multi-line text only).
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
FORBIDDEN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

pieces = st.sampled_from(MARKUP + CONTROLS + EXOTIC)
huge_text = st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "[b]", "\x1b[1m", "😀", "ab cd ", "\u202e"]),
                      st.integers(2_000, 12_000))
short_hostile_text = st.one_of(st.text(max_size=40),
                               st.lists(st.one_of(pieces, st.text(max_size=6)), max_size=8).map("".join))
hostile_text = st.one_of(short_hostile_text, huge_text)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                         st.floats(allow_nan=True, allow_infinity=True), hostile_text)
json_any = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                              st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                        max_leaves=8)

ODD_TIMESTAMPS = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "2012-02-30 10:00:00 UTC",
                  "2012-07-17T13:41:01+25:00", "Tue, 17 Jul 99999 13:41:01 +0000", "Tue, 17 Jul 0000 13:41:01 +0000",
                  "1342532461", "", "   ", "2012-07-17T13:41:01.123456789123Z", "2012-07-17 24:00:00",
                  "٢٠١٢-٠٧-١٧ ١٣:٤١:٠١ UTC", "2012-07-17T13:41:01Z\x00", "2012-07-17T13:41:01", "Z", "now",
                  "2012-07-17 13:41:01 +9999", "2012-07-17T13:41:01.Z"]
_OFFSETS = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((0, 0), (5, 30), (-7, 0), (14, 0), (-12, 0))]


def _spell(when: datetime, how: int) -> str:
    """The three spellings Groove uses (docs/apis.md, quirk 4), plus ISO with an offset and RFC-822."""
    if how == 0:
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if how == 1:
        return when.strftime("%Y-%m-%d %H:%M:%S %z")
    if how == 2:
        return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if how == 3:
        return when.isoformat()
    return when.strftime("%a, %d %b %Y %H:%M:%S %z")


good_timestamps = st.builds(
    lambda naive, zone, how: _spell(naive.replace(tzinfo=zone), how),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(_OFFSETS), st.integers(0, 4))
timestamps = st.one_of(good_timestamps, st.sampled_from(ODD_TIMESTAMPS), st.text(max_size=30), json_scalars)

good_numbers = st.one_of(st.integers(1, 2**63 - 1), st.integers(1, 10**9).map(lambda n: f"{n:010d}"))
ODD_IDS = ["²", "١٢", "", " 12 ", "12a", "-1", "0", "9" * 5000, "1e3", "0x10", "1_000", "+5", "12.0"]
numbers = st.one_of(good_numbers, st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from(ODD_IDS),
                    json_scalars)

STATES = ["unread", "opened", "pending", "closed", "spam", "follow_up", "snoozed", "OPENED", " Pending ", "archived",
          "[bold]opened", "[/]", "deleted", ""]
states = st.one_of(st.sampled_from(STATES), hostile_text, json_scalars)


def _href(scheme: str, host: str, collection: str, segment: str) -> str:
    return f"{scheme}://{host}/v1/{collection}/{quote(segment, safe='@', errors='surrogatepass')}"


hrefs = st.one_of(
    st.builds(_href, st.sampled_from(["http", "https", "ftp", ""]),
              st.sampled_from(["api.groovehq.com", "[::1", "x:notaport", "", "docs.groovehq.com"]),
              st.sampled_from(["customers", "agents", "tickets", "messages", "x"]),
              st.one_of(hostile_text, st.emails(), good_numbers.map(str))),
    hostile_text, json_scalars)
link = st.one_of(st.fixed_dictionaries({"href": hrefs}), json_any)
links = st.one_of(st.fixed_dictionaries({}, optional={name: link for name in
                                                      ("customer", "assignee", "author", "ticket", "messages")}),
                  json_any)

_TICKET_OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "updated_at": timestamps, "state_changed_at": timestamps,
    "title": st.one_of(hostile_text, json_scalars), "state": states, "priority": states,
    "summary": st.one_of(hostile_text, json_scalars),
    "tags": st.one_of(st.lists(st.one_of(hostile_text, json_scalars), max_size=4), json_any),
    "message_count": numbers, "assignee": st.one_of(hostile_text, st.emails(), json_scalars),
    "customer_email": st.one_of(hostile_text, st.emails(), json_scalars),
    "customer_name": st.one_of(hostile_text, json_scalars), "links": links, "garbage": json_any,
}
# Anything at all: every key may be missing, any value may be of any type.
groove_ticket = st.fixed_dictionaries({}, optional={"number": numbers, "created_at": timestamps, **_TICKET_OPTIONAL})
# What the app can work with (a number and a created_at), everything else hostile: must always parse.
plausible_groove_ticket = st.fixed_dictionaries({"number": good_numbers, "created_at": good_timestamps},
                                                optional=_TICKET_OPTIONAL)

_MESSAGE_OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "plain_text_body": st.one_of(hostile_text, json_scalars),
    "body": st.one_of(hostile_text, st.lists(st.sampled_from(["<p>", "</p>", "<br>", "<![", "<!--", "<pre>", "&lt;",
                                                              "<script>", "x", " \n", "<li>", "<", ">"]),
                                             max_size=12).map("".join), json_scalars),
    "note": json_scalars, "links": links, "id": numbers, "garbage": json_any,
}
groove_message = st.fixed_dictionaries({}, optional={"href": hrefs, "created_at": timestamps, **_MESSAGE_OPTIONAL})
plausible_groove_message = st.fixed_dictionaries(
    {"href": good_numbers.map(lambda n: f"https://api.groovehq.com/v1/messages/{n}"),
     "created_at": good_timestamps}, optional=_MESSAGE_OPTIONAL)

# --- Trello ------------------------------------------------------------------------------------------
good_trello_ids = st.text(alphabet="0123456789abcdef", min_size=24, max_size=24)
trello_ids = st.one_of(good_trello_ids, hostile_text, json_scalars)
trello_dates = st.one_of(good_timestamps.filter(lambda s: s[:1].isdigit()), st.sampled_from(ODD_TIMESTAMPS),
                         json_scalars)
positions = st.one_of(st.integers(min_value=-(2**1100), max_value=2**1100),
                      st.floats(allow_nan=True, allow_infinity=True), json_scalars)
names = st.one_of(hostile_text, json_scalars)

trello_label = st.one_of(st.fixed_dictionaries({}, optional={"id": trello_ids, "name": names, "color": names}),
                         json_any)
trello_member = st.one_of(st.fixed_dictionaries({}, optional={"id": trello_ids, "username": names,
                                                              "fullName": names, "initials": names}), json_any)
trello_list = st.one_of(st.fixed_dictionaries({}, optional={"id": trello_ids, "name": names, "pos": positions,
                                                            "closed": json_scalars}), json_any)
_CARD_OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "name": names, "desc": names, "pos": positions, "due": trello_dates, "dateLastActivity": trello_dates,
    "closed": json_scalars, "labels": st.one_of(st.lists(trello_label, max_size=3), json_any),
    "idLabels": st.one_of(st.lists(trello_ids, max_size=3), json_any),
    "idMembers": st.one_of(st.lists(trello_ids, max_size=3), json_any), "url": names, "shortUrl": names,
    "garbage": json_any,
}
trello_card = st.one_of(st.fixed_dictionaries({}, optional={"id": trello_ids, "idList": trello_ids,
                                                            "idBoard": trello_ids, **_CARD_OPTIONAL}), json_any)
trello_board = st.one_of(
    st.fixed_dictionaries({}, optional={
        "id": trello_ids, "name": names, "url": names, "dateLastActivity": trello_dates,
        "lists": st.one_of(st.lists(trello_list, max_size=3), json_any),
        "cards": st.one_of(st.lists(trello_card, max_size=4), json_any),
        "labels": st.one_of(st.lists(trello_label, max_size=3), json_any),
        "members": st.one_of(st.lists(trello_member, max_size=3), json_any), "garbage": json_any}),
    json_any)

# Well-typed skeletons with hostile free text: these must always parse.
plausible_trello_card = st.fixed_dictionaries(
    {"id": good_trello_ids, "idList": good_trello_ids, "idBoard": good_trello_ids, "name": hostile_text,
     "desc": hostile_text, "pos": st.floats(-1e9, 1e9)},
    optional={"labels": st.lists(st.fixed_dictionaries({"id": good_trello_ids, "name": hostile_text}), max_size=2),
              "idMembers": st.lists(good_trello_ids, max_size=2), "url": hostile_text, "shortUrl": hostile_text})
plausible_trello_board = st.fixed_dictionaries(
    {"id": good_trello_ids, "name": hostile_text,
     "lists": st.lists(st.fixed_dictionaries({"id": good_trello_ids, "name": hostile_text,
                                              "pos": st.floats(-1e9, 1e9)}), max_size=3),
     "cards": st.lists(plausible_trello_card, max_size=3),
     "members": st.lists(st.fixed_dictionaries({"id": good_trello_ids, "username": hostile_text,
                                                "fullName": hostile_text}), max_size=2)})
