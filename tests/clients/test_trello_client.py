"""The async Trello facade against the fake over loopback, through the production RebasingSession."""

from __future__ import annotations

import json
import logging
import socket
import threading
import traceback
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import requests

from supportdesk_tui.clients.errors import (
    ApiError,
    AuthError,
    BadPayloadError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from supportdesk_tui.clients.retry import NotSentError, RetryPolicy
from supportdesk_tui.clients.trello.facade import TrelloClient, WriteOutcomeUnknownError
from supportdesk_tui.clients.trello.session import RebasingSession, RequestBudget
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.fakes.trello.server import TrelloFake
from tests.clients import trello_server
from tests.clients.trello_server import BOARD, KEY, NOW, TOKEN

EPICS = "5f1a2b3c0000000000000e01"
MODES = ["oauth", "query"]


shared_server = trello_server.shared_server
server = trello_server.server


class Waits:
    """Retry sleeps recorded instead of spent."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


class BudgetClock:
    """The request budget's clock: it moves only when the budget waits, so no test spends a window."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake() -> TrelloFake:
    fake = TrelloFake(FixedClock(NOW), key=KEY, token=TOKEN)
    fake.add_board(BOARD, "Acme Ltd", ["New Issues", "Up next", "Done"], members=["ben", "chloe"])
    fake.add_board(EPICS, "Support Epics", ["Up next", "In progress", "Done"], members=["ben"])
    fake.add_label(BOARD, "bug", "red")
    fake.add_card(BOARD, "New Issues", "Login broken", desc="Ticket: https://consultancy.groovehq.com/t/12",
                  labels=["est:1d"], members=["ben"])
    fake.add_card(BOARD, "Up next", "Export CSV", labels=["bug"], due=datetime(2025, 3, 5, 17, tzinfo=UTC))
    fake.add_card(BOARD, "Up next", "Archived thing", closed=True)
    return fake






@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture(params=MODES)
async def client(request: pytest.FixtureRequest, server: FakeServer, waits: Waits) -> AsyncIterator[TrelloClient]:
    clock = BudgetClock()
    client = TrelloClient(server.url, KEY, TOKEN, auth_mode=request.param, retry=RetryPolicy(attempts=3, sleep=waits),
                          budget=RequestBudget(monotonic=clock, sleep=clock.sleep))
    yield client
    await client.aclose()


def card_id(fake: TrelloFake, name: str) -> str:
    return next(c["id"] for c in fake.cards_on(BOARD, include_closed=True) if c["name"] == name)


def assert_no_secrets(exc: BaseException) -> None:
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc)), getattr(exc, "body", "")]
    for text in texts:
        assert KEY not in text and TOKEN not in text, text
    assert exc.__cause__ is None and exc.__context__ is None


# --------------------------------------------------------------------------- reads


async def test_load_board_is_one_request_with_everything_mapped(client: TrelloClient, server: FakeServer,
                                                                 fake: TrelloFake) -> None:
    server.clear_log()
    board = await client.load_board(BOARD)
    (req,) = server.requests()
    assert (req.query["cards"], req.query["lists"], req.query["actions"]) == ("visible", "open", "none")
    assert board.name == "Acme Ltd"
    assert [lst.name for lst in board.lists] == ["New Issues", "Up next", "Done"]
    assert [c.name for c in board.cards] == ["Login broken", "Export CSV"]  # the archived card is not visible
    login, export = board.cards
    assert login.list_id == board.list_named("new issues").id  # type: ignore[union-attr]
    assert [lb.name for lb in login.labels] == ["est:1d"]
    assert [m.username for m in login.members] == ["ben"]
    assert login.desc.endswith("/t/12") and login.short_url.startswith("https://trello.com/c/")
    assert [(lb.name, lb.color) for lb in export.labels] == [("bug", "red")]
    assert export.due == datetime(2025, 3, 5, 17, tzinfo=UTC)
    assert {m.username for m in board.members} == {"ana", "ben", "chloe"}


