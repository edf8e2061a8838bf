"""Messages the Inbox's workers post: workers fetch, handlers touch widgets."""

from __future__ import annotations

from textual.message import Message

from supportdesk_tui.services.inbox import InboxData


class InboxLoaded(Message):
    """A queue arrived, from the cache or from Groove."""

    def __init__(self, data: InboxData) -> None:
        super().__init__()
        self.data = data


class InboxFailed(Message):
    """A refresh failed; the old data stays and a banner says why."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error
