"""The Groove client over real loopback HTTP against the fake, including Groove's quirks and faults."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from supportdesk_tui.clients.errors import (
    ApiError,
    AuthError,
    BadPayloadError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from supportdesk_tui.clients.groove import GrooveClient, merge_tickets
from supportdesk_tui.clients.retry import NotSentError
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.domain.tickets import Ticket
from supportdesk_tui.fakes.base import FakeServer, Faults, Request, Response
from supportdesk_tui.fakes.demo_customers import DEMO_AGENTS
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
TOKEN = "s3cret-groove-token-9f8e7d"
AGENT = DEMO_AGENTS[0][1]
TLS = ssl.create_default_context()  # built once: loading CA files per test is slow, and we never use TLS here

Rewrite = Callable[[Request, Response], Response]


class Wrapped(GrooveFake):
    """One server per module (stopping one costs half a second) serving each test's fake, and able
    to rewrite its answers to play a server that misbehaves in ways the fake's switches don't cover."""

    target: GrooveFake
    rewrite: Rewrite | None = None

    def handle(self, req: Request) -> Response:
        answer = self.target.handle(req)
        return self.rewrite(req, answer) if self.rewrite else answer


class Monotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Wrapped, FakeServer]]:
    wrapped = Wrapped()
    server = start_groove_fake(wrapped)
    yield wrapped, server
    server.stop()


@pytest.fixture
def mono() -> Monotonic:
    return Monotonic()


@pytest.fixture
def fake(mono: Monotonic) -> GrooveFake:
    return GrooveFake(clock=FixedClock(NOW), token=TOKEN, monotonic=mono)


@pytest.fixture
def wrapped(shared: tuple[Wrapped, FakeServer], fake: GrooveFake) -> Wrapped:
    wrapper, server = shared
    wrapper.target, wrapper.rewrite = fake, None
    server.faults = Faults()
    server.clear_log()
    return wrapper


@pytest.fixture
def server(shared: tuple[Wrapped, FakeServer], wrapped: Wrapped) -> FakeServer:
    return shared[1]


@pytest.fixture
def sleeps(mono: Monotonic) -> list[float]:
    return []


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=TLS) as client:
        yield client


@pytest.fixture
def make_client(http: httpx.AsyncClient, server: FakeServer, sleeps: list[float],
                mono: Monotonic) -> Callable[..., GrooveClient]:
    async def sleep(seconds: float) -> None:  # record the wait, and let the fake's rate window move on
        sleeps.append(seconds)
        mono.now += seconds

    def build(**kw: Any) -> GrooveClient:
        options: dict[str, Any] = {"sleep": sleep, "retry_attempts": 3, "backoff_multiplier": 0.01,
                                   "backoff_max": 0.05, **kw}
        return GrooveClient(http, kw.pop("base_url", server.url), kw.pop("token", TOKEN),
                            **{k: v for k, v in options.items() if k not in ("base_url", "token")})

    return build


@pytest.fixture
def client(make_client: Callable[..., GrooveClient]) -> GrooveClient:
    return make_client()


def add(fake: GrooveFake, count: int, **kw: Any) -> list[int]:
    return [fake.add_ticket(customer_email=f"user{i}@acme.example", subject=f"Issue {i}", body=f"Body {i}",
                            created_at=NOW - timedelta(minutes=i), **kw) for i in range(count)]


def pages_requested(server: FakeServer, path: str = r"/v1/tickets$") -> list[dict[str, str]]:
    return [r.query for r in server.requests("GET", path)]


# -- pagination ------------------------------------------------------------------------------------

async def test_listing_reads_every_page_at_50_per_page(fake: GrooveFake, server: FakeServer,
                                                       client: GrooveClient) -> None:
    numbers = add(fake, 120, state="opened")
    tickets = await client.list_tickets("opened")
    assert sorted(t.number for t in tickets) == sorted(numbers)
    queries = pages_requested(server)
    assert sorted(q["page"] for q in queries) == ["1", "2", "3"]
    assert all(q["per_page"] == "50" and q["state"] == "opened" for q in queries)


async def test_last_page_next_and_dropped_per_page_quirks_do_not_change_the_walk(
        fake: GrooveFake, server: FakeServer, client: GrooveClient) -> None:
    add(fake, 101)
    fake.quirk_last_page_next = True
    fake.quirk_next_drops_per_page = True
    tickets = await client.list_tickets()
    assert len(tickets) == 101
    queries = pages_requested(server)
    assert sorted(q["page"] for q in queries) == ["1", "2", "3"]  # page 3 says "next", we stop anyway
    assert {q["per_page"] for q in queries} == {"50"}


async def test_quirky_payloads_parse_to_the_fakes_truth(fake: GrooveFake, client: GrooveClient) -> None:
    numbers = add(fake, 7, priority="high")
    fake.quirk_http_hrefs = True
    fake.quirk_mixed_timestamps = True
    truth = fake.tickets_snapshot()
    tickets = {t.number: t for t in await client.list_tickets()}
    assert set(tickets) == set(numbers)
    for number, ticket in tickets.items():
        assert ticket.customer_email == truth[number].customer_email
        assert ticket.created_at == truth[number].created_at.replace(microsecond=0)
        assert ticket.state == "unread" and ticket.priority == "high"


async def test_empty_listing_is_one_request(server: FakeServer, client: GrooveClient) -> None:
    assert await client.list_tickets("pending") == []
    assert len(pages_requested(server)) == 1


async def test_max_pages_caps_the_listing(fake: GrooveFake, server: FakeServer,
                                          make_client: Callable[..., GrooveClient]) -> None:
    add(fake, 230)
    tickets = await make_client(max_pages=2).list_tickets()
    assert len(tickets) == 100
    assert sorted(q["page"] for q in pages_requested(server)) == ["1", "2"]


async def test_without_total_pages_pages_are_walked_while_full(wrapped: Wrapped, fake: GrooveFake,
                                                               server: FakeServer, client: GrooveClient) -> None:
    add(fake, 120)
    fake.quirk_last_page_next = True  # next_page never ends: only the short page stops the walk

    def strip_total(req: Request, answer: Response) -> Response:
        body = json.loads(answer.body)
        del body["meta"]["pagination"]["total_pages"]
        return Response.json(body)

    wrapped.rewrite = strip_total
    assert len(await client.list_tickets()) == 120
    assert [q["page"] for q in pages_requested(server)] == ["1", "2", "3"]


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_page_concurrency_bounds_requests_in_flight(fake: GrooveFake, server: FakeServer,
                                                          make_client: Callable[..., GrooveClient],
                                                          concurrency: int) -> None:
    add(fake, 600)  # 12 pages
    fake.latency_s = 0.05
    fake.reset_in_flight()
    tickets = await make_client(page_concurrency=concurrency).list_tickets()
    assert len(tickets) == 600
    assert fake.max_in_flight <= concurrency
    if concurrency > 1:
        assert fake.max_in_flight >= 2  # pages after the first really do overlap


async def test_open_tickets_one_listing_per_state_merged_and_bounded(fake: GrooveFake, server: FakeServer,
                                                                     make_client: Callable[..., GrooveClient]) -> None:
    unread, opened, pending = add(fake, 120), add(fake, 110, state="opened"), add(fake, 60, state="pending")
    add(fake, 5, state="closed")
    fake.latency_s = 0.02
    fake.reset_in_flight()
    tickets = await make_client(page_concurrency=2).list_open_tickets(["unread", "opened", "pending", "opened"])
    assert sorted(t.number for t in tickets) == sorted(unread + opened + pending)
    assert fake.max_in_flight <= 2  # the bound holds across the states' listings together
    states = [q["state"] for q in pages_requested(server)]
    assert sorted(set(states)) == ["opened", "pending", "unread"] and "," not in "".join(states)
    assert states.count("opened") == 3  # asked once for "opened", despite the duplicate


def after_page_one(wrapped: Wrapped, state: str, change: Callable[[], None]) -> None:
    """Play a live listing: ``change`` happens right after the ``state`` listing's page 1 was served."""
    done: list[bool] = []

    def rewrite(req: Request, answer: Response) -> Response:
        if not done and req.query.get("state") == state and req.query.get("page") == "1":
            done.append(True)
            change()
        return answer

    wrapped.rewrite = rewrite