@pytest.mark.parametrize("mode", MODES)
async def test_each_auth_mode_puts_credentials_where_py_trello_does(mode: str, server: FakeServer) -> None:
    async with TrelloClient(server.url, KEY, TOKEN, auth_mode=mode) as client:  # type: ignore[arg-type]
        assert await client.check_auth() == "ana"
    (req,) = server.requests("GET", r"/members/me$")
    if mode == "oauth":
        header = req.headers["authorization"]
        assert header.startswith("OAuth ") and f'oauth_token="{TOKEN}"' in header
        assert "key" not in req.query and "token" not in req.query
    else:
        assert (req.query["key"], req.query["token"]) == (KEY, TOKEN)
        assert "authorization" not in req.headers
    assert req.body == b""  # a GET body would earn Trello's 403


async def test_lists_are_made_and_read_through_the_shared_list_parser(client: TrelloClient, fake: TrelloFake) -> None:
    fake.add_list(BOARD, "Done 2025-W09", closed=True)
    made = await client.create_list(BOARD, "Done 2025-W10")
    lists = await client.open_lists(BOARD)
    assert [lst.name for lst in lists] == ["New Issues", "Up next", "Done", "Done 2025-W10"]  # no archived list
    assert lists[-1] == made and not made.closed


async def test_board_members_come_through_the_shared_member_parser(client: TrelloClient, server: FakeServer,
                                                                   fake: TrelloFake) -> None:
    members = await client.board_members(BOARD)
    assert {(m.username, m.initials) for m in members} >= {("ben", "B"), ("chloe", "C")}

    def one_member_without_an_id(req: Request) -> Response:
        answer = fake.handle(req)
        if not req.path.endswith("/members"):
            return answer
        return Response.json([*json.loads(answer.body), {"username": "ghost"}])

    server.handler = one_member_without_an_id
    with pytest.raises(BadPayloadError):  # as for every other answer of the wrong shape, not a shorter team
        await client.board_members(BOARD)


async def test_list_boards(client: TrelloClient) -> None:
    assert sorted(await client.list_boards()) == [(BOARD, "Acme Ltd"), (EPICS, "Support Epics")]


async def test_unchanged_poll_costs_one_small_request(client: TrelloClient, server: FakeServer,
                                                      fake: TrelloFake) -> None:
    baseline = await client.latest_action_id(BOARD)
    assert baseline is not None
    server.clear_log()
    assert await client.board_changed_since(BOARD, baseline) == (False, baseline)
    (req,) = server.requests()
    assert req.query["since"] == baseline and req.query["fields"] == "id,type,date"
    fake.move_card_as_other_person(card_id(fake, "Export CSV"), "Done")
    changed, newest = await client.board_changed_since(BOARD, baseline)
    assert changed and newest is not None and newest > baseline
    assert await client.board_changed_since(BOARD, newest) == (False, newest)
    assert len(server.requests()) == 3


async def test_find_cards_sees_archived_cards_but_not_closed_lists(client: TrelloClient, fake: TrelloFake,
                                                                  server: FakeServer) -> None:
    closed_list = fake.add_list(BOARD, "Old sprint", closed=True)
    fake.add_card(BOARD, "Old sprint", "Hidden", desc="marker-42")
    fake.add_card(BOARD, "Done", "Archived copy", desc="see marker-42", closed=True)
    server.clear_log()
    found = await client.find_cards(BOARD, "marker-42")
    assert [(c.name, c.closed) for c in found] == [("Archived copy", True)]
    assert all(c.list_id != closed_list for c in found)
    assert len(server.requests()) == 1


# --------------------------------------------------------------------------- writes


async def test_create_and_copy_card_to_the_epics_board(client: TrelloClient, server: FakeServer,
                                                       fake: TrelloFake) -> None:
    board = await client.load_board(BOARD)
    new = await client.create_card(board.lists[0].id, "From a ticket", "Ticket: https://x/t/9")
    assert (new.name, new.list_id, new.desc) == ("From a ticket", board.lists[0].id, "Ticket: https://x/t/9")
    source = card_id(fake, "Export CSV")
    epics_up_next = fake.list_id(EPICS, "Up next")
    marker = f"Source: https://trello.com/c/{fake.card(source)['shortLink']}"
    server.clear_log()
    copy = await client.copy_card(source, epics_up_next, name="Acme Ltd: Export CSV", desc=marker)
    assert (copy.board_id, copy.list_id, copy.name, copy.desc) == (EPICS, epics_up_next, "Acme Ltd: Export CSV",
                                                                   marker)
    assert [(lb.name, lb.color) for lb in copy.labels] == [("bug", "red")]  # kept, as a label of the epics board
    (post,) = server.requests("POST")
    body = json.loads(post.body)
    assert (body["idCardSource"], body["keepFromSource"], body["idList"]) == (source, "labels,checklists",
                                                                              epics_up_next)
    (action,) = fake.actions_on(EPICS, "copyCard")
    assert action["data"]["cardSource"]["id"] == source and action["data"]["card"]["id"] == copy.id


