"""Groove v1 JSON -> domain values, leniently.

Groove's payloads vary in ways the docs don't admit (docs/apis.md, quirks): three timestamp formats,
hrefs on http, https or a docs host, ids as digit strings with leading zeros, fields missing or
null. Everything here is pure and tolerant of optional fields; only what the app can't work without
(a ticket's ``number`` and ``created_at``, a message's id and ``created_at``) raises
:class:`BadPayloadError`, and nothing else is ever raised, whatever the JSON (tests/fuzz/test_fuzz_payloads.py).

Text that came from customers (subjects, names, addresses, bodies) leaves here with terminal controls
made visible (:func:`supportdesk_tui.domain.redact.displayable`): a subject is an email header anyone
on the internet can write, and an ESC sequence in it must not reach the user's terminal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

from supportdesk_tui.clients.errors import BadPayloadError
from supportdesk_tui.domain.redact import displayable
from supportdesk_tui.domain.tickets import Message, Ticket

SERVICE = "Groove"
MAX_NUMBER = 2**63 - 1  # SQLite's INTEGER: a larger "ticket number" could never be cached
_DIGITS = re.compile(r"[0-9]{1,30}")  # ASCII only: str.isdigit() also takes "²", which int() refuses

_TIMESTAMP = re.compile(
    r"""^\s*(?P<date>\d{4}-\d{2}-\d{2})[T\s](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?
        \s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_timestamp(value: object) -> datetime:
    """Any of Groove's timestamp spellings -> an aware UTC datetime; ValueError otherwise.

    Accepts ``2012-07-17T13:41:01Z``, ``2017-12-14 20:09:19 +0530``, ``2017-12-14 15:53:33 UTC``,
    each with or without fractional seconds, ISO offsets like ``+05:30``, and RFC-822 as a fallback.
    UNCONFIRMED: a timestamp without any zone is taken as UTC (no example shows one).
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a timestamp: {value!r}")
    try:
        return _parse_timestamp(value)
    except OverflowError as exc:  # e.g. 9999-12-31T23:59-05:00 is past datetime.max in UTC
        raise ValueError(f"timestamp out of range: {value[:60]!r}") from exc


@lru_cache(maxsize=1 << 15)  # a poll sees the same few thousand timestamps as the last one
def _parse_timestamp(value: str) -> datetime:
    match = _TIMESTAMP.match(value)
    if match is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a timestamp: {value!r}") from exc
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    year, month, day = (int(part) for part in match["date"].split("-"))
    micro = int((match["frac"] or "0")[:6].ljust(6, "0"))
    naive = datetime(year, month, day, int(match["h"]), int(match["m"]), int(match["s"] or 0), micro)
    return naive.replace(tzinfo=_zone(match["tz"])).astimezone(UTC)


def _zone(text: str | None) -> timezone:
    if text is None or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"bad UTC offset {text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def optional_timestamp(value: object) -> datetime | None:
    """Like :func:`parse_timestamp` but None for a missing or unreadable value."""
    try:
        return parse_timestamp(value)
    except ValueError:
        return None


def format_rfc822(when: datetime) -> str:
    """What Groove prefers for ``sent_at`` (RFC-822)."""
    return format_datetime(when.astimezone(UTC))


def href_segments(href: object) -> list[str]:
    """The url-decoded path segments of an href, whatever its scheme and host."""
    if not isinstance(href, str) or not href.strip():
        return []
    try:
        path = urlsplit(href.strip()).path
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 host)
        return []
    return [unquote(part) for part in path.split("/") if part]


def last_segment(href: object) -> str | None:
    segments = href_segments(href)
    return segments[-1] if segments else None


def link_href(data: Mapping[str, Any], name: str) -> str | None:
    """``data["links"][name]["href"]`` if every step is the right type."""
    links = data.get("links")
    link = links.get(name) if isinstance(links, Mapping) else None
    href = link.get("href") if isinstance(link, Mapping) else None
    return href if isinstance(href, str) else None


@lru_cache(maxsize=1 << 13)  # the same customers' hrefs on every poll; urlsplit is the slow part
def _email_after(href: str | None, collection: str) -> str | None:
    """The email in ``…/<collection>/<email>``; None when the segment is an id, not an email."""
    segments = href_segments(href)
    if len(segments) >= 2 and segments[-2] == collection and "@" in segments[-1]:
        return displayable(segments[-1]).strip()
    return None


def _text(value: object) -> str | None:
    """A one-line string field, safe to show; None for anything else."""
    return displayable(value) if isinstance(value, str) else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _count(value: object) -> int:
    number = _int(value)
    return number if number is not None and 0 <= number <= MAX_NUMBER else 0


def _word(value: object) -> str | None:
    """States and priorities: open strings, lower-cased (v2 spells them upper-case), empty -> None."""
    return (displayable(value).strip().lower() or None) if isinstance(value, str) else None


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return value is True or value == 1


def _bad(what: str, data: object) -> BadPayloadError:
    return BadPayloadError(SERVICE, what, body=repr(data))


def parse_ticket(data: object, *, default_state: str = "unknown") -> Ticket:
    """One ticket object (the value inside ``{"ticket": …}`` or one item of ``tickets``)."""
    if not isinstance(data, Mapping):
        raise _bad("a ticket is not a JSON object", data)
    number = _int(data.get("number"))
    if number is None or not 0 < number <= MAX_NUMBER:
        raise _bad("a ticket has no usable number", data)
    try:
        created_at = parse_timestamp(data.get("created_at"))
    except ValueError as exc:
        raise _bad(f"ticket {number} has no usable created_at", data) from exc
    customer_href = link_href(data, "customer")
    assignee = _text(data.get("assignee")) or _email_after(link_href(data, "assignee"), "agents")
    raw_tags = data.get("tags")
    tags = tuple(displayable(t) for t in raw_tags if isinstance(t, str)) if isinstance(raw_tags, list) else ()
    return Ticket(
        number=number,
        title=_text(data.get("title")) or "",
        state=_word(data.get("state")) or default_state,
        created_at=created_at,
        updated_at=optional_timestamp(data.get("updated_at")) or created_at,
        customer_email=_email_after(customer_href, "customers") or _text(data.get("customer_email")),
        # UNCONFIRMED for REST: customer_name is in webhook payloads (zulip fixtures).
        customer_name=_text(data.get("customer_name")),
        assignee=assignee or None,
        priority=_word(data.get("priority")),
        summary=_text(data.get("summary")) or "",
        tags=tags,
        message_count=_count(data.get("message_count")),
        # UNCONFIRMED for REST: state_changed_at is in webhook payloads only (zulip fixtures).
        state_changed_at=optional_timestamp(data.get("state_changed_at")),
    )


def author_of(data: Mapping[str, Any]) -> tuple[str | None, str]:
    """(author email or id, "customer" | "agent" | "unknown") from ``links.author.href``."""
    segments = href_segments(link_href(data, "author"))
    if len(segments) < 2:
        return None, "unknown"
    kind = {"customers": "customer", "agents": "agent"}.get(segments[-2], "unknown")
    return displayable(segments[-1]), kind


def parse_message(data: object, *, ticket_number: int | None = None) -> Message:
    """One message object. The id comes from ``href`` (a string: leading zeros matter)."""
    if not isinstance(data, Mapping):
        raise _bad("a message is not a JSON object", data)
    raw_id = data.get("id")
    message_id = last_segment(data.get("href")) or (str(raw_id) if isinstance(raw_id, str | int) else None)
    if not message_id:
        raise _bad("a message has no href or id", data)
    try:
        created_at = parse_timestamp(data.get("created_at"))
    except ValueError as exc:
        raise _bad(f"message {message_id} has no usable created_at", data) from exc
    number = ticket_number
    if number is None:
        ticket_segments = href_segments(link_href(data, "ticket"))
        number = _int(ticket_segments[-1]) if ticket_segments else None
    if number is None or not 0 < number <= MAX_NUMBER:
        raise _bad(f"message {message_id} does not say which ticket it belongs to", data)
    author, kind = author_of(data)
    plain = data.get("plain_text_body")
    html = data.get("body")
    body = plain if isinstance(plain, str) and plain.strip() else ""
    if not body and isinstance(html, str):
        body = html_to_text(html)
    return Message(id=message_id, ticket_number=number, created_at=created_at,
                   body_text=displayable(body, multiline=True).strip(),
                   author=author, author_kind=kind, note=_bool(data.get("note")))


_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                         "pre", "ul", "ol", "table", "hr"})
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})
_PRE_SPACE = "\ue000"  # a private-use stand-in, so indentation inside <pre> survives the clean-up


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS and tag not in ("br", "hr", "li"):  # break once for <br/>, list items
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:  # source line breaks are just spaces in HTML, except inside <pre>
            self.parts.append(data.replace(" ", _PRE_SPACE) if self._pre else re.sub(r"\s+", " ", data))


_ANY_TAG = re.compile(r"<[^>]*>?")


def html_to_text(html: str) -> str:
    """Readable plain text from a message's HTML body: block tags become line breaks.

    HTMLParser gives up on some broken markup (``<![ x`` raises AssertionError in 3.11); then the
    tags are simply dropped, so a mangled email still shows its words.
    """
    if "<" not in html:
        return unescape(html).strip()
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        return unescape(_ANY_TAG.sub(" ", html)).strip()
    lines = [re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip().replace(_PRE_SPACE, " ")
