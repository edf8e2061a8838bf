"""The triage keys through Textual's Pilot: the real App against both fakes, a real SQLite file, a frozen clock."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from supportdesk_tui.screens.inbox.screen import InboxScreen
from supportdesk_tui.screens.inbox.triage_dialogs import BacklogDialog, CloseDialog, NoteDialog, UrgentDialog
from supportdesk_tui.widgets.ticket_table import TicketTable
from tests.support import settle
from tests.triage.fixtures import ACME, BLUEBIRD, Processed, TrelloEnv, add_ticket, notes_with, ticket_url

SIZE = (150, 40)


def table(app: Any) -> TicketTable:
    return app.screen.query_one(TicketTable)


def toasts(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def focus_row(pilot: Any, number: int) -> None:
    t = table(pilot.app)
    t.move_cursor(row=t.get_row_index(number))
    await pilot.pause()


async def test_b_then_enter_backlogs_and_the_ticket_leaves_at_once(triage_app: Any, groove: Any,
                                                                   trello: TrelloEnv) -> None:
    oldest, middle, newest = add_ticket(groove, 30, "Oldest"), add_ticket(groove, 20, "Middle"), add_ticket(
        groove, 10, "Newest")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert table(pilot.app).numbers() == [oldest, middle, newest]
        await focus_row(pilot, middle)
        groove.server.faults.latency_ms = 1000  # keep the action in flight while we look, even on a loaded machine
        await pilot.press("b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog)
        assert dialog.chosen() == next(c for c in dialog.customers if c.name == "Acme Ltd")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, InboxScreen)
        assert table(pilot.app).numbers() == [oldest, newest]  # gone before Groove has even answered
        assert table(pilot.app).current_number() == newest  # auto-advance to the next row
        groove.server.faults.latency_ms = 0
        await settle(pilot, rounds=6)
        (card,) = trello.cards_for(ACME.board_id, ticket_url(middle))
        assert card["idList"] == trello.fake.list_id(ACME.board_id, "New Issues")
        assert len(notes_with(groove, middle, card["shortUrl"])) == 1
        assert groove.fake.tickets_snapshot()[middle].state == "closed"
        assert table(pilot.app).numbers() == [oldest, newest]  # the refresh confirms it
        assert any(f"#{middle} backlogged" in m for m in toasts(pilot.app))


async def test_type_to_pick_another_customer(triage_app: Any, groove: Any, trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Booking page blank", email="someone@acme.example")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"blue")
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog) and dialog.chosen() is not None
        assert dialog.chosen().name == "Bluebird Travel"  # type: ignore[union-attr]
        preview = str(dialog.query_one("#preview").render())
        assert "Bluebird Travel › New Issues" in preview and f"Groove ticket: {ticket_url(n)}" in preview
        await pilot.press("enter")
        await settle(pilot, rounds=6)
        assert len(trello.cards_for(BLUEBIRD.board_id, ticket_url(n))) == 1
        assert trello.cards_for(ACME.board_id, ticket_url(n)) == []


async def test_empty_title_is_refused_in_the_dialog(triage_app: Any, groove: Any, trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog)
        assert "needs a title" in str(dialog.query_one("#error").render())
        await pilot.press(*"Portal down")  # the title box has the focus now
        await pilot.press("enter")
        await settle(pilot, rounds=6)
        (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
        assert card["name"] == "Portal down"


async def test_a_customer_without_a_board_is_explained(triage_app: Any, groove: Any) -> None:
    add_ticket(groove, 5, "Hello", email="x@nobody.example")
    customers = [{"name": "Nobody Inc", "trello_board": "", "email_domains": ["nobody.example"]}]
    async with triage_app(customers=customers).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        error = str(pilot.app.screen.query_one("#error").render())
        assert "Nobody Inc has no Trello board" in error and "trello_board" in error
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, InboxScreen)


async def test_unmapped_sender_can_be_remembered_with_consent(triage_app: Any, groove: Any, trello: TrelloEnv,
                                                              triage_settings: Any, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[[customers]]\nname = "Acme Ltd"\ntrello_board = "{ACME.board_id}"\n'
                      'email_domains = ["acme.example"]\n')
    n = add_ticket(groove, 5, "From a new address", email="joe@acme-group.example")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"acme", "tab", "tab", "space", "ctrl+s")
        await settle(pilot, rounds=6)
        assert len(trello.cards_for(ACME.board_id, ticket_url(n))) == 1
        data = tomllib.loads(config.read_text())
        assert data["customers"][0]["email_domains"] == ["acme.example", "acme-group.example"]
        assert any("Remembered acme-group.example for Acme Ltd" in m for m in toasts(pilot.app))


async def test_a_fixes_now_with_a_timebox_and_a_nudge(triage_app: Any, groove: Any, clock: Any) -> None:
    n = add_ticket(groove, 5, "Quick fix")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot, rounds=6)
        assert groove.fake.tickets_snapshot()[n].assignee == "ana@consultancy.example"
        assert table(pilot.app).cell_text(n, "subject").startswith("[fixing 2:00] Quick fix")
        assert table(pilot.app).cell_text(n, "assignee") == "ana"
        clock.advance(timedelta(hours=2, minutes=1))
        pilot.app.screen.triage_keys.tick()
        await pilot.pause()
        assert any(f"The timebox for #{n} \"Quick fix\" is over" in m for m in toasts(pilot.app))
        assert "[timebox over: b?]" in table(pilot.app).cell_text(n, "subject")


async def test_u_marks_urgent_with_a_reason(triage_app: Any, groove: Any) -> None:
    n = add_ticket(groove, 5, "Checkout broken")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(pilot.app.screen, UrgentDialog)
        await pilot.press("enter")
        assert "why it is urgent" in str(pilot.app.screen.query_one("#error").render())
        await pilot.press(*"no orders since 9", "enter")
        await settle(pilot, rounds=6)
        assert groove.fake.tickets_snapshot()[n].priority == "high"
        assert len(notes_with(groove, n, "no orders since 9")) == 1
        assert table(pilot.app).cell_text(n, "subject").startswith("[urgent]")


async def test_c_closes_with_the_previewed_reply_or_without(triage_app: Any, groove: Any) -> None:
    first, second = add_ticket(groove, 6, "Typo"), add_ticket(groove, 5, "Answered by phone")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_row(pilot, first)
        await pilot.press("c")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, CloseDialog)
        assert "This is fixed now" in str(dialog.query_one("#preview").render())
        await pilot.press("end", *" Thanks!")
        assert "Thanks!" in str(dialog.query_one("#preview").render())
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        (reply,) = [m for m in groove.fake.messages_of(first) if m.author_kind == "agent"]
        assert not reply.note and reply.plain_text.startswith("Hello") and "Thanks!" in reply.plain_text
        assert groove.fake.tickets_snapshot()[first].state == "closed"
        assert table(pilot.app).numbers() == [second]
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("shift+tab", "space", "ctrl+s")  # untick "send this reply"
        await settle(pilot, rounds=6)
        assert len(groove.fake.messages_of(second)) == 1
        assert groove.fake.tickets_snapshot()[second].state == "closed"


async def test_n_adds_a_private_note(triage_app: Any, groove: Any) -> None:
    n = add_ticket(groove, 5, "Question")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteDialog)
        await pilot.press("ctrl+s")
        assert "empty" in str(pilot.app.screen.query_one("#error").render())
        await pilot.press(*"Asked Ben about it", "ctrl+s")
        await settle(pilot, rounds=6)
        assert len(notes_with(groove, n, "Asked Ben about it")) == 1
        assert groove.fake.tickets_snapshot()[n].state == "unread"


async def test_z_undoes_a_backlog_and_the_ticket_comes_back(triage_app: Any, groove: Any, trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Undo me", state="opened")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        before = [table(pilot.app).cell_text(n, column) for column in ("status", "left")]
        week = str(pilot.app.screen.query_one("#week").render())
        await pilot.press("b", "enter")
        await settle(pilot, rounds=6)
        assert table(pilot.app).numbers() == []
        assert "1 backlogged" in str(pilot.app.screen.query_one("#week").render())
        await pilot.press("z")
        await settle(pilot, rounds=6)
        await pilot.press("r")  # a sync after the undo: Groove lists the ticket again
        await settle(pilot, rounds=6)
        assert table(pilot.app).numbers() == [n]
        assert groove.fake.tickets_snapshot()[n].state == "opened"
        (card,) = trello.cards_for(ACME.board_id, ticket_url(n))
        assert card["closed"] is True
        assert any("card archived" in m and "note with the card link stays" in m for m in toasts(pilot.app))
        # As if it never happened: the same clock (not a fresh 48 h one, not "reopened"), the same week,
        # and no "new ticket" announcement for a ticket that came back.
        assert [table(pilot.app).cell_text(n, column) for column in ("status", "left")] == before
        assert str(pilot.app.screen.query_one("#week").render()) == week
        assert not any("New ticket" in m or ("Undo me" in m and m.startswith("#")) for m in toasts(pilot.app))


async def test_conflict_is_explained_and_nothing_is_written(triage_app: Any, groove: Any, trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Someone else closed it")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        groove.fake.set_state(n, "closed", by="ben@consultancy.example")
        await pilot.press("b", "enter")
        await settle(pilot, rounds=6)
        assert any(f"#{n} is already closed" in m for m in toasts(pilot.app))
        assert trello.cards_for(ACME.board_id, ticket_url(n)) == []


async def test_offline_actions_queue_then_drain_in_order(triage_app: Any, groove: Any, trello: TrelloEnv,
                                                         groove_processed: Processed) -> None:
    first, second = add_ticket(groove, 6, "First"), add_ticket(groove, 5, "Second", email="tom@bluebird.example")
    async with triage_app().run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        groove.server.faults.down = True
        await focus_row(pilot, first)
        await pilot.press("b", "enter")
        await settle(pilot, rounds=6)
        await focus_row(pilot, second)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Waiting on Tom", "ctrl+s")
        await settle(pilot, rounds=6)
        assert table(pilot.app).cell_text(first, "subject").startswith("[backlog queued]")
        assert table(pilot.app).cell_text(second, "subject").startswith("[note queued]")
        assert pilot.app.pending_actions() == 2
        assert trello.processed.count("POST", r"/cards") == 0
        groove.server.faults.down = False
        groove_processed.clear()
        await pilot.press("r")  # back online: the refresh replays the queue
        await settle(pilot, rounds=8)
        assert pilot.app.pending_actions() == 0
        posts = [p for m, p in groove_processed.log if m == "POST"]
        assert posts == [f"/v1/tickets/{first}/messages", f"/v1/tickets/{second}/messages"]
        assert len(trello.cards_for(ACME.board_id, ticket_url(first))) == 1
        assert groove.fake.tickets_snapshot()[first].state == "closed"
        assert len(notes_with(groove, second, "Waiting on Tom")) == 1


async def test_unmapped_sender_without_a_config_file_is_not_offered_to_remember(triage_app: Any, groove: Any,
                                                                                 trello: TrelloEnv) -> None:
    n = add_ticket(groove, 5, "Hello from gmail", email="someone@gmail.com")
    async with triage_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, BacklogDialog) and not dialog.query("#remember")
        assert dialog.chosen() is None  # no silent guess for an unknown sender
        await pilot.press("enter")
        assert "Pick a customer for someone@gmail.com" in str(dialog.query_one("#error").render())
        await pilot.press("down", "down", "enter")  # the second customer
        await settle(pilot, rounds=6)
        assert len(trello.cards_for(BLUEBIRD.board_id, ticket_url(n))) == 1
