"""Keeping the Trello key and token out of exception texts and log lines.

In query mode py-trello puts ``key=`` and ``token=`` in the URL, which urllib3 logs at DEBUG and
requests quotes in connection errors; in OAuth mode requests-oauthlib and oauthlib log the signed
``Authorization`` header (``oauth_token="..."``) and the signature base string at DEBUG. The shared
:func:`supportdesk_tui.domain.redact.redact` misses the quoted OAuth form when the token is not passed
explicitly, and percent-encoded copies, so this module adds both.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

from supportdesk_tui.domain.redact import REDACTED, redact

_OAUTH_QUOTED = re.compile(r'(?i)\b(oauth_(?:token|consumer_key|signature))="[^"]*"')
_OAUTH_ENCODED = re.compile(r"(?i)\b(oauth_(?:token|consumer_key|signature))(%3D|&#61;)[^&\s\"']+")

# Loggers that can see a URL with the query, the Authorization header or the OAuth base string.
NOISY_LOGGERS = (
    "urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager", "urllib3.util.retry",
    "urllib3.response", "requests_oauthlib.oauth1_auth", "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature", "supportdesk_tui.clients.trello",
)


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``redact`` plus the OAuth header's quoted values and URL-encoded copies of the secrets."""
    expanded: list[str | None] = []
    for secret in secrets:
        expanded.append(secret)
        if secret:
            expanded.append(quote(secret, safe=""))
            expanded.append(quote(quote(secret, safe=""), safe=""))
    text = _OAUTH_QUOTED.sub(lambda m: f'{m.group(1)}="{REDACTED}"', text)
    text = _OAUTH_ENCODED.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return redact(text, expanded)


class ScrubFilter(logging.Filter):
    """A logger filter that rewrites each record's message through :func:`scrub`.

    Logger filters only see records created on that very logger, hence the explicit list.
    """

    def __init__(self, secrets: Iterable[str | None], loggers: Iterable[str] = NOISY_LOGGERS) -> None:
        super().__init__()
        self.secrets = tuple(secrets)
        self.loggers = tuple(loggers)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the emitter's bug; drop the args, keep the text
            message = str(record.msg)
        clean = scrub(message, self.secrets)
        if clean != message or record.args:
            record.msg = clean
            record.args = ()
        return True

    def install(self) -> None:
        for name in self.loggers:
            logging.getLogger(name).addFilter(self)

    def uninstall(self) -> None:
        for name in self.loggers:
            logging.getLogger(name).removeFilter(self)
