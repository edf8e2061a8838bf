"""Small hand-made accounts on the loopback fakes, for the cases the demo seed does not have."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake

LISTS = ("New Issues", "Up next", "Recently Completed", "Done")


@dataclass
class World:
    groove: GrooveFake
    trello: TrelloFake
    groove_server: FakeServer
    trello_server: FakeServer

    @property
    def groove_url(self) -> str:
        return self.groove_server.url

    @property
    def trello_url(self) -> str:
        return self.trello_server.url

    def ticket(self, email: str, subject: str = "Something broke") -> int:
        return self.groove.add_ticket(customer_email=email, subject=subject, body="Hello", state="closed")

    def board(self, name: str, lists: tuple[str, ...] = LISTS, members: tuple[str, ...] = ()) -> str:
        return self.trello.add_board(None, name, lists, members=members)

    def marked_card(self, board_id: str, list_name: str, number: int, subdomain: str = "acmesupport") -> str:
        desc = f"From the inbox.\n\nGroove ticket: https://{subdomain}.groovehq.com/t/{number}\n"
        return self.trello.add_card(board_id, list_name, f"Ticket {number}", desc=desc)


@contextmanager
def world(clock: Any) -> Iterator[World]:
    groove = GrooveFake(clock=clock)
    trello = TrelloFake(clock)
    g_server = start_groove_fake(groove)
    t_server = start_trello_fake(trello)
    try:
        yield World(groove, trello, g_server, t_server)
    finally:
        g_server.stop()
        t_server.stop()