async def test_an_arrival_mid_listing_gives_no_duplicate_and_loses_no_tail(wrapped: Wrapped, fake: GrooveFake,
                                                                           server: FakeServer,
                                                                           client: GrooveClient) -> None:
    numbers = add(fake, 100, state="opened")  # exactly two full pages, newest first
    arrived: list[int] = []
    after_page_one(wrapped, "opened", lambda: arrived.extend(add(fake, 1, state="opened")))
    tickets = await client.list_tickets("opened")
    listed = [t.number for t in tickets]
    assert len(listed) == len(set(listed))  # page 1's last ticket, pushed onto page 2, is listed once
    assert set(numbers) <= set(listed)  # the oldest, pushed onto a page 1 did not announce, is read too
    assert [q["page"] for q in pages_requested(server)] == ["1", "2", "3"]


async def test_a_ticket_changing_state_mid_refresh_is_listed_once_in_its_new_state(
        wrapped: Wrapped, fake: GrooveFake, make_client: Callable[..., GrooveClient]) -> None:
    number, *_ = add(fake, 3)
    after_page_one(wrapped, "unread", lambda: fake.set_state(number, "opened", at=NOW + timedelta(minutes=1)))
    # One page at a time: "unread" (with the ticket) is served before the change, "opened" after it.
    tickets = await make_client(page_concurrency=1).list_open_tickets(["unread", "opened"])
    copies = [t for t in tickets if t.number == number]
    assert len(copies) == 1 and copies[0].state == "opened"  # in both listings; the fresher copy wins