async def test_move_card_is_idempotent(client: TrelloClient, fake: TrelloFake) -> None:
    board = await client.load_board(BOARD)
    up_next = board.list_named("Up next")
    assert up_next is not None
    login = card_id(fake, "Login broken")
    moved = await client.move_card(login, up_next.id)
    assert moved.list_id == up_next.id
    assert moved.pos < min(c["pos"] for c in fake.cards_on(BOARD, "Up next") if c["id"] != login)
    updates = fake.actions_on(BOARD, "updateCard")  # per-field PUTs: idList, then pos
    (action,) = [a for a in updates if "listAfter" in a["data"]]
    assert action["data"]["listBefore"]["name"] == "New Issues" and action["data"]["listAfter"]["name"] == "Up next"
    again = await client.move_card(login, up_next.id)
    assert (again.list_id, again.pos) == (moved.list_id, moved.pos)
    assert len(fake.actions_on(BOARD, "updateCard")) == len(updates)  # nothing changed, nothing recorded


async def test_comments_round_trip(client: TrelloClient, fake: TrelloFake) -> None:
    login = card_id(fake, "Login broken")
    first = await client.add_comment(login, "Looking into it")
    second = await client.add_comment(login, "Fixed in 2.3.1")
    assert await client.list_comments(login) == [(second, "Fixed in 2.3.1"), (first, "Looking into it")]
    assert fake.comments_on(login) == ["Looking into it", "Fixed in 2.3.1"]


async def test_members_labels_due_and_archive(client: TrelloClient, fake: TrelloFake) -> None:
    board = await client.load_board(BOARD)
    export = card_id(fake, "Export CSV")
    chloe = next(m for m in board.members if m.username == "chloe")
    await client.add_member(export, chloe.id)
    await client.add_member(export, chloe.id)  # "already on the card" is success
    label = await client.create_label(BOARD, "est:2d", "purple")
    await client.add_label(export, label.id)
    await client.add_label(export, label.id)
    card = fake.card(export)
    assert card["idMembers"] == [chloe.id] and card["idLabels"].count(label.id) == 1
    due = datetime(2025, 3, 7, 12, 30, tzinfo=UTC)
    assert (await client.set_due(export, due)).due == due
    assert (await client.set_due(export, None)).due is None
    assert (await client.set_card_desc(export, "new text")).desc == "new text"
    assert (await client.archive_card(export)).closed
    assert export not in {c.id for c in (await client.load_board(BOARD)).cards}
    assert not (await client.unarchive_card(export)).closed
    with pytest.raises(ValidationError):
        await client.add_member(export, "0" * 24)  # not "already": a real refusal still raises


async def test_ids_are_checked_before_they_reach_a_url(client: TrelloClient, server: FakeServer) -> None:
    server.clear_log()
    with pytest.raises(ValidationError):
        await client.load_board("../members/me")
    with pytest.raises(ValidationError):
        await client.move_card("abc", "def", pos=-1)
    assert server.requests() == []


# --------------------------------------------------------------------------- failures


async def test_429_then_success(client: TrelloClient, server: FakeServer, waits: Waits) -> None:
    server.fail_next("GET", r"/boards/", status=429)
    board = await client.load_board(BOARD)
    assert board.name == "Acme Ltd"
    assert len(server.requests("GET", r"/boards/")) == 2 and len(waits.seconds) == 1
    assert client.rate_limit.count_429 == 1


async def test_the_fakes_rate_limit_surfaces_as_rate_limited(client: TrelloClient, server: FakeServer,
                                                             fake: TrelloFake) -> None:
    fake.set_rate_limit(True, per_token=2)
    await client.check_auth()
    await client.check_auth()
    with pytest.raises(RateLimitedError) as caught:
        await client.check_auth()
    assert "API_TOKEN_LIMIT_EXCEEDED" in caught.value.body
    assert client.rate_limit.count_429 == 3  # every attempt was refused
    assert client.rate_limit.token_remaining == 0


