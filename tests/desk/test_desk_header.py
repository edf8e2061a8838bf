"""The one-line header: what the person reads first must not be the part that is cut."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from supportdesk_tui.widgets.desk_header import DeskHeader

LEFT = "Planning · 2026-W49 · 30 Nov – 4 Dec 2026 · triage: ana + chloe"
RIGHT = "· saved · plan r3 by ben 10:02 · pool: 36 cards as of 10:05"
SHORT = "· saved · plan r3 by ben 10:02 · pool: 36"


class HeaderApp(App[None]):
    def __init__(self, right_short: str) -> None:
        super().__init__()
        self.right_short = right_short

    def compose(self) -> ComposeResult:
        yield DeskHeader()

    def on_mount(self) -> None:
        header = self.query_one(DeskHeader)
        header.left, header.right, header.right_short = LEFT, RIGHT, self.right_short


@pytest.mark.parametrize(("width", "right_short", "shown"), [
    (140, SHORT, f"{LEFT}  {RIGHT}"),  # room for all: the long form
    (120, SHORT, f"{LEFT}  {SHORT}"),  # the long form would cut the pair: the short form keeps it whole
    (120, "", f"{LEFT[:120 - 2 - len(RIGHT) - 2 - 1]}…  {RIGHT}"),  # no short form: the left gives way
    (90, SHORT, f"{LEFT[:90 - 2 - len(SHORT) - 2 - 1]}…  {SHORT}"),  # too narrow even so: the left is cut
])
async def test_the_short_right_is_used_whenever_the_left_would_be_cut(width: int, right_short: str,
                                                                      shown: str) -> None:
    async with HeaderApp(right_short).run_test(size=(width, 3)) as pilot:
        await pilot.pause()
        assert str(pilot.app.query_one(DeskHeader).render()) == shown