async def test_a_listing_that_keeps_growing_stops_at_max_pages(wrapped: Wrapped, fake: GrooveFake,
                                                              server: FakeServer,
                                                              make_client: Callable[..., GrooveClient]) -> None:
    add(fake, 100, state="opened")

    def grow(req: Request, answer: Response) -> Response:
        add(fake, 50, state="opened")  # a page's worth of new tickets after every page served
        return answer

    wrapped.rewrite = grow
    await make_client(max_pages=4).list_tickets("opened")
    assert sorted(int(q["page"]) for q in pages_requested(server)) == [1, 2, 3, 4]


def test_merge_keeps_the_freshest_copy_in_first_seen_order() -> None:
    old = Ticket(1, "t", "unread", NOW, NOW)
    newer = Ticket(1, "t", "opened", NOW, NOW + timedelta(minutes=1))
    other = Ticket(2, "u", "opened", NOW, NOW)
    assert merge_tickets([old, other, newer]) == [newer, other]
    assert merge_tickets([newer, other, old]) == [newer, other]


# -- single reads and writes -----------------------------------------------------------------------

@pytest.mark.parametrize("paginated", [True, False])
async def test_every_agent_is_read_whether_or_not_groove_pages_them(wrapped: Wrapped, server: FakeServer,
                                                                    mono: Monotonic, client: GrooveClient,
                                                                    paginated: bool) -> None:
    team = [(f"Agent {i:03d}", f"agent{i:03d}@consultancy.example") for i in range(120)]
    big = GrooveFake(clock=FixedClock(NOW), token=TOKEN, monotonic=mono, agents=team)
    big.paginate_agents = paginated
    wrapped.target = big
    agents = await client.list_agents()
    assert [a.email for a in agents] == [email for _, email in team]
    assert agents[7].full_name == "Agent 007"
    assert len(server.requests("GET", r"/v1/agents$")) == (3 if paginated else 1)


async def test_get_ticket_state_and_assignee(fake: GrooveFake, client: GrooveClient) -> None:
    [n] = add(fake, 1)
    ticket = await client.get_ticket(n)
    assert (ticket.number, ticket.title, ticket.customer_email) == (n, "Issue 0", "user0@acme.example")
    assert await client.get_state(n) == "unread"
    assert await client.get_assignee(n) is None  # the fake answers an empty body when unassigned
    with pytest.raises(NotFoundError):
        await client.get_ticket(999)


async def test_every_write_changes_the_fakes_state(fake: GrooveFake, client: GrooveClient) -> None:
    [n] = add(fake, 1)
    await client.set_state(n, "pending")
    await client.set_assignee(n, AGENT)
    await client.set_priority(n, "urgent")
    snap = fake.tickets_snapshot()[n]
    assert (snap.state, snap.assignee, snap.priority) == ("pending", AGENT, "urgent")
    assert await client.get_state(n) == "pending" and await client.get_assignee(n) == AGENT
    await client.set_priority(n, None)
    assert fake.tickets_snapshot()[n].priority is None
    note = await client.post_message(n, "Internal only", note=True)
    reply = await client.post_message(n, "We fixed it", note=False, author=AGENT)
    thread = fake.messages_of(n)
    assert [(m.id, m.note, m.emailed_to_customer) for m in thread[1:]] == [(note.id, True, False),
                                                                           (reply.id, False, True)]
    assert note.note and not reply.note and reply.author == AGENT and reply.author_kind == "agent"
    assert reply.body_text == "We fixed it" and reply.ticket_number == n and reply.id.startswith("00")


