"""Trello's rate limits over loopback: a 429 waits out the window Trello describes, for every caller.

Trello counts requests in 10 s windows (100 per token, 300 per key), names the exhausted one in the
429's JSON body and reports what remains in ``x-rate-limit-*`` headers. One manual clock drives the
fake's windows, the client's request budget and the retry sleeps, so the waits are exact and no test
spends them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import requests

from supportdesk_tui.clients.errors import RateLimitedError
from supportdesk_tui.clients.retry import RetryPolicy
from supportdesk_tui.clients.trello.errors import map_status
from supportdesk_tui.clients.trello.facade import TrelloClient, WriteOutcomeUnknownError
from supportdesk_tui.clients.trello.session import RateLimitScope, RequestBudget, limit_scope
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer
from supportdesk_tui.fakes.trello.server import TrelloFake
from tests.clients import trello_server
from tests.clients.trello_server import BOARD, KEY, NOW, TOKEN

OTHER_TOKEN = "t0k3n-other-tool-000000000000"


shared_server = trello_server.shared_server
server = trello_server.server


class Ticks:
    """A monotonic clock that moves only when someone waits (the budget's or the retry's sleep)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.budget_sleeps: list[float] = []
        self.retry_sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.budget_sleeps.append(round(seconds, 3))
        self.now += seconds

    async def retry_sleep(self, seconds: float) -> None:
        self.retry_sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def fake(ticks: Ticks) -> TrelloFake:
    fake = TrelloFake(FixedClock(NOW), key=KEY, token=TOKEN, monotonic=ticks)
    fake.add_token(OTHER_TOKEN, "other-tool")
    fake.add_board(BOARD, "Acme Ltd", ["New Issues", "Up next", "Done"], members=["ben"])
    fake.add_card(BOARD, "New Issues", "Login broken")
    return fake






@pytest.fixture
def budget(ticks: Ticks) -> RequestBudget:
    return RequestBudget(monotonic=ticks, sleep=ticks.sleep)


@pytest.fixture
async def client(server: FakeServer, budget: RequestBudget, ticks: Ticks) -> AsyncIterator[TrelloClient]:
    client = TrelloClient(server.url, KEY, TOKEN, retry=RetryPolicy(attempts=4, sleep=ticks.retry_sleep),
                          budget=budget)
    yield client
    await client.aclose()


def other_tool_uses(server: FakeServer, token: str, count: int) -> None:
    """Another tool spends ``count`` requests of a token's (or the key's) window."""
    with requests.Session() as other:
        other.trust_env = False  # loopback: never through a proxy from the environment
        for _ in range(count):
            other.get(f"{server.url}/members/me", params={"key": KEY, "token": token}, timeout=5).raise_for_status()


# ------------------------------------------------------------------------------- 429s


async def test_a_token_429_waits_out_the_whole_window_then_succeeds(client: TrelloClient, server: FakeServer,
                                                                   fake: TrelloFake, ticks: Ticks) -> None:
    fake.set_rate_limit(True, per_token=3)
    other_tool_uses(server, TOKEN, 3)  # the window is full before our first request
    board = await client.load_board(BOARD)
    assert board.name == "Acme Ltd"
    assert len(server.requests("GET", r"/boards/")) == 2  # one 429, then the answer: no hammering
    assert ticks.retry_sleeps == [10.0]  # the 10 s window from the headers, not a 0.5 s backoff
    assert client.rate_limit.count_429 == 1
    assert client.rate_limit.scope is RateLimitScope.TOKEN


async def test_a_429_holds_every_caller_sharing_the_budget(server: FakeServer, fake: TrelloFake, ticks: Ticks,
                                                           budget: RequestBudget) -> None:
    fake.set_rate_limit(True, per_token=2)
    first = TrelloClient(server.url, KEY, TOKEN, retry=RetryPolicy(attempts=1), budget=budget)
    second = TrelloClient(server.url, KEY, TOKEN, retry=RetryPolicy(attempts=1), budget=budget)
    try:
        other_tool_uses(server, TOKEN, 2)
        with pytest.raises(RateLimitedError):
            await first.check_auth()
        held_from = ticks.now
        assert await second.check_auth() == "ana"  # the other caller waited for the window instead of a 429
        assert ticks.budget_sleeps == [10.0] and ticks.now == held_from + 10.0
        assert len(server.requests("GET", r"/members/me")) == 2 + 2
    finally:
        await first.aclose()
        await second.aclose()


async def test_the_key_limit_is_named_and_waited_out(client: TrelloClient, server: FakeServer, fake: TrelloFake,
                                                     ticks: Ticks, budget: RequestBudget) -> None:
    fake.set_rate_limit(True, per_token=1000, per_key=4)
    other_tool_uses(server, OTHER_TOKEN, 4)  # another token of the same key used up the key's window
    async with TrelloClient(server.url, KEY, TOKEN, retry=RetryPolicy(attempts=1), budget=budget) as once:
        with pytest.raises(RateLimitedError) as caught:
            await once.check_auth()
    assert "API key" in str(caught.value) and caught.value.retry_after == 10.0
    assert await client.check_auth() == "ana"  # the shared budget waited out the key's window first
    assert ticks.budget_sleeps == [10.0]


async def test_the_wait_is_capped(server: FakeServer, fake: TrelloFake, ticks: Ticks) -> None:
    fake.set_rate_limit(True, per_token=1)
    fake.window_s = 900.0  # a route-style window far longer than Trello's 10 s
    budget = RequestBudget(monotonic=ticks, sleep=ticks.sleep, max_pause_s=30.0)
    async with TrelloClient(server.url, KEY, TOKEN, retry=RetryPolicy(attempts=2, sleep=ticks.retry_sleep),
                            budget=budget) as client:
        other_tool_uses(server, TOKEN, 1)
        with pytest.raises(RateLimitedError):
            await client.check_auth()
    assert ticks.retry_sleeps == [30.0]
    assert max(ticks.budget_sleeps, default=0.0) <= 30.0


