"""The backlog dialog's rough edges: public mail domains are never offered, the "remember" box says its
state in words and `enter` confirms wherever the focus is, and the preview cuts the summary at a word."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox

from supportdesk_tui.domain.customers import Customer
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.domain.triage_text import card_description
from supportdesk_tui.screens.inbox.triage_dialogs import BacklogDialog
from supportdesk_tui.services.config_write import ConfigWriteError, add_email_domain
from tests.support import settle
from tests.triage.fixtures import ACME, TrelloEnv, add_ticket, ticket_url

SIZE = (150, 40)


def write_config(path: Path) -> None:
    path.write_text(f'[[customers]]\nname = "Acme Ltd"\ntrello_board = "{ACME.board_id}"\n'
                    'email_domains = ["acme.example"]\n')


async def test_a_public_mail_domain_is_never_offered(triage_app: Any, groove: Any, trello: TrelloEnv,
                                                     tmp_path: Path) -> None:
    write_config(tmp_path / "config.toml")
    add_ticket(groove, 5, "Hello from outlook", email="someone@outlook.com")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog)
        assert not dialog.query("#remember")  # a config file exists, but outlook.com names nobody


def test_the_config_writer_refuses_a_public_mail_domain(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    write_config(config)
    with pytest.raises(ConfigWriteError, match="public mail domain"):
        add_email_domain(config, "Acme Ltd", "Outlook.com")
    assert tomllib.loads(config.read_text())["customers"][0]["email_domains"] == ["acme.example"]


async def test_the_box_says_its_state_and_enter_confirms_from_it(triage_app: Any, groove: Any, trello: TrelloEnv,
                                                                 tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    write_config(config)
    n = add_ticket(groove, 5, "From a new address", email="joe@acme-group.example")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog)
        box = dialog.query_one("#remember", Checkbox)
        assert "acme-group.example for this customer? no" in str(box.label)
        await pilot.press(*"acme", "tab", "tab")
        assert dialog.focused is box
        await pilot.press("space")
        assert box.value and "YES" in str(box.label)
        await pilot.press("enter")  # on the box: confirms the dialog, does not untick it
        await settle(pilot, rounds=6)
        assert len(trello.cards_for(ACME.board_id, ticket_url(n))) == 1
        assert tomllib.loads(config.read_text())["customers"][0]["email_domains"] == [
            "acme.example", "acme-group.example"]


def test_the_summary_groove_cut_is_cut_back_to_a_whole_word() -> None:
    first = ("Since the updates, every single login attempt fails with the message 'invalid session' "
             "straight after the password, on every browser.")
    ticket = Ticket(number=7, title="Login", state="opened", created_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
                    updated_at=datetime(2026, 11, 25, 9, tzinfo=UTC), customer_email="a@acme.example",
                    summary=first[:100])  # Groove sends the first 100 characters
    assert first[:100].endswith("straight afte")
    desc = card_description(ticket, Customer("Acme Ltd", "b1", ("acme.example",)), ticket_url(7), "UTC")
    assert desc.splitlines()[0] == ("Since the updates, every single login attempt fails with the message "
                                    "'invalid session' straight…")
    short = card_description(Ticket(number=8, title="x", state="opened", created_at=ticket.created_at,
                                    updated_at=ticket.created_at, summary="Short and whole."),
                             Customer("Acme Ltd", "b1", ()), ticket_url(8), "UTC")
    assert short.splitlines()[0] == "Short and whole."
