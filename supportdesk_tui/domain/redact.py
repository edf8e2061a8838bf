"""Scrubbing secrets out of text before it is logged, shown or stored, and defusing terminal controls.

Both jobs concern text the app did not write (server bodies, customers' subjects) on its way to a
person: a secret must not reach a screen, a log or the SQLite file, and an ESC sequence in an email
subject must not reach the terminal, where it could recolour, retitle or clear the screen (Rich and
Textual strip only BEL, BS, VT, FF and CR; ESC, NUL and the C1 controls pass through).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote

REDACTED = "***"
_SECRET_PARAMS = re.compile(r"(?i)\b(access_token|token|key|oauth_token|oauth_consumer_key|api_key)=([^&\s\"']+)")
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer|oauth)?\s*[^'\"\n]+")
# C0 controls but TAB and LF, DEL, the C1 controls, and lone surrogates (which cannot be encoded as UTF-8,
# so one in a JSON string would crash the terminal writer or a UTF-8 file write).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_ONE_LINE_SPACES = re.compile(r"[\t\n\r\v\f]")
MIN_CUT = 8  # a secret cut to this many characters or more by a truncation is still redacted
_CUT_END = r"(?=…|\.\.\.|$)"  # where a truncated text stops: an ellipsis or the end


def _picture(match: re.Match[str]) -> str:
    """A visible stand-in (Unicode's "control pictures": ESC shows as ␛), so the text stays readable."""
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def displayable(text: str, *, multiline: bool = False) -> str:
    """``text`` with every terminal control replaced by a visible symbol.

    One-line values (subjects, names, emails, states) also lose their line breaks and tabs, which
    would otherwise break a table row; multi-line values (message bodies) keep LF and TAB, with
    CRLF and lone CR turned into LF.
    """
    if text.isprintable():  # the common case, at C speed: controls, line breaks, tabs and surrogates
        return text         # are all non-printable, so there is nothing to replace
    text = _LINE_BREAKS.sub("\n", text) if multiline else _ONE_LINE_SPACES.sub(" ", text)
    return _CONTROLS.sub(_picture, text)


@lru_cache(maxsize=32)  # the same few secrets every time; building the patterns costs ~25 µs each
def _patterns(secret: str) -> tuple[re.Pattern[str], ...]:
    """The secret, its percent-encoded copies (as a URL, a form body or a server's echo carries them;
    either hex case), and each of those cut short where a text was truncated ("…" or the end): a body is
    often shortened before it reaches :func:`redact`, and the first 30 characters of a token are a leak too.
    """
    forms = sorted({secret, quote(secret, safe=""), quote(quote(secret, safe=""), safe="")}, key=len, reverse=True)
    patterns = [re.compile(re.escape(form), re.IGNORECASE if form != secret else 0) for form in forms]
    for form in forms:
        if len(form) > MIN_CUT:
            cuts = "|".join(re.escape(form[:n]) for n in range(len(form) - 1, MIN_CUT - 1, -1))
            patterns.append(re.compile(f"(?:{cuts}){_CUT_END}", re.IGNORECASE if form != secret else 0))
    return tuple(patterns)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Replace every known secret (also percent-encoded or cut short by a truncation), query-string
    credential and auth header value with ``***``, and defuse terminal controls (see :func:`displayable`):
    every caller is about to show, log or store the text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            for pattern in _patterns(secret):
                text = pattern.sub(REDACTED, text)
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return displayable(text, multiline=True)