async def test_a_write_refused_by_the_rate_limit_is_sent_once_more_after_the_window(
        client: TrelloClient, server: FakeServer, fake: TrelloFake, ticks: Ticks) -> None:
    list_id = fake.list_id(BOARD, "New Issues")
    fake.set_rate_limit(True, per_token=2)
    other_tool_uses(server, TOKEN, 2)
    card = await client.create_card(list_id, "Rate limited once", "")
    assert card.name == "Rate limited once"
    assert len(server.requests("POST", r"/cards")) == 2 and ticks.retry_sleeps == [10.0]
    assert [c["name"] for c in fake.cards_on(BOARD)].count("Rate limited once") == 1


async def test_a_write_with_an_unknown_outcome_is_still_not_retried(client: TrelloClient, server: FakeServer,
                                                                    fake: TrelloFake, ticks: Ticks) -> None:
    list_id = fake.list_id(BOARD, "New Issues")
    server.fail_next("POST", r"/cards", status=502)
    with pytest.raises(WriteOutcomeUnknownError):
        await client.create_card(list_id, "Maybe created", "")
    assert len(server.requests("POST", r"/cards")) == 1 and ticks.retry_sleeps == []


# ------------------------------------------------------------------- following the headers


async def test_the_budget_follows_what_the_headers_say_remains(client: TrelloClient, server: FakeServer,
                                                               fake: TrelloFake, ticks: Ticks) -> None:
    fake.set_rate_limit(True, per_token=100)
    other_tool_uses(server, TOKEN, 97)  # a token shared with another tool: 3 left in this window
    for _ in range(6):
        assert await client.check_auth() == "ana"
    assert client.rate_limit.count_429 == 0  # never earned a 429
    assert ticks.budget_sleeps == [10.0]  # paused once, when the headers said nothing remained
    assert ticks.retry_sleeps == []


async def test_without_headers_the_local_cap_still_applies(server: FakeServer, fake: TrelloFake,
                                                           ticks: Ticks) -> None:
    fake.set_rate_limit(True, per_token=100, headers=False)  # UNCONFIRMED headers may be absent
    budget = RequestBudget(5, 10.0, monotonic=ticks, sleep=ticks.sleep)
    async with TrelloClient(server.url, KEY, TOKEN, retry=RetryPolicy(attempts=1), budget=budget) as client:
        for _ in range(6):
            await client.check_auth()
    assert ticks.budget_sleeps == [10.0]


async def test_without_headers_the_body_alone_gives_the_documented_window(client: TrelloClient, server: FakeServer,
                                                                         fake: TrelloFake, ticks: Ticks) -> None:
    fake.set_rate_limit(True, per_token=2, headers=False)
    other_tool_uses(server, TOKEN, 2)
    assert await client.check_auth() == "ana"
    assert ticks.retry_sleeps == [10.0] and client.rate_limit.count_429 == 1


# ------------------------------------------------------------------------ pure pieces


@pytest.mark.parametrize(("body", "headers", "scope"), [
    ('{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}', {}, RateLimitScope.TOKEN),
    ('{"error":"API_KEY_LIMIT_EXCEEDED","message":"Rate limit exceeded"}', {}, RateLimitScope.KEY),
    ('{"error":"API_TOKEN_DB_LIMIT_EXCEEDED"}', {}, RateLimitScope.TOKEN),
    ("", {"x-rate-limit-api-key-remaining": "0", "x-rate-limit-api-token-remaining": "12"}, RateLimitScope.KEY),
    ("too many", {}, RateLimitScope.UNKNOWN),
])
def test_limit_scope(body: str, headers: dict[str, str], scope: RateLimitScope) -> None:
    assert limit_scope(body, headers) is scope


def test_the_429_sentence_names_the_limit() -> None:
    token = map_status(429, '{"error":"API_TOKEN_LIMIT_EXCEEDED"} at /1/boards/x (HTTP status: 429)',
                       idempotent=True, secrets=(), retry_after=10.0)
    assert isinstance(token, RateLimitedError) and token.retry_after == 10.0
    assert "token" in str(token) and "10 s" in str(token)
    other = map_status(429, "slow down", idempotent=True, secrets=())
    assert isinstance(other, RateLimitedError) and "rate limit" in str(other)


async def test_a_429_named_only_by_a_remaining_header_says_which_limit(client: TrelloClient, server: FakeServer,
                                                                       ticks: Ticks) -> None:
    # No Trello error code in the body (a proxy's, or a limit variant): only the header names the key's limit.
    server.fail_next("GET", r"/members/me", status=429, times=4,
                     headers={"x-rate-limit-api-key-remaining": "0", "x-rate-limit-api-token-remaining": "40"})
    with pytest.raises(RateLimitedError) as caught:
        await client.check_auth()
    assert client.rate_limit.scope is RateLimitScope.KEY
    assert "API key is used up" in str(caught.value) and "300 requests per 10 s" in str(caught.value)
    assert ticks.retry_sleeps == [10.0, 10.0, 10.0]  # the key's window, as the header named it


async def test_a_429_without_trellos_body_or_headers_keeps_the_backoff(client: TrelloClient, server: FakeServer,
                                                                      ticks: Ticks) -> None:
    server.fail_next("GET", r"/members/me", status=429)  # e.g. a proxy: neither limit is named
    assert await client.check_auth() == "ana"
    assert len(ticks.retry_sleeps) == 1 and ticks.retry_sleeps[0] < 10.0
    assert ticks.budget_sleeps == []  # other callers are not held for a limit nobody named