async def test_invalid_state_is_a_validation_error_not_retried(fake: GrooveFake, server: FakeServer,
                                                               client: GrooveClient) -> None:
    [n] = add(fake, 1)
    with pytest.raises(ValidationError, match="422"):
        await client.set_state(n, "follow_up")
    assert len(server.requests("PUT")) == 1


@pytest.mark.parametrize(("status", "body"), [(200, b'{"state": "closed"}'), (201, b"{}"), (204, b""),
                                              (200, b"not json at all")])
async def test_writes_accept_200_201_204_whatever_the_body(wrapped: Wrapped, fake: GrooveFake,
                                                           client: GrooveClient, status: int, body: bytes) -> None:
    [n] = add(fake, 1)
    wrapped.rewrite = lambda req, answer: Response(status, body) if req.method == "PUT" else answer
    await client.set_state(n, "closed")
    assert fake.tickets_snapshot()[n].state == "closed"


@pytest.mark.parametrize("body", [b"", b"null", b"{}", b'{"agent": null}'])
async def test_unassigned_in_any_spelling_is_none(wrapped: Wrapped, fake: GrooveFake, client: GrooveClient,
                                                  body: bytes) -> None:
    [n] = add(fake, 1, assignee=AGENT)
    wrapped.rewrite = lambda req, answer: Response(200, body)
    assert await client.get_assignee(n) is None


async def test_messages_come_oldest_first_with_string_ids(fake: GrooveFake, client: GrooveClient) -> None:
    [n] = add(fake, 1)
    for i in range(60):  # two pages; the fake sends newest first
        fake.add_message(n, author=AGENT if i % 2 else "user0@acme.example", body=f"m{i}",
                         at=NOW + timedelta(minutes=i + 1))
    messages = await client.list_messages(n)
    assert [m.body_text for m in messages] == ["Body 0"] + [f"m{i}" for i in range(60)]
    assert [m.id for m in messages] == [m.id for m in fake.messages_of(n)]
    assert all(len(m.id) == 10 and m.id.startswith("00") for m in messages)
    assert [m.author_kind for m in messages[:3]] == ["customer", "customer", "agent"]


async def test_check_auth_describes_the_account(fake: GrooveFake, server: FakeServer,
                                                make_client: Callable[..., GrooveClient]) -> None:
    add(fake, 3)
    assert "3 tickets" in await make_client().check_auth()
    with pytest.raises(AuthError):
        await make_client(token="wrong-token").check_auth()


# -- retries, rate limits and failures -------------------------------------------------------------

async def test_retry_after_is_honoured_and_capped(fake: GrooveFake, server: FakeServer, sleeps: list[float],
                                                  make_client: Callable[..., GrooveClient]) -> None:
    add(fake, 1)
    server.fail_next("GET", r"/tickets$", status=429, headers={"Retry-After": "7"})
    assert len(await make_client().list_tickets()) == 1
    server.fail_next("GET", r"/tickets$", status=503, headers={"Retry-After": "2"})
    assert len(await make_client().list_tickets()) == 1
    server.fail_next("GET", r"/tickets$", status=429, headers={"Retry-After": "120"})
    assert len(await make_client(max_retry_wait=30).list_tickets()) == 1
    assert sleeps == [7.0, 2.0, 30.0]


async def test_without_retry_after_the_backoff_is_short_and_jittered(
        fake: GrooveFake, server: FakeServer, sleeps: list[float], make_client: Callable[..., GrooveClient]) -> None:
    add(fake, 1)
    server.fail_next("GET", r"/tickets$", status=429, times=2)
    await make_client(backoff_multiplier=0.5, backoff_max=8).list_tickets()
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 + 1e-9 and 1.0 <= sleeps[1] <= 1.5 + 1e-9