@pytest.mark.parametrize("mode", MODES)
async def test_bad_token_is_an_auth_error_without_the_token(mode: str, server: FakeServer) -> None:
    wrong = "t0k3n-wrong-000000000000"
    async with TrelloClient(server.url, KEY, wrong, auth_mode=mode) as client:  # type: ignore[arg-type]
        with pytest.raises(AuthError) as caught:
            await client.check_auth()
    assert caught.value.status == 401 and "invalid token" in caught.value.body
    assert wrong not in str(caught.value) and wrong not in caught.value.body
    assert len(server.requests()) == 1  # not retried


async def test_not_found(client: TrelloClient) -> None:
    with pytest.raises(NotFoundError):
        await client.load_board("5f1a2b3c00000000000fffff")


async def test_5xx_on_an_idempotent_write_is_retried(client: TrelloClient, server: FakeServer,
                                                     fake: TrelloFake) -> None:
    done = fake.list_id(BOARD, "Done")
    server.fail_next("PUT", r"/idList$", status=502)
    moved = await client.move_card(card_id(fake, "Export CSV"), done)
    assert moved.list_id == done
    assert len(server.requests("PUT", r"/idList$")) == 2


async def test_5xx_on_create_card_is_not_retried(client: TrelloClient, server: FakeServer, fake: TrelloFake) -> None:
    server.fail_next("POST", r"^/1/cards/?$", status=500)
    with pytest.raises(WriteOutcomeUnknownError) as caught:
        await client.create_card(fake.list_id(BOARD, "New Issues"), "Maybe", "m-1")
    assert caught.value.status == 500
    assert len(server.requests("POST")) == 1


async def test_a_lost_answer_to_a_copy_is_found_by_its_marker(client: TrelloClient, server: FakeServer,
                                                              fake: TrelloFake) -> None:
    source = card_id(fake, "Export CSV")
    marker = f"Source: https://trello.com/c/{fake.card(source)['shortLink']}"
    server.fail_next("POST", r"^/1/cards/?$", action="drop_after")
    with pytest.raises(WriteOutcomeUnknownError):
        await client.copy_card(source, fake.list_id(EPICS, "Up next"), desc=marker)
    assert len(server.requests("POST")) == 1
    (found,) = await client.find_cards(EPICS, marker)
    assert found.desc == marker


async def test_malformed_json_is_bad_payload(client: TrelloClient, server: FakeServer) -> None:
    server.fail_next("GET", r"/members/me", action="malformed", times=3)
    with pytest.raises(BadPayloadError):
        await client.check_auth()


async def test_json_of_the_wrong_shape_is_bad_payload(client: TrelloClient, server: FakeServer) -> None:
    server.fail_next("GET", r"/members/me", status=200, times=3)  # 200 with {"errors": [...]}
    with pytest.raises(BadPayloadError):
        await client.check_auth()
    assert len(server.requests("GET", r"/members/me")) == 3  # a read, so retried like any glitch


async def test_a_timeout_is_unavailable(server: FakeServer) -> None:
    server.fail_next("GET", r"/members/me", action="delay_after", delay_s=1.0)
    async with TrelloClient(server.url, KEY, TOKEN, timeout=0.2, retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(UnavailableError) as caught:
            await client.check_auth()
    assert not isinstance(caught.value, NotSentError)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_premise_requests_quotes_the_query_in_connection_errors() -> None:
    with pytest.raises(requests.ConnectionError) as raw:
        requests.get(f"http://127.0.0.1:{free_port()}/1/members/me", params={"key": KEY, "token": TOKEN}, timeout=5)
    assert TOKEN in str(raw.value) and KEY in str(raw.value)


async def test_connection_refused_in_query_mode_leaks_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}/1"
    caplog.set_level(logging.DEBUG)
    waits = Waits()
    async with TrelloClient(url, KEY, TOKEN, auth_mode="query", retry=RetryPolicy(attempts=2, sleep=waits)) as client:
        with pytest.raises(NotSentError) as read_error:
            await client.load_board(BOARD)
        with pytest.raises(NotSentError) as write_error:
            await client.create_card("5f1a2b3c0000000000000b01", "x", "y")
    assert len(waits.seconds) == 2  # refused means unsent: retried even for the POST
    assert_no_secrets(read_error.value)
    assert_no_secrets(write_error.value)
    assert "127.0.0.1" in caplog.text
    assert KEY not in caplog.text and TOKEN not in caplog.text


