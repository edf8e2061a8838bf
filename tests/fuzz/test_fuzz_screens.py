"""Hostile ticket text through the real Inbox (Pilot): rendered literally, never as markup, never a crash.

A crafted Groove on loopback serves tickets whose subjects, senders, states and bodies carry Rich
markup, 10k characters, right-to-left and zero-width characters and terminal controls. What the
terminal would receive is read back from the widgets' rendered lines (``render_line``), so "literal"
means the characters on screen, not just the cell's value; and no control character may get through
(Rich and Textual pass ESC, NUL and C1 straight to the terminal).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Input, Static

from supportdesk_tui.domain.redact import displayable
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.screens.inbox.ticket_detail import TicketDetailScreen
from supportdesk_tui.widgets.desk_header import DeskHeader
from supportdesk_tui.widgets.ticket_table import TicketTable
from tests.fuzz.strategies import FORBIDDEN, short_hostile_text
from tests.support import NOW, settle

SIZE = (220, 40)  # the subject column gets 136 cells


def iso(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket(number: int, title: Any, *, email: str = "wile@acme.example", state: Any = "opened",
           assignee: Any = None, name: Any = None) -> dict[str, Any]:
    return {"number": number, "title": title, "state": state, "created_at": iso(3), "updated_at": iso(2),
            "assignee": assignee, "customer_name": name, "summary": title, "tags": [title] if title else [],
            "links": {"customer": {"href": "https://api.groovehq.com/v1/customers/"
                                           + quote(email, safe="@", errors="surrogatepass")}}}


def message(number: int, index: int, body: str) -> dict[str, Any]:
    return {"href": f"https://api.groovehq.com/v1/messages/{number:05d}{index:05d}", "created_at": iso(3 - index),
            "plain_text_body": body, "note": index % 2 == 1,
            "links": {"author": {"href": "https://api.groovehq.com/v1/customers/wile@acme.example"}}}


class HostileGroove:
    """Just enough of Groove: every state listing returns ``tickets``; threads and states on demand."""

    def __init__(self) -> None:
        self.tickets: list[dict[str, Any]] = []
        self.messages: dict[int, list[dict[str, Any]]] = {}

    def handle(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p][1:]  # drop "v1"
        if parts == ["tickets"]:
            meta = {"pagination": {"current_page": 1, "total_pages": 1, "total_count": len(self.tickets)}}
            return Response(200, json.dumps({"tickets": self.tickets, "meta": meta}).encode("utf-8", "surrogatepass"),
                            {"Content-Type": "application/json"})
        if len(parts) == 3 and parts[0] == "tickets" and parts[2] == "messages":
            body = {"messages": self.messages.get(int(parts[1]), []), "meta": {"pagination": {"total_pages": 1}}}
            return Response(200, json.dumps(body).encode("utf-8", "surrogatepass"),
                            {"Content-Type": "application/json"})
        if len(parts) == 3 and parts[2] == "state":
            return Response.json({"state": "closed"})
        return Response.json({"errors": ["not here"]}, 404)


@pytest.fixture
def hostile() -> Iterator[tuple[HostileGroove, FakeServer]]:
    api = HostileGroove()
    server = FakeServer("hostile-groove", api.handle, prefix="/v1").start()
    try:
        yield api, server
    finally:
        server.stop()


@pytest.fixture
def hostile_app(hostile: tuple[HostileGroove, FakeServer], make_settings: Callable[..., Any],
                make_app: Callable[..., Any]) -> Callable[..., Any]:
    """The real app (store, services, clients) pointed at the hostile Groove; a fresh data dir per call."""
    _, server = hostile
    built = [0]

    def build() -> Any:
        built[0] += 1
        base = make_settings()
        return make_app(dataclasses.replace(base, groove_url=server.url, data_dir=base.data_dir / str(built[0])))

    return build


def rendered(widget: Widget) -> str:
    """The characters the terminal would get for this widget, line by line."""
    return "\n".join("".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height))


def visible_prefix(text: str, cells: int) -> str:
    """The longest prefix of ``text`` that fits in ``cells`` terminal cells."""
    out = ""
    for char in text:
        if cell_len(out + char) > cells:
            break
        out += char
    return out


def assert_no_controls(text: str) -> None:
    match = FORBIDDEN.search(text.replace("\n", ""))
    assert match is None, f"control {match.group()!r} would reach the terminal" if match else ""


def subject_cell(app: Any, number: int) -> str:
    return str(app.screen.query_one(TicketTable).cell_text(number, "subject"))


async def check_inbox_shows_literally(pilot: Any, number: int, title: str) -> None:
    app = pilot.app
    table_lines = rendered(app.screen.query_one(TicketTable))
    assert_no_controls(table_lines)
    expected = displayable(title) or "(no subject)"
    assert subject_cell(app, number) == expected  # the whole title, as text: nothing parsed away
    prefix = visible_prefix(expected, 60).rstrip()
    assert prefix in table_lines, f"{prefix!r} not on screen"
    svg = app.export_screenshot()
    svg.encode("utf-8")  # a lone surrogate would make the screenshot (and the terminal writer) fail
    assert_no_controls(svg)


HOSTILE_TITLES = {
    "markup": "[bold]Invoice[/bold] [link=https://evil.example]click[/link] [@click=app.quit]quit[/] [red]x",
    "unbalanced markup": "[/] closing tag first, then [b unclosed and [/bold] stray",
    "escaped markup and variables": "\\[not markup] $accent {braces} %s [$error]",
    "10k subject": "[b]" + "A" * 10_000,
    "rtl emoji zero-width": "\u202eexe.doc\u202c 😀👩‍💻 مرحبا שלום \u200bzero\u200dwidth\ufeff e\u0301",
    "terminal controls": "\x1b[2J\x1b]0;pwned\x07 bell\x00nul \x9b31m csi \x7fdel \ud800 surrogate",
    "line breaks": "first line\nsecond\r\nthird\ttabbed",
    "empty": "",
}


@pytest.mark.parametrize("title", list(HOSTILE_TITLES.values()), ids=list(HOSTILE_TITLES))
async def test_hostile_subjects_render_literally_in_inbox_and_detail(
        hostile: tuple[HostileGroove, FakeServer], hostile_app: Callable[..., Any], title: str) -> None:
    api, _ = hostile
    api.tickets = [ticket(1, title, email="[bold]wile[/]@acme.example", state="[red]opened[/]",
                          assignee="[link=x]ana[/link]@consultancy.example", name=title)]
    api.messages = {1: [message(1, 0, title), message(1, 1, f"<p>{title}</p>\n" + title)]}
    async with hostile_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await check_inbox_shows_literally(pilot, 1, title)
        table = pilot.app.screen.query_one(TicketTable)
        assert table.cell_text(1, "state") == "[red]opened[/]"  # an unknown state, shown as it came
        assert table.cell_text(1, "assignee") == "[link=x]ana[/link]"
        assert "[red]ope" in rendered(table) and "[link=x]" in rendered(table)  # cut to the 9/10-cell columns

        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TicketDetailScreen)
        summary = rendered(screen.query_one("#summary", Static))
        assert_no_controls(summary)
        assert visible_prefix(displayable(title) or "(no subject)", 40).rstrip() in summary
        assert "[bold]wile[/]@acme.example" in summary
        bodies = [rendered(w) for w in screen.query(".message")]
        assert len(bodies) == 2
        for body in bodies:
            assert_no_controls(body)
        first_line = displayable(title, multiline=True).strip().split("\n")[0]
        if first_line:
            assert visible_prefix(first_line, 40).rstrip() in bodies[0]
        assert_no_controls(pilot.app.export_screenshot())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, TicketDetailScreen)


async def test_a_new_hostile_ticket_toasts_literally(hostile: tuple[HostileGroove, FakeServer],
                                                     hostile_app: Callable[..., Any]) -> None:
    api, _ = hostile
    api.tickets = [ticket(1, "calm")]
    title = HOSTILE_TITLES["markup"] + HOSTILE_TITLES["terminal controls"]
    async with hostile_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        api.tickets = [*api.tickets, ticket(2, title, email="[/]@acme.example")]
        await pilot.press("r")
        await settle(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert f"#2 {displayable(title)}" in messages
        svg = pilot.app.export_screenshot()
        assert_no_controls(svg)
        assert "[bold]Invoice[/bold]" in svg  # the toast (and the row) show the brackets themselves


async def test_hostile_filter_text_is_shown_literally(hostile: tuple[HostileGroove, FakeServer],
                                                      hostile_app: Callable[..., Any]) -> None:
    api, _ = hostile
    api.tickets = [ticket(1, "[bold]match me"), ticket(2, "other")]
    async with hostile_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        box = pilot.app.screen.query_one("#filter", Input)
        box.value = "[bold]match"
        await settle(pilot)
        table = pilot.app.screen.query_one(TicketTable)
        assert table.row_count == 1 and subject_cell(pilot.app, 1) == "[bold]match me"
        header = pilot.app.screen.query_one(DeskHeader)
        assert "filter: [bold]match" in rendered(header)
        box.value = "[/]"  # a closing tag alone is invalid markup: must not raise
        await settle(pilot)
        assert table.row_count == 0 and "filter: [/]" in rendered(header)


def test_random_hostile_subjects_render(hostile: tuple[HostileGroove, FakeServer],
                                        hostile_app: Callable[..., Any]) -> None:
    """A few random titles on top of the table above (each example is a whole app run, so few, and short:
    the 10k-character subject is in the table)."""
    api, _ = hostile

    async def run(title: str) -> None:
        api.tickets = [ticket(1, title), ticket(2, title[::-1], email=f"{title[:20]}@acme.example")]
        async with hostile_app().run_test(size=SIZE) as pilot:
            await settle(pilot)
            await check_inbox_shows_literally(pilot, 1, title)

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(short_hostile_text.filter(lambda t: re.search(r"\S", t) is not None))
    def check(title: str) -> None:
        asyncio.run(run(title))

    check()