async def test_the_fakes_rate_limit_is_waited_out(fake: GrooveFake, server: FakeServer, sleeps: list[float],
                                                  client: GrooveClient) -> None:
    [n] = add(fake, 1)
    fake.rate_limit, fake.rate_window_s = 2, 10
    for _ in range(3):
        await client.get_state(n)
    assert sleeps == [10.0]
    assert [r.path for r in server.requests()].count(f"/v1/tickets/{n}/state") == 4


async def test_rate_limit_that_never_lifts_raises_rate_limited(server: FakeServer, client: GrooveClient) -> None:
    server.fail_next("GET", r"/tickets/1$", status=429, times=5, headers={"Retry-After": "3"})
    with pytest.raises(RateLimitedError) as caught:
        await client.get_ticket(1)
    assert caught.value.retry_after == 3.0 and len(server.requests("GET")) == 3


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failures_are_not_retried(server: FakeServer, sleeps: list[float],
                                             make_client: Callable[..., GrooveClient], status: int) -> None:
    server.fail_next("GET", r"/tickets$", status=status)
    with pytest.raises(AuthError, match=str(status)):
        await make_client().list_tickets()
    assert len(server.requests()) == 1 and sleeps == []


async def test_a_wrong_token_is_an_auth_error(server: FakeServer, make_client: Callable[..., GrooveClient]) -> None:
    with pytest.raises(AuthError):
        await make_client(token="not-the-token").get_ticket(1)


async def test_server_errors_then_success(fake: GrooveFake, server: FakeServer, sleeps: list[float],
                                          client: GrooveClient) -> None:
    add(fake, 1)
    server.fail_next("GET", r"/tickets$", status=500, times=2)
    assert len(await client.list_tickets()) == 1
    assert len(server.requests("GET")) == 3 and len(sleeps) == 2


async def test_server_errors_that_persist_raise_unavailable(server: FakeServer, client: GrooveClient) -> None:
    server.fail_next("GET", r"/tickets/1/state$", status=502, times=9)
    with pytest.raises(UnavailableError, match="502"):
        await client.get_state(1)
    assert len(server.requests("GET")) == 3


async def test_idempotent_puts_are_retried_after_5xx(fake: GrooveFake, server: FakeServer,
                                                     client: GrooveClient) -> None:
    [n] = add(fake, 1)
    server.fail_next("PUT", r"/assignee$", status=500)
    await client.set_assignee(n, AGENT)
    assert fake.tickets_snapshot()[n].assignee == AGENT and len(server.requests("PUT")) == 2


async def test_malformed_json_is_retried_then_a_bad_payload(fake: GrooveFake, server: FakeServer,
                                                            client: GrooveClient) -> None:
    [n] = add(fake, 1)
    server.fail_next("GET", rf"/tickets/{n}$", action="malformed", times=3)
    with pytest.raises(BadPayloadError, match="not JSON"):
        await client.get_ticket(n)
    assert len(server.requests("GET")) == 3
    server.fail_next("GET", rf"/tickets/{n}$", action="malformed")
    assert (await client.get_ticket(n)).number == n


async def test_a_wrong_envelope_is_a_bad_payload(wrapped: Wrapped, client: GrooveClient) -> None:
    wrapped.rewrite = lambda req, answer: Response.json({"ticket_list": []})
    with pytest.raises(BadPayloadError, match="tickets"):
        await client.list_tickets()


async def test_a_dropped_connection_is_retried_for_reads(fake: GrooveFake, server: FakeServer,
                                                         client: GrooveClient) -> None:
    add(fake, 1)
    server.fail_next("GET", r"/tickets$", action="drop")
    assert len(await client.list_tickets()) == 1
    assert len(server.requests("GET")) == 2


async def test_a_timeout_is_retried_for_reads(fake: GrooveFake, server: FakeServer,
                                              make_client: Callable[..., GrooveClient]) -> None:
    [n] = add(fake, 1)
    server.fail_next("GET", r"/state$", action="delay_after", delay_s=0.6)
    client = make_client(timeout=httpx.Timeout(0.2))
    assert await client.get_state(n) == "unread"
    assert len(server.requests("GET")) == 2