@pytest.mark.parametrize("mode", MODES)
async def test_debug_logs_of_every_layer_are_scrubbed(mode: str, server: FakeServer,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with TrelloClient(server.url, KEY, TOKEN, auth_mode=mode) as client:  # type: ignore[arg-type]
        await client.load_board(BOARD)
        with pytest.raises(NotFoundError) as caught:
            await client.load_board("5f1a2b3c00000000000fffff")
    assert "GET /1/boards/" in caplog.text  # urllib3's line, which quotes the query, was captured
    assert KEY not in caplog.text and TOKEN not in caplog.text
    assert_no_secrets(caught.value)


# --------------------------------------------------------------------------- threading and transport


async def test_concurrent_calls_share_one_worker_thread(client: TrelloClient, server: FakeServer) -> None:
    import asyncio

    # The session raises RuntimeError if a second thread ever uses it.
    results = await asyncio.gather(*(client.load_board(BOARD) for _ in range(8)), client.check_auth())
    assert len(results) == 9


async def test_a_closed_client_refuses_calls(server: FakeServer) -> None:
    client = TrelloClient(server.url, KEY, TOKEN)
    await client.aclose()
    await client.aclose()
    with pytest.raises(ApiError):
        await client.check_auth()


def test_session_rebases_only_trello_urls() -> None:
    session = RebasingSession("http://127.0.0.1:9/1")
    assert session.rebase("https://api.trello.com/1/boards/x") == "http://127.0.0.1:9/1/boards/x"
    assert session.rebase("http://127.0.0.1:9/1/cards") == "http://127.0.0.1:9/1/cards"
    assert session.rebase("https://trello.com/1/tokens/t/webhooks/", allow_web=True).endswith("/1/tokens/t/webhooks/")
    for url in ("https://trello.com/1/tokens/t/webhooks/", "https://example.com/1/boards", "http://127.0.0.1:9/2/x"):
        with pytest.raises(ValueError):
            session.rebase(url)
    with pytest.raises(ValueError) as caught:
        session.request("GET", "https://evil.example/?token=" + TOKEN)
    assert TOKEN not in str(caught.value)


def test_session_refuses_a_second_thread(server: FakeServer) -> None:
    session = RebasingSession(server.url)
    assert session.request("GET", "https://api.trello.com/1/members/me", params={"key": KEY, "token": TOKEN}).ok
    errors: list[BaseException] = []

    def other() -> None:
        try:
            session.request("GET", "https://api.trello.com/1/members/me")
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(10)
    assert len(errors) == 1
    session.close()


def test_session_records_rate_limit_headers(server: FakeServer) -> None:
    session = RebasingSession(server.url, timeout=5)
    session.request("GET", "https://api.trello.com/1/members/me", params={"key": KEY, "token": TOKEN})
    state = session.rate_limit
    assert state.headers["x-rate-limit-api-token-max"] == "100"
    assert state.token_remaining == 99
    session.close()


def test_request_budget_waits_for_the_window() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    budget = RequestBudget(3, 10.0, monotonic=lambda: now[0], sleep=sleep)
    for at in (0.0, 1.0, 2.0):
        now[0] = at
        budget.acquire()
    now[0] = 4.0
    budget.acquire()
    assert slept == [6.0]  # until the first request leaves the 10 s window
    budget.acquire()
    assert slept == [6.0, 1.0]


async def test_a_since_that_includes_its_own_action_is_still_no_change(client: TrelloClient, fake: TrelloFake,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether Trello's since=<action id> leaves that action out is not documented: if it is included, an
    unchanged board must still read as unchanged (else every poll would reload every board)."""
    baseline = await client.latest_action_id(BOARD)
    assert baseline is not None
    real = type(fake).r_board_actions

    def inclusive(self: TrelloFake, ref: str, *, p: dict, actor: str) -> object:
        answer = real(self, ref, p=p, actor=actor)
        since = p.get("since")
        return [{"id": since, "type": "updateCard", "date": "2026-11-25T09:00:00.000Z"}, *answer] if since else answer

    monkeypatch.setattr(type(fake), "r_board_actions", inclusive)
    assert await client.board_changed_since(BOARD, baseline) == (False, baseline)
    fake.move_card_as_other_person(card_id(fake, "Export CSV"), "Done")
    changed, newest = await client.board_changed_since(BOARD, baseline)
    assert changed and newest != baseline
