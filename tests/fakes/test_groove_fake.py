"""The fake Groove's own contract (docs/apis.md, Groove), over real loopback HTTP, plus the demo seed."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer, Faults, Request, Response
from supportdesk_tui.fakes.demo_customers import DEMO_AGENTS, DEMO_CUSTOMERS
from supportdesk_tui.fakes.groove.seed import seed_groove
from supportdesk_tui.fakes.groove.server import GrooveFake, start_groove_fake

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
TOKEN = "fake-token-1234"
AGENT = DEMO_AGENTS[0][1]


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fake(clock: FixedClock) -> GrooveFake:
    return GrooveFake(clock=clock, token=TOKEN)


class Delegate(GrooveFake):
    """One loopback server per module (stopping one costs half a second), serving each test's fake."""

    target: GrooveFake

    def handle(self, req: Request) -> Response:
        return self.target.handle(req)


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Delegate, FakeServer]]:
    delegate = Delegate()
    srv = start_groove_fake(delegate)
    yield delegate, srv
    srv.stop()


@pytest.fixture
def serve(shared: tuple[Delegate, FakeServer]) -> Callable[[GrooveFake], FakeServer]:
    def serve(fake: GrooveFake) -> FakeServer:
        delegate, srv = shared
        delegate.target = fake
        srv.faults = Faults()
        srv.clear_log()
        return srv
    return serve


@pytest.fixture
def server(fake: GrooveFake, serve: Callable[[GrooveFake], FakeServer]) -> FakeServer:
    return serve(fake)