async def test_a_reply_whose_answer_is_lost_is_not_sent_twice(fake: GrooveFake, server: FakeServer,
                                                              client: GrooveClient) -> None:
    [n] = add(fake, 1)
    server.fail_next("POST", r"/messages$", action="drop_after")
    with pytest.raises(UnavailableError, match="may or may not have been posted") as caught:
        await client.post_message(n, "Fixed, sorry for the wait", note=False)
    assert not isinstance(caught.value, NotSentError)
    assert len(server.requests("POST")) == 1
    assert [m.plain_text for m in fake.messages_of(n)].count("Fixed, sorry for the wait") == 1  # it did happen


@pytest.mark.parametrize(("action", "status"), [("status", 503), ("status", 500), ("drop", 0)])
async def test_ambiguous_post_failures_are_not_retried(fake: GrooveFake, server: FakeServer, client: GrooveClient,
                                                       action: str, status: int) -> None:
    [n] = add(fake, 1)
    server.fail_next("POST", r"/messages$", action=action, status=status or 500,
                     headers={"Retry-After": "1"})
    with pytest.raises(UnavailableError):
        await client.post_message(n, "Hello", note=True)
    assert len(server.requests("POST")) == 1


async def test_a_rate_limited_post_is_retried_and_posted_once(fake: GrooveFake, server: FakeServer,
                                                              sleeps: list[float], client: GrooveClient) -> None:
    [n] = add(fake, 1)
    server.fail_next("POST", r"/messages$", status=429, headers={"Retry-After": "4"})
    message = await client.post_message(n, "Hello", note=True)
    assert sleeps == [4.0] and len(server.requests("POST")) == 2
    assert [m.id for m in fake.messages_of(n)][-1] == message.id and len(fake.messages_of(n)) == 2


async def test_a_post_that_never_connected_is_retried(make_client: Callable[..., GrooveClient],
                                                      sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(NotSentError, match="could not connect"):
        await client.post_message(1, "Hello", note=True)
    assert len(sleeps) == 2  # three attempts: safe, since nothing reached a server


async def test_a_post_with_an_unreadable_answer_says_it_was_accepted(wrapped: Wrapped, fake: GrooveFake,
                                                                     server: FakeServer, client: GrooveClient) -> None:
    [n] = add(fake, 1)
    wrapped.rewrite = lambda req, answer: Response(201, b"<html>", {}) if req.method == "POST" else answer
    with pytest.raises(BadPayloadError, match="accepted"):
        await client.post_message(n, "Hello", note=True)
    assert len(server.requests("POST")) == 1 and len(fake.messages_of(n)) == 2


# -- secrets ---------------------------------------------------------------------------------------

def leaky(req: Request, answer: Response) -> Response:
    """A server that echoes the credentials back in every error body."""
    echo = f"token={TOKEN} header={req.headers.get('authorization')} {TOKEN}"
    return Response(int(req.query.get("status", "500")), echo.encode(), {"Content-Type": "text/plain"})


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 418, 422, 429, 500, 503, 200])
async def test_the_token_is_in_no_error_text(wrapped: Wrapped, server: FakeServer, status: int,
                                             make_client: Callable[..., GrooveClient]) -> None:
    wrapped.rewrite = leaky
    client = make_client(retry_attempts=1)
    with pytest.raises(ApiError) as caught:
        await client._call("GET", "/tickets", params={"status": status}, idempotent=True)
    error = caught.value
    assert str(status) in str(error)
    for text in (str(error), repr(error), error.body, *map(str, error.args)):
        assert TOKEN not in text
    assert "***" in str(error)  # the echoed body is there, with the secret scrubbed
    assert TOKEN not in repr(client)


async def test_transport_errors_carry_no_token(server: FakeServer, make_client: Callable[..., GrooveClient]) -> None:
    server.fail_next("GET", r"/tickets/1$", action="drop", times=3)
    with pytest.raises(UnavailableError) as caught:
        await make_client().get_ticket(1)
    assert TOKEN not in str(caught.value) and "/tickets/1" in str(caught.value)


async def test_the_token_travels_only_in_the_bearer_header(fake: GrooveFake, server: FakeServer,
                                                           client: GrooveClient) -> None:
    [n] = add(fake, 60)[:1]
    await client.list_tickets()
    await client.get_ticket(n)
    await client.set_state(n, "opened")
    await client.post_message(n, "x", note=True)
    seen = server.requests()
    assert len(seen) >= 5
    for request in seen:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert "access_token" not in request.query and TOKEN not in json.dumps(request.query)
