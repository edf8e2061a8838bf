"""Scrubbing secrets out of text before it is logged, shown or stored."""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***"
_SECRET_PARAMS = re.compile(r"(?i)\b(access_token|token|key|oauth_token|oauth_consumer_key|api_key)=([^&\s\"']+)")
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer|oauth)?\s*[^'\"\n]+")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Replace every known secret, query-string credential and auth header value with ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