@pytest.fixture
def api(server: FakeServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def add(fake: GrooveFake, n: int = 1, **kw: object) -> list[int]:
    return [fake.add_ticket(customer_email=f"c{i}@acme.example", subject=f"Subject {i}", body=f"Body {i}",
                            created_at=NOW - timedelta(hours=i), **kw) for i in range(n)]  # type: ignore[arg-type]


# -- auth and rate limit ---------------------------------------------------------------------------

def test_bearer_and_access_token_are_accepted_anything_else_is_401(fake: GrooveFake, server: FakeServer) -> None:
    add(fake)
    with httpx.Client(base_url=server.url) as raw:
        assert raw.get("/tickets").status_code == 401
        assert raw.get("/tickets", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert raw.get("/tickets", headers={"Authorization": TOKEN}).status_code == 401
        assert raw.get("/tickets", params={"access_token": "wrong"}).status_code == 401
        denied = raw.get("/tickets")
        assert denied.json()["errors"] and TOKEN not in denied.text
        assert raw.get("/tickets", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert raw.get("/tickets", headers={"authorization": f"bearer {TOKEN}"}).status_code == 200
        assert raw.get("/tickets", params={"access_token": TOKEN}).status_code == 200


def test_rate_limit_answers_429_with_retry_after_per_token(clock: FixedClock,
                                                          serve: Callable[[GrooveFake], FakeServer]) -> None:
    mono = FakeMonotonic()
    fake = GrooveFake(clock=clock, token=TOKEN, rate_limit=2, rate_window_s=10, monotonic=mono)
    with httpx.Client(base_url=serve(fake).url) as raw:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert raw.get("/tickets", headers=auth).status_code == 200
        mono.now += 4
        assert raw.get("/tickets", headers=auth).status_code == 200
        assert raw.get("/tickets").status_code == 401  # unauthenticated calls don't use the budget
        limited = raw.get("/tickets", headers=auth)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "6"  # the first hit leaves the window in 6 s
        assert limited.json()["errors"]
        mono.now += 6
        assert raw.get("/tickets", headers=auth).status_code == 200
        assert raw.get("/tickets", headers=auth).status_code == 429


# -- envelopes and pagination ----------------------------------------------------------------------

def test_list_envelope_and_default_page_size(fake: GrooveFake, api: httpx.Client) -> None:
    add(fake, 30)
    body = api.get("/tickets").json()
    assert len(body["tickets"]) == 25
    assert body["meta"]["pagination"] == {
        "current_page": 1, "total_pages": 2, "total_count": 30, "prev_page": None,
        "next_page": f"{str(api.base_url).rstrip('/')}/tickets?page=2&per_page=25",
    }
    assert [t["number"] for t in body["tickets"]][:3] == [30, 29, 28]  # newest first (ours)


def test_per_page_is_capped_at_50_and_the_last_page_has_no_next(fake: GrooveFake, api: httpx.Client) -> None:
    add(fake, 120)
    first = api.get("/tickets", params={"per_page": 500}).json()
    assert len(first["tickets"]) == 50 and first["meta"]["pagination"]["total_pages"] == 3
    last = api.get("/tickets", params={"per_page": 50, "page": 3}).json()
    assert len(last["tickets"]) == 20
    assert last["meta"]["pagination"]["next_page"] is None
    assert api.get("/tickets", params={"page": 9}).json()["tickets"] == []


def test_next_page_is_an_absolute_url_keeping_filters_but_never_the_token(fake: GrooveFake,
                                                                          server: FakeServer) -> None:
    add(fake, 3, state="opened")
    with httpx.Client(base_url=server.url) as raw:
        body = raw.get("/tickets", params={"state": "opened", "per_page": 1, "access_token": TOKEN}).json()
    parts = urlsplit(body["meta"]["pagination"]["next_page"])
    assert parts.scheme == "http" and parts.netloc == f"127.0.0.1:{server.port}" and parts.path == "/v1/tickets"
    assert parse_qs(parts.query) == {"state": ["opened"], "page": ["2"], "per_page": ["1"]}


def test_quirk_last_page_next_and_next_drops_per_page(fake: GrooveFake, api: httpx.Client) -> None:
    add(fake, 3)
    fake.quirk_last_page_next = True
    fake.quirk_next_drops_per_page = True
    first = api.get("/tickets", params={"per_page": 2}).json()["meta"]["pagination"]
    assert parse_qs(urlsplit(first["next_page"]).query) == {"page": ["2"]}
    last = api.get("/tickets", params={"per_page": 2, "page": 2}).json()["meta"]["pagination"]
    assert last["current_page"] == last["total_pages"] == 2
    assert last["next_page"] and urlsplit(last["next_page"]).query == ""  # the collection URL, quirk 1


def test_single_object_envelopes(fake: GrooveFake, api: httpx.Client) -> None:
    [n] = add(fake)
    ticket = api.get(f"/tickets/{n}").json()["ticket"]
    assert ticket["number"] == n and ticket["state"] == "unread" and ticket["message_count"] == 1
    assert ticket["links"]["customer"]["href"] == "https://api.groovehq.com/v1/customers/c0@acme.example"
    assert ticket["created_at"] == "2026-03-09T12:00:00Z"
    assert ticket["state_changed_at"] == "2026-03-09T12:00:00Z"
    assert api.get(f"/tickets/{n}/state").json() == {"state": "unread"}
    unassigned = api.get(f"/tickets/{n}/assignee")
    assert unassigned.status_code == 200 and unassigned.content == b""
    assert api.get("/tickets/999").status_code == 404
    assert api.get("/nothing").status_code == 404
    assert api.delete(f"/tickets/{n}").status_code == 405


def test_counts_are_a_bare_map_per_folder(fake: GrooveFake, api: httpx.Client) -> None:
    add(fake, 2)
    add(fake, 1, state="pending")
    counts = api.get("/tickets/count", params={"mailbox": "support@consultancy.example"}).json()
    assert counts == {"0000000101": 2, "0000000102": 1, "0000000103": 0, "0000000104": 0}
    assert len(api.get("/tickets", params={"folder": "0000000102"}).json()["tickets"]) == 1


def test_filters_by_state_assignee_and_customer(fake: GrooveFake, api: httpx.Client) -> None:
    a, b, _ = add(fake, 3)
    fake.set_state(a, "opened")
    api.put(f"/tickets/{b}/assignee", json={"assignee": AGENT})
    numbers = lambda **q: sorted(t["number"] for t in api.get("/tickets", params=q).json()["tickets"])  # noqa: E731
    assert numbers(state="opened") == [a]
    assert numbers(assignee=AGENT) == [b]
    assert numbers(assignee="unassigned") == [a, 3]
    assert numbers(customer="c1@acme.example") == [b]
    assert numbers(state="opened,unread") == []  # comma lists: UNCONFIRMED, off by default
    fake.accept_state_lists = True
    assert numbers(state="opened,unread") == [a, b, 3]


# -- writes ----------------------------------------------------------------------------------------

def test_post_ticket_json_gives_201_location_and_ticket(fake: GrooveFake, api: httpx.Client) -> None:
    answer = api.post("/tickets", json={"body": "It broke", "from": {"email": "new@acme.example", "name": "New Person"},
                                        "to": "support@consultancy.example", "subject": "Broken", "tags": ["bug"]})
    assert answer.status_code == 201
    number = answer.json()["ticket"]["number"]
    assert answer.headers["Location"].endswith(f"/v1/tickets/{number}")
    snap = fake.tickets_snapshot()[number]
    assert (snap.title, snap.state, snap.customer_email, snap.tags) == ("Broken", "unread", "new@acme.example", ["bug"])
    assert answer.json()["ticket"]["customer_name"] == "New Person"


def test_post_ticket_accepts_form_bodies_and_agent_created_tickets(fake: GrooveFake, api: httpx.Client) -> None:
    form = "body=Hello&from=" + AGENT + "&to[email]=client%40bluebird.example&to[name]=Cli&tags[]=a&tags[]=b" \
           "&state=pending&note=true&sent_at=Mon%2C+02+Mar+2026+10%3A00%3A00+%2B0000"
    answer = api.post("/tickets", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 201
    number = answer.json()["ticket"]["number"]
    snap = fake.tickets_snapshot()[number]
    assert (snap.customer_email, snap.state, snap.tags) == ("client@bluebird.example", "pending", ["a", "b"])
    assert snap.created_at == datetime(2026, 3, 2, 10, tzinfo=UTC)
    [first] = fake.messages_of(number)
    assert (first.author, first.author_kind, first.note) == (AGENT, "agent", True)


@pytest.mark.parametrize("body", [{}, {"body": "x", "from": "a@b.example"}, {"from": "a@b.example", "to": "c@d.e"},
                                  {"body": "x", "from": "a@b.example", "to": "c@d.e", "state": "snoozed"}])
def test_post_ticket_validation_is_422(api: httpx.Client, body: dict[str, str]) -> None:
    answer = api.post("/tickets", json=body)
    assert answer.status_code == 422 and answer.json()["errors"]


def test_state_changes_are_validated_and_timestamped_by_the_clock(fake: GrooveFake, api: httpx.Client,
                                                                  clock: FixedClock) -> None:
    [n] = add(fake)
    bad = api.put(f"/tickets/{n}/state", json={"state": "follow_up"})
    assert bad.status_code == 422 and isinstance(bad.json()["errors"], list)
    clock.advance(timedelta(hours=2))
    assert api.put(f"/tickets/{n}/state", json={"state": "closed"}).status_code in (200, 204)
    snap = fake.tickets_snapshot()[n]
    assert snap.state == "closed" and snap.state_changed_at == NOW + timedelta(hours=2) and snap.closed_by == AGENT
    assert api.put(f"/tickets/{n}/state", content="state=opened",
                   headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code in (200, 204)
    assert fake.tickets_snapshot()[n].state == "opened"


def test_assignee_priority_and_group(fake: GrooveFake, api: httpx.Client) -> None:
    [n] = add(fake)
    assert api.put(f"/tickets/{n}/assignee", json={"assignee": "nobody@x.example"}).status_code == 422
    assert api.put(f"/tickets/{n}/assignee", json={"assignee": AGENT}).status_code in (200, 204)
    assert api.get(f"/tickets/{n}/assignee").json()["agent"]["email"] == AGENT
    assert api.put(f"/tickets/{n}/priority", json={"priority": "critical"}).status_code == 422
    for priority in ("low", "medium", "high", "urgent", None):
        assert api.put(f"/tickets/{n}/priority", json={"priority": priority}).status_code in (200, 204)
        assert fake.tickets_snapshot()[n].priority == priority
    assert api.put(f"/tickets/{n}/assigned_group", json={"group": "Nope"}).status_code == 422
    assert api.put(f"/tickets/{n}/assigned_group", json={"group": "Developers"}).status_code in (200, 204)
    assert api.get(f"/tickets/{n}").json()["ticket"]["assigned_group"] == "Developers"


def test_messages_post_list_and_get(fake: GrooveFake, api: httpx.Client, clock: FixedClock) -> None:
    [n] = add(fake)
    clock.advance(timedelta(minutes=5))
    posted = api.post(f"/tickets/{n}/messages", json={"body": "Looking", "note": True})
    assert posted.status_code == 201
    message = posted.json()["message"]
    message_id = message["href"].rsplit("/", 1)[1]
    assert re.fullmatch(r"0\d{9}", message_id)  # leading zeros, always
    assert message["note"] is True and message["created_at"] == "2026-03-09T12:05:00Z"
    assert message["links"]["author"]["href"].endswith(f"/agents/{AGENT}")
    assert api.get(f"/messages/{message_id}").json()["message"]["plain_text_body"] == "Looking"
    listing = api.get(f"/tickets/{n}/messages").json()
    assert [m["plain_text_body"] for m in listing["messages"]] == ["Looking", "Body 0"]  # newest first (ours)
    assert listing["meta"]["pagination"]["total_count"] == 2
    assert api.post(f"/tickets/{n}/messages", json={"body": " "}).status_code == 422
    assert api.post(f"/tickets/{n}/messages", json={"body": "x", "author": "who@x.example"}).status_code == 422
    assert api.post("/tickets/999/messages", json={"body": "x"}).status_code == 404


def test_agent_reply_opens_an_unread_ticket_and_records_the_copy_flag(fake: GrooveFake, api: httpx.Client) -> None:
    [n] = add(fake)
    api.post(f"/tickets/{n}/messages", json={"body": "Hi", "note": False, "send_copy_to_customer": True})
    assert fake.tickets_snapshot()[n].state == "opened"
    assert fake.messages_of(n)[-1].emailed_to_customer is True


def test_a_customer_reply_reopens_a_closed_ticket(fake: GrooveFake, clock: FixedClock) -> None:
    [n] = add(fake)
    fake.set_state(n, "closed")
    clock.advance(timedelta(days=1))
    fake.add_customer_reply(n, "It broke again")
    snap = fake.tickets_snapshot()[n]
    assert snap.state == "opened" and snap.state_changed_at == NOW + timedelta(days=1)
    assert fake.messages_of(n)[-1].author_kind == "customer"


def test_customers_agents_groups_mailboxes_folders_webhooks(fake: GrooveFake, api: httpx.Client) -> None:
    add(fake)
    customer = api.get("/customers/c0@acme.example").json()["customer"]
    assert api.get(f"/customers/{customer['id']}").json()["customer"]["email"] == "c0@acme.example"
    assert api.get("/customers").json()["meta"]["pagination"]["total_count"] == 1
    updated = api.put("/customers/c0@acme.example", json={"email": "c0@acme.example", "company_name": "Acme"})
    assert updated.json()["customer"]["company_name"] == "Acme"
    assert api.put("/customers/c0@acme.example", json={}).status_code == 422
    assert len(api.get("/agents").json()["agents"]) == len(DEMO_AGENTS)
    assert api.get(f"/agents/{AGENT}").json()["agent"]["email"] == AGENT
    groups = api.get("/groups").json()["groups"]
    dev = next(g for g in groups if g["name"] == "Developers")
    assert len(api.get("/agents", params={"group": dev["id"]}).json()["agents"]) == len(DEMO_AGENTS) - 1
    assert api.get(f"/groups/{dev['id']}").json()["group"]["name"] == "Developers"
    box = api.get("/mailboxes").json()["mailboxes"][0]
    assert api.get("/folders", params={"mailbox": box["id"]}).json()["folders"][0]["name"] == "All New & Open"
    hook = api.post("/webhooks", json={"event": "ticket_started", "url": "https://example.org/h"})
    assert hook.status_code == 201 and hook.json()["webhook"]["state"] == "active"
    assert api.post("/webhooks", json={"event": "nope", "url": "x"}).status_code == 422
    assert api.delete(f"/webhooks/{hook.json()['webhook']['id']}").status_code == 204
    assert api.delete(f"/webhooks/{hook.json()['webhook']['id']}").status_code == 404


def test_bad_json_body_is_400(fake: GrooveFake, api: httpx.Client) -> None:
    [n] = add(fake)
    answer = api.put(f"/tickets/{n}/state", content=b"{nope", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400


# -- quirks ----------------------------------------------------------------------------------------

def test_quirk_http_hrefs(fake: GrooveFake, api: httpx.Client) -> None:
    [n] = add(fake)
    fake.quirk_http_hrefs = True
    ticket = api.get(f"/tickets/{n}").json()["ticket"]
    assert ticket["href"].startswith("http://api.groovehq.com/")
    assert ticket["links"]["customer"]["href"].startswith("http://api.groovehq.com/")


def test_quirk_mixed_timestamps_uses_all_three_formats_for_the_same_instants(fake: GrooveFake,
                                                                            api: httpx.Client) -> None:
    add(fake, 6)
    fake.quirk_mixed_timestamps = True
    stamps = [t["created_at"] for t in api.get("/tickets").json()["tickets"]]
    assert any(s.endswith("Z") for s in stamps)
    assert any(s.endswith(" UTC") for s in stamps)
    assert any(re.search(r" [+-]\d{4}$", s) for s in stamps)
    offset = next(s for s in stamps if re.search(r" [+-]\d{4}$", s))
    assert datetime.strptime(offset, "%Y-%m-%d %H:%M:%S %z").astimezone(UTC).minute in (0, 30)


def test_start_groove_fake_serves_under_v1_on_loopback(fake: GrooveFake) -> None:
    add(fake)
    srv = start_groove_fake(fake)  # already started: `with` would start it a second time
    try:
        assert srv.url == f"http://127.0.0.1:{srv.port}/v1"
        answer = httpx.get(f"{srv.url}/tickets/1", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.json()["ticket"]["number"] == 1
        assert httpx.get(f"{srv.origin}/tickets/1", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    finally:
        srv.stop()


# -- helpers, in-flight counter, seed --------------------------------------------------------------

def test_in_flight_counter_sees_overlapping_requests(fake: GrooveFake, server: FakeServer) -> None:
    import concurrent.futures

    add(fake)
    fake.latency_s = 0.2
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as one, \
            concurrent.futures.ThreadPoolExecutor(3) as pool:
        statuses = list(pool.map(lambda _: one.get("/tickets/1").status_code, range(3)))
    assert statuses == [200, 200, 200]
    assert fake.max_in_flight >= 2 and fake.in_flight == 0


def test_simulate_arrival_adds_an_unread_ticket_now(fake: GrooveFake, clock: FixedClock) -> None:
    number = fake.simulate_arrival(random.Random(3))
    snap = fake.tickets_snapshot()[number]
    assert snap.state == "unread" and snap.created_at == NOW and snap.title
    assert len(fake.messages_of(number)) == 1 and fake.messages_of(number)[0].author == snap.customer_email


def snapshot_key(fake: GrooveFake) -> list[tuple[object, ...]]:
    return [(t.number, t.title, t.state, t.created_at, t.customer_email, t.assignee, t.priority,
             tuple((m.author, m.created_at, m.note) for m in fake.messages_of(t.number)))
            for t in fake.tickets_snapshot().values()]


def test_seed_is_deterministic_for_a_seed_and_now() -> None:
    a, b, c = (GrooveFake(clock=FixedClock(NOW)) for _ in range(3))
    seed_groove(a, NOW)
    seed_groove(b, NOW)
    seed_groove(c, NOW, seed="other")
    assert snapshot_key(a) == snapshot_key(b)
    assert snapshot_key(a) != snapshot_key(c)


def test_seed_is_a_believable_week() -> None:
    fake = GrooveFake(clock=FixedClock(NOW))
    seed_groove(fake, NOW, tickets=200)
    tickets = list(fake.tickets_snapshot().values())
    assert len(tickets) == 200
    states = Counter(t.state for t in tickets)
    assert states["unread"] + states["opened"] > len(tickets) / 2
    assert states["pending"] > 0 and 0 < states["closed"] < 60 and 0 < states["spam"] < 30
    domains = {c.domain for c in DEMO_CUSTOMERS}
    customer_domains = {t.customer_email.split("@")[1] for t in tickets}
    assert domains <= customer_domains
    unmapped = [t for t in tickets if t.customer_email.split("@")[1] in ("gmail.com", "outlook.com", "hotmail.co.uk")]
    assert 2 <= len(unmapped) <= 25
    ages = [(NOW - t.created_at).total_seconds() / 3600 for t in tickets if t.state not in ("closed", "spam")]
    assert max(ages) <= 6 * 24 and min(ages) >= 0
    assert any(a < 36 for a in ages) and any(36 <= a < 44 for a in ages)
    assert any(44 <= a < 48 for a in ages) and any(a > 48 for a in ages)
    assert any(t.assignee for t in tickets) and any(t.priority == "high" for t in tickets)
    sizes = Counter(len(t.message_ids) for t in tickets)
    assert set(sizes) <= {1, 2, 3, 4} and len(sizes) >= 3
    for t in tickets:
        thread = fake.messages_of(t.number)
        assert thread[0].author_kind == "customer"
        assert [m.created_at for m in thread] == sorted(m.created_at for m in thread)
        assert all(t.created_at <= m.created_at <= NOW for m in thread)
    assert any(m.note for t in tickets for m in fake.messages_of(t.number))
    assert all(t.number == i + 1 for i, t in enumerate(sorted(tickets, key=lambda t: t.created_at)))
