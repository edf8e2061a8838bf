"""The Inbox as a view model: which tickets show, in what order, with which marks. No Textual here, so
every rule below is tested as a plain table of cases (tests/inbox/test_inbox_view.py).

It owns the text filter, "mine only", the NEW marks (until the cursor rests on the row), the rows a triage
action took out of the queue before Groove confirmed it, the queue order and the per-state counts.
The screen owns the widgets and the timers and asks this for rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime

from supportdesk_tui.domain.sla import ClockSummary, SlaClock, SlaStatus, queue_key
from supportdesk_tui.services.inbox import InboxData, InboxItem
from supportdesk_tui.widgets.ticket_row import Row

CONFIRMING_SYNCS = 2  # fresh syncs after which a hidden ticket that is still listed shows again

MarkOf = Callable[[int], str]


class InboxView:
    def __init__(self, me: str = "") -> None:
        self.me = me.casefold()
        self.filter = ""
        self.mine = False
        self.data: InboxData | None = None
        """The queue as shown: the last accepted load less the rows hidden by triage actions."""
        self._loaded: InboxData | None = None  # the last accepted load, as it came
        self._hidden: dict[int, int | None] = {}  # number -> fresh syncs left to confirm (None: running)
        self._seen_new: set[int] = set()
        self._count_cache: tuple[InboxData, datetime, datetime, dict[SlaStatus, int]] | None = None

    # --- loading ----------------------------------------------------------------------------------
    def load(self, data: InboxData) -> bool:
        """Take a queue in. False (and nothing changes) for a late cache read after fresher network data."""
        if data.from_cache and self.data is not None and not self.data.from_cache:
            return False
        if not data.from_cache and self._hidden:
            listed = {item.number for item in data.items}
            for number, left in list(self._hidden.items()):
                if left is None:
                    continue  # its action is still running
                if number not in listed or left <= 1:
                    del self._hidden[number]  # gone from Groove's queue, or still listed after enough syncs
                else:
                    self._hidden[number] = left - 1
        self._loaded = data
        self.data = self._without_hidden(data)
        return True

    def _without_hidden(self, data: InboxData) -> InboxData:
        if not any(item.number in self._hidden for item in data.items):
            return data
        return replace(data, items=tuple(item for item in data.items if item.number not in self._hidden))

    # --- rows taken out by triage actions ----------------------------------------------------------
    def leave(self, number: int) -> None:
        """A backlog or close started: the row leaves now; its action is still running."""
        self._hidden[number] = None
        if self.data is not None:
            self.data = replace(self.data, items=tuple(i for i in self.data.items if i.number != number))

    def left(self, number: int) -> None:
        """The action that took the row out is done: keep it hidden until Groove stops listing it (or for
        CONFIRMING_SYNCS fresh syncs, if Groove keeps listing it)."""
        self._hidden[number] = CONFIRMING_SYNCS

    def back(self, number: int) -> None:
        """The action was queued or refused: the row comes back, if the last load listed it."""
        self._hidden.pop(number, None)
        data, loaded = self.data, self._loaded
        if data is None or loaded is None or self.item(number) is not None:
            return
        item = loaded.item(number)
        if item is not None:
            self.data = replace(data, items=(*data.items, item))

    def forget(self, number: int) -> None:
        """An undo: stop hiding the row; it shows again with the next load."""
        self._hidden.pop(number, None)

    # --- what shows -----------------------------------------------------------------------------------
    def item(self, number: int | None) -> InboxItem | None:
        if number is None or self.data is None:
            return None
        return self.data.item(number)

    def is_new(self, number: int) -> bool:
        """Marked NEW (arrived with this or an earlier sync or run) and not seen since."""
        data = self.data
        return (data is not None and number not in self._seen_new
                and (number in data.marked_new or number in data.new_numbers))

    def seen(self, number: int) -> bool:
        """The cursor rested on a row: if it was NEW, it is not any more (True then: keep that for good)."""
        if not self.is_new(number):
            return False
        self._seen_new.add(number)
        return True

    def all_seen(self) -> list[int]:
        """Every NEW row is seen (a key for "I have looked at them all"); returns the ones that were."""
        data = self.data
        if data is None:
            return []
        numbers = [item.number for item in data.items if self.is_new(item.number)]
        self._seen_new.update(numbers)
        return numbers

    def rows(self, now: datetime, mark_of: MarkOf | None = None) -> list[Row]:
        """The rows to show, in queue order (time left, then number). ``mark_of`` gives each row's triage
        mark as of now; without it the mark the queue was built with is shown."""
        data = self.data
        if data is None:
            return []
        needle = self.filter.casefold()
        rows = []
        for item in data.items:
            t, customer = item.ticket, item.customer
            if self.mine and (not self.me or (t.assignee or "").casefold() != self.me):
                continue
            if needle:
                hay = " ".join([str(t.number), t.title, t.customer_email or "", customer.name if customer else "",
                                t.state, t.assignee or ""]).casefold()
                if needle not in hay:
                    continue
            rows.append(Row(t, item.clock, customer, new=self.is_new(t.number),
                            mark=mark_of(t.number) if mark_of is not None else item.mark))
        return sorted(rows, key=lambda row: queue_key(row.clock, now, row.ticket.number))

    def counts(self, now: datetime) -> dict[SlaStatus, int]:
        """Tickets per state, recounted only when the queue changed or some ticket crossed a threshold
        (the next crossing instant is known from the precomputed clocks): the 1 s tick stays cheap."""
        data = self.data
        if data is None:
            return {s: 0 for s in SlaStatus}
        cached = self._count_cache
        if cached is not None and cached[0] is data and cached[1] <= now < cached[2]:
            return cached[3]
        counts = {s: 0 for s in SlaStatus}
        next_change = datetime.max.replace(tzinfo=UTC)
        clocks: Iterable[SlaClock | ClockSummary] = (
            data.summaries if data.summaries is not None else (item.clock for item in data.items))
        for clock in clocks:  # the whole queue's, also while only its top is loaded
            counts[clock.status(now)] += 1
            for instant in clock.status_changes:
                if now < instant < next_change:
                    next_change = instant
        self._count_cache = (data, now, next_change, counts)
        return counts
