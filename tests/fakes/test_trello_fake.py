"""The fake Trello's contract (docs/apis.md, Trello), checked through its handler, over HTTP with py-trello
itself, and the demo seed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import trello

from supportdesk_tui.clients.trello.session import RebasingSession
from supportdesk_tui.domain.clock import FixedClock
from supportdesk_tui.fakes.base import FakeServer, Request, Response
from supportdesk_tui.fakes.demo_customers import DEMO_CUSTOMERS, SUPPORT_EPICS_BOARD_ID
from supportdesk_tui.fakes.trello.seed import CUSTOMER_LISTS, EPIC_LISTS, seed_trello, source_marker
from supportdesk_tui.fakes.trello.server import TrelloFake, start_trello_fake

KEY, TOKEN = "fake-key-1234", "fake-token-5678"
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
BOARD = "5f1a2b3c0000000000000a01"
OTHER = "5f1a2b3c0000000000000a02"
FROM_JSON_KEYS = {"id", "name", "dueComplete", "closed", "url", "pos", "shortUrl", "idMembers", "idLabels", "idBoard",
                  "idList", "idShort", "badges", "idChecklists", "labels", "dateLastActivity"}


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def ticks() -> Clock:
    return Clock()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fake(clock: FixedClock, ticks: Clock) -> TrelloFake:
    fake = TrelloFake(clock, key=KEY, token=TOKEN, monotonic=ticks)
    fake.add_board(BOARD, "Acme Ltd", ["New Issues", "Up next", "Done"], members=["ben"])
    fake.add_board(OTHER, "Epics", ["Up next"])
    fake.add_label(BOARD, "bug", "red")
    fake.add_card(BOARD, "New Issues", "First", desc="one", labels=["bug"], members=["ben"])
    fake.add_card(BOARD, "New Issues", "Second")
    return fake


def call(fake: TrelloFake, method: str, path: str, query: dict[str, str] | None = None, body: Any = None, *,
         auth: str = "query", headers: dict[str, str] | None = None) -> Response:
    q = dict(query or {})
    h = {k.lower(): v for k, v in (headers or {}).items()}
    if auth == "query":
        q.update(key=KEY, token=TOKEN)
    elif auth == "oauth":
        h["authorization"] = (f'OAuth oauth_nonce="1", oauth_signature_method="HMAC-SHA1", oauth_version="1.0", '
                              f'oauth_consumer_key="{quote(KEY)}", oauth_token="{quote(TOKEN)}", '
                              'oauth_signature="ignored%3D"')
    raw = b""
    if body is not None:
        raw = json.dumps(body).encode()
        h.setdefault("content-type", "application/json; charset=utf-8")
    return fake.handle(Request(method, path, q, h, raw))


def ok(response: Response) -> Any:
    assert response.status == 200, (response.status, response.body[:300])
    return json.loads(response.body)


def card_named(fake: TrelloFake, name: str) -> dict[str, Any]:
    return next(c for c in fake.cards_on(BOARD, include_closed=True) if c["name"] == name)


# --------------------------------------------------------------------------- routing and auth


def test_trailing_slash_is_insignificant(fake: TrelloFake) -> None:
    assert ok(call(fake, "GET", f"/1/boards/{BOARD}/cards/")) == ok(call(fake, "GET", f"/1/boards/{BOARD}/cards"))
    assert len(ok(call(fake, "GET", "/1/members/me/boards/", {"filter": "all"}))) == 2


def test_member_boards_nest_their_lists_when_asked(fake: TrelloFake) -> None:
    """``GET /members/me/boards?lists=open``: every board with its open lists, in one request."""
    fake.add_list(BOARD, "Old ideas", closed=True)
    boards = ok(call(fake, "GET", "/1/members/me/boards", {"filter": "open", "fields": "name", "lists": "open"}))
    lists = {b["name"]: [lst["name"] for lst in b["lists"]] for b in boards}
    assert lists == {"Acme Ltd": ["New Issues", "Up next", "Done"], "Epics": ["Up next"]}
    every = ok(call(fake, "GET", "/1/members/me/boards", {"lists": "all"}))
    assert "Old ideas" in [lst["name"] for b in every for lst in b["lists"]]
    assert all("lists" not in b for b in ok(call(fake, "GET", "/1/members/me/boards")))  # none by default


def test_a_get_with_a_body_is_refused_with_403(fake: TrelloFake) -> None:
    response = call(fake, "GET", f"/1/boards/{BOARD}", body={})
    assert response.status == 403 and b"CloudFront" in response.body
    assert response.headers["Content-Type"] == "text/html"


@pytest.mark.parametrize("auth", ["query", "oauth"])
def test_both_auth_forms_are_accepted(fake: TrelloFake, auth: str) -> None:
    assert ok(call(fake, "GET", "/1/members/me", auth=auth))["username"] == "ana"


def test_bad_credentials_get_plain_text_401(fake: TrelloFake) -> None:
    bad_token = fake.handle(Request("GET", "/1/members/me", {"key": KEY, "token": "nope"}, {}, b""))
    assert (bad_token.status, bad_token.body) == (401, b"invalid token")
    assert bad_token.headers["Content-Type"].startswith("text/plain")
    bad_key = fake.handle(Request("GET", "/1/members/me", {"key": "nope", "token": TOKEN}, {}, b""))
    assert (bad_key.status, bad_key.body) == (401, b"invalid key")
    assert call(fake, "GET", "/1/members/me", auth="none").status == 401


def test_a_board_the_member_is_not_on_is_refused(fake: TrelloFake) -> None:
    private = fake.add_board(None, "Private", ["L"], include_me=False)
    response = call(fake, "GET", f"/1/boards/{private}")
    assert (response.status, response.body) == (401, b"unauthorized permission requested")


def test_ids_or_short_links_and_plain_text_errors(fake: TrelloFake) -> None:
    first = card_named(fake, "First")
    assert ok(call(fake, "GET", f"/1/cards/{first['shortLink']}"))["id"] == first["id"]
    board = ok(call(fake, "GET", f"/1/boards/{BOARD}", {"fields": "shortLink"}))
    assert ok(call(fake, "GET", f"/1/boards/{board['shortLink']}", {"fields": "name"}))["name"] == "Acme Ltd"
    assert (call(fake, "GET", "/1/cards/not-an-id").status, call(fake, "GET", "/1/cards/not-an-id").body) == (
        400, b"invalid id")
    missing = call(fake, "GET", "/1/cards/" + "0" * 24)
    assert (missing.status, missing.body) == (404, b"The requested resource was not found.")
    assert call(fake, "GET", "/1/nothing/here").status == 404


def test_ids_carry_their_creation_second_and_dates_have_milliseconds(fake: TrelloFake) -> None:
    card = card_named(fake, "First")
    assert re.fullmatch(r"[0-9a-f]{24}", card["id"])
    assert int(card["id"][:8], 16) == int(NOW.timestamp())
    assert card["dateLastActivity"] == "2025-03-03T09:00:00.000Z"
    assert re.fullmatch(r"[A-Za-z0-9]{8}", card["shortLink"])


# --------------------------------------------------------------------------- writes


def test_writes_answer_200_with_the_full_object(fake: TrelloFake) -> None:
    new_issues = fake.list_id(BOARD, "New Issues")
    created = ok(call(fake, "POST", "/1/cards", body={"idList": new_issues, "name": "Made", "desc": None,
                                                       "idLabels": "", "due": "null", "idMembers": "",
                                                       "idCardSource": None, "keepFromSource": None}))
    assert created.keys() >= FROM_JSON_KEYS and created["desc"] == ""
    updated = ok(call(fake, "PUT", f"/1/cards/{created['id']}/name", body={"value": "Renamed"}))
    assert updated.keys() >= FROM_JSON_KEYS and updated["name"] == "Renamed"
    bad = call(fake, "POST", "/1/cards", body={"name": "no list"})
    assert (bad.status, bad.body) == (400, b"invalid value for idList")


def test_per_field_and_query_field_puts_both_work(fake: TrelloFake) -> None:
    first = card_named(fake, "First")["id"]
    done = fake.list_id(BOARD, "Done")
    up_next = fake.list_id(BOARD, "Up next")
    assert ok(call(fake, "PUT", f"/1/cards/{first}/idList", body={"value": done}))["idList"] == done
    assert ok(call(fake, "PUT", f"/1/cards/{first}", {"idList": up_next}))["idList"] == up_next
    assert ok(call(fake, "PUT", f"/1/cards/{first}", body={"closed": "true"}))["closed"] is True
    assert ok(call(fake, "PUT", f"/1/cards/{first}/closed", body={"value": False}))["closed"] is False
    assert ok(call(fake, "PUT", f"/1/cards/{first}", {"closed": "true"}, auth="oauth"))["closed"] is True
    assert call(fake, "PUT", f"/1/cards/{first}/closed", body={"value": "maybe"}).status == 400
    assert call(fake, "PUT", f"/1/cards/{first}/nonsense", body={"value": 1}).status == 404
    other_board_list = fake.list_id(OTHER, "Up next")
    assert call(fake, "PUT", f"/1/cards/{first}/idList", body={"value": other_board_list}).status == 400
    due = ok(call(fake, "PUT", f"/1/cards/{first}/due", body={"value": "2025-05-01T12:00:00+00:00"}))
    assert due["due"] == "2025-05-01T12:00:00.000Z"
    lst = ok(call(fake, "PUT", f"/1/lists/{done}/closed", body={"value": "true"}))
    assert lst["closed"] is True


def test_positions_follow_trellos_steps(fake: TrelloFake) -> None:
    up_next = fake.list_id(BOARD, "Up next")
    made = [ok(call(fake, "POST", "/1/cards", body={"idList": up_next, "name": f"c{i}"})) for i in range(3)]
    assert [c["pos"] for c in made] == [16384.0, 32768.0, 49152.0]
    top = ok(call(fake, "POST", "/1/cards", body={"idList": up_next, "name": "top", "pos": "top"}))
    assert top["pos"] == 8192.0
    bottom = ok(call(fake, "PUT", f"/1/cards/{top['id']}/pos", body={"value": "bottom"}))
    assert bottom["pos"] == 49152.0 + 16384
    between = ok(call(fake, "PUT", f"/1/cards/{top['id']}/pos", body={"value": 20000.5}))
    assert between["pos"] == 20000.5
    assert call(fake, "PUT", f"/1/cards/{top['id']}/pos", body={"value": -3}).status == 400
    lists = ok(call(fake, "GET", f"/1/boards/{BOARD}/lists"))
    assert [lst["pos"] for lst in lists] == [65535.0, 131071.0, 196607.0]
    for _ in range(25):  # halving towards zero forces a re-spread; order and positivity survive
        last = ok(call(fake, "PUT", f"/1/cards/{made[-1]['id']}/pos", body={"value": "top"}))
        made.append(made.pop(0))
        assert last["pos"] > 0
    positions = [c["pos"] for c in fake.cards_on(BOARD, "Up next")]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_copy_keeps_what_keep_from_source_says(fake: TrelloFake) -> None:
    source = card_named(fake, "First")
    target = fake.list_id(OTHER, "Up next")
    everything = ok(call(fake, "POST", "/1/cards", body={"idList": target, "idCardSource": source["id"]}))
    assert (everything["name"], everything["desc"]) == ("First", "one")
    assert [(lb["name"], lb["color"], lb["idBoard"]) for lb in everything["labels"]] == [("bug", "red", OTHER)]
    assert everything["idMembers"] == []  # ben is not on the target board
    bare = ok(call(fake, "POST", "/1/cards", body={"idList": target, "idCardSource": source["shortLink"],
                                                    "keepFromSource": "checklists", "desc": "mine"}))
    assert (bare["labels"], bare["desc"]) == ([], "mine")
    assert call(fake, "POST", "/1/cards", body={"idList": target, "idCardSource": source["id"],
                                                "keepFromSource": "bogus"}).status == 400
    copies = [a for a in fake.actions_on(OTHER) if a["type"] == "copyCard"]
    assert len(copies) == 2 and all(a["data"]["cardSource"]["id"] == source["id"] for a in copies)


def test_members_labels_and_comments(fake: TrelloFake) -> None:
    second = card_named(fake, "Second")["id"]
    ben = ok(call(fake, "GET", "/1/members/ben"))["id"]
    assert [m["id"] for m in ok(call(fake, "POST", f"/1/cards/{second}/idMembers", body={"value": ben}))] == [ben]
    again = call(fake, "POST", f"/1/cards/{second}/idMembers", body={"value": ben})
    assert again.status == 400 and b"already" in again.body
    label = ok(call(fake, "POST", "/1/labels", body={"name": "est:1d", "color": "purple", "idBoard": BOARD}))
    assert ok(call(fake, "POST", f"/1/cards/{second}/idLabels", body={"value": label["id"]})) == [label["id"]]
    assert call(fake, "POST", f"/1/cards/{second}/idLabels", body={"value": label["id"]}).status == 400
    comment = ok(call(fake, "POST", f"/1/cards/{second}/actions/comments", body={"text": "hi"}))
    assert comment["type"] == "commentCard" and comment["data"]["text"] == "hi"
    assert ok(call(fake, "GET", f"/1/cards/{second}"))["badges"]["comments"] == 1
    listed = ok(call(fake, "GET", f"/1/cards/{second}/actions", {"filter": "commentCard"}))
    assert [a["id"] for a in listed] == [comment["id"]]


# --------------------------------------------------------------------------- reads


def test_nested_board_load(fake: TrelloFake) -> None:
    fake.add_list(BOARD, "Archived list", closed=True)
    fake.add_card(BOARD, "Archived list", "In a closed list")
    fake.add_card(BOARD, "Done", "Archived card", closed=True)
    query = {"lists": "open", "cards": "visible", "labels": "all", "members": "all", "actions": "none",
             "card_fields": "name,idList,idLabels", "member_fields": "username"}
    board = ok(call(fake, "GET", f"/1/boards/{BOARD}", query))
    assert "actions" not in board and [c["name"] for c in board["cards"]] == ["First", "Second"]
    assert set(board["cards"][0]) == {"id", "name", "idList", "idLabels"}
    assert [m["username"] for m in board["members"]] == ["ana", "ben"]
    assert len(board["lists"]) == 3 and board["labels"][0]["name"] == "bug"
    opened = ok(call(fake, "GET", f"/1/boards/{BOARD}", {"cards": "open", "card_fields": "name"}))
    assert "In a closed list" in [c["name"] for c in opened["cards"]]  # open includes archived lists' cards
    assert "actions" in opened  # the swagger default is actions=all
    every = ok(call(fake, "GET", f"/1/boards/{BOARD}", {"cards": "all", "actions": "none"}))
    assert every["cards"][0].keys() >= FROM_JSON_KEYS and len(every["cards"]) == 4
    assert call(fake, "GET", f"/1/boards/{BOARD}", {"cards": "visible", "card_fields": "nmae"}).status == 400


def test_cards_json_builds_py_trello_objects_without_requests(fake: TrelloFake) -> None:
    client = trello.TrelloClient(KEY, token=TOKEN, http_service=object())  # any request would crash
    board_json = ok(call(fake, "GET", f"/1/boards/{BOARD}", {"lists": "open", "cards": "visible", "actions": "none",
                                                              "fields": "name,closed,url"}))
    board = trello.Board.from_json(client, json_obj=board_json)
    lists = {lj["id"]: trello.List.from_json(board, lj) for lj in board_json["lists"]}
    cards = [trello.Card.from_json(lists[cj["idList"]], cj) for cj in board_json["cards"]]
    assert [c.name for c in cards] == ["First", "Second"] and cards[0].labels[0].name == "bug"


def test_actions_since_an_id_or_a_date(fake: TrelloFake, clock: FixedClock) -> None:
    baseline = ok(call(fake, "GET", f"/1/boards/{BOARD}/actions", {"limit": "1"}))[0]["id"]
    assert ok(call(fake, "GET", f"/1/boards/{BOARD}/actions", {"since": baseline})) == []
    clock.advance(timedelta(minutes=5))
    fake.move_card_as_other_person(card_named(fake, "First")["id"], "Done")
    second = card_named(fake, "Second")["id"]
    ok(call(fake, "POST", f"/1/cards/{second}/actions/comments", body={"text": "on it"}))
    newer = ok(call(fake, "GET", f"/1/boards/{BOARD}/actions", {"since": baseline, "fields": "id,type,date,data"}))
    assert [a["type"] for a in newer] == ["commentCard", "updateCard"]
    move = newer[1]
    assert move["memberCreator"]["username"] == "ben"
    assert move["data"]["old"]["idList"] == fake.list_id(BOARD, "New Issues")
    assert (move["data"]["listBefore"]["name"], move["data"]["listAfter"]["name"]) == ("New Issues", "Done")
    assert move["date"] == "2025-03-03T09:05:00.000Z"
    slim = ok(call(fake, "GET", f"/1/boards/{BOARD}/actions", {"since": baseline, "fields": "id,type",
                                                                "memberCreator": "false", "limit": "1"}))
    assert slim == [{"id": newer[0]["id"], "type": "commentCard"}]
    by_date = ok(call(fake, "GET", f"/1/boards/{BOARD}/actions", {"since": "2025-03-03T09:01:00Z"}))
    assert [a["id"] for a in by_date] == [a["id"] for a in newer]
    only = ok(call(fake, "GET", f"/1/boards/{BOARD}/actions", {"filter": "updateCard:idList"}))
    assert [a["id"] for a in only] == [move["id"]]
    assert call(fake, "GET", f"/1/boards/{BOARD}/actions", {"limit": "1001"}).status == 400


def test_batch_answers_each_url_with_its_status(fake: TrelloFake) -> None:
    answer = ok(call(fake, "GET", "/1/batch", {"urls": f"/boards/{BOARD}/lists,/cards/bad-id,/1/members/me"}))
    assert [next(iter(item)) for item in answer] == ["200", "400", "200"]
    assert answer[1]["400"] == "invalid id" and answer[2]["200"]["username"] == "ana"
    assert call(fake, "GET", "/1/batch", {"urls": ",".join(["/members/me"] * 11)}).status == 400


def test_search_finds_words_in_names_and_descriptions(fake: TrelloFake) -> None:
    found = ok(call(fake, "GET", "/1/search", {"query": "FIRST one", "modelTypes": "cards"}))
    assert [c["name"] for c in found["cards"]] == ["First"]
    assert "cards" not in ok(call(fake, "GET", "/1/search", {"query": "zebra", "modelTypes": "cards"}))


# --------------------------------------------------------------------------- rate limits


def test_per_token_rate_limit_is_a_json_429_with_headers(fake: TrelloFake, ticks: Clock) -> None:
    for _ in range(100):
        ok(call(fake, "GET", "/1/members/me"))
    limited = call(fake, "GET", "/1/members/me")
    assert limited.status == 429
    assert json.loads(limited.body) == {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    assert limited.headers["x-rate-limit-api-token-remaining"] == "0"
    assert limited.headers["x-rate-limit-api-token-max"] == "100"
    ticks.t += 10.01
    assert ok(call(fake, "GET", "/1/members/me"))["username"] == "ana"
    fake.set_rate_limit(False)
    for _ in range(150):
        ok(call(fake, "GET", "/1/members/me"))


def test_per_key_rate_limit(fake: TrelloFake) -> None:
    fake.set_rate_limit(True, per_token=1000, per_key=3)
    fake.add_token("second-token-0000", "ben")
    for token in (TOKEN, "second-token-0000", TOKEN):
        assert fake.handle(Request("GET", "/1/members/me", {"key": KEY, "token": token}, {}, b"")).status == 200
    limited = fake.handle(Request("GET", "/1/members/me", {"key": KEY, "token": "second-token-0000"}, {}, b""))
    assert json.loads(limited.body)["error"] == "API_KEY_LIMIT_EXCEEDED"


# --------------------------------------------------------------------------- py-trello over HTTP


@pytest.fixture
def server(fake: TrelloFake) -> Iterator[FakeServer]:
    server = start_trello_fake(fake)
    yield server
    server.stop()


def test_py_trellos_own_calls_work_against_the_fake(fake: TrelloFake, server: FakeServer) -> None:
    session = RebasingSession(server.url, timeout=10)
    client = trello.TrelloClient(KEY, token=TOKEN, http_service=session)
    board = next(b for b in client.list_boards() if b.id == BOARD)  # /members/me/boards/?filter=all
    lists = board.open_lists()
    new_issues = lists[0]
    assert [c.name for c in new_issues.list_cards(query={})] == ["First", "Second"]
    assert len(board.visible_cards()) == 2  # /boards/{id}/cards/?filter=visible&fields=all
    card = new_issues.add_card("Via py-trello", desc="d", position="top")
    card.change_list(lists[1].id)
    card.set_closed(True)
    card.comment("a comment")
    label = board.add_label("est:2d", "purple")
    card.add_label(label)
    lists[2].close()  # closed sent as the string "true"
    got = fake.card(card.id)
    assert (got["idList"], got["closed"], got["idLabels"]) == (lists[1].id, True, [label.id])
    assert fake.comments_on(card.id) == ["a comment"]
    types = [a["type"] for a in board.fetch_actions("all", since=NOW - timedelta(seconds=1))]
    assert {"createCard", "updateCard", "commentCard", "addLabelToCard"} <= set(types)
    assert [lst.name for lst in board.open_lists()] == ["New Issues", "Up next"]
    assert server.requests("GET", r"^/1/members/me/boards/$")  # the trailing slash py-trello sends
    assert all(not r.body for r in server.requests("GET"))
    session.close()


# --------------------------------------------------------------------------- the demo seed


def seeded(numbers: dict[str, list[int]] | None = None) -> TrelloFake:
    fake = TrelloFake(FixedClock(NOW))
    seed_trello(fake, NOW, ticket_numbers_by_customer=numbers)
    return fake


def test_seed_builds_a_board_per_customer() -> None:
    fake = seeded({"Acme Ltd": list(range(100, 160)), "bluebird.example": [7, 8]})
    for customer in DEMO_CUSTOMERS:
        cards = fake.cards_on(customer.board_id)
        assert 8 <= len(cards) <= 20, customer.name
        lists = ok(call_as_demo(fake, f"/1/boards/{customer.board_id}/lists"))
        assert [lst["name"] for lst in lists] == list(CUSTOMER_LISTS)
        assert fake.cards_on(customer.board_id, "Up next")
    acme = fake.cards_on(DEMO_CUSTOMERS[0].board_id)
    links = [int(m) for c in acme for m in re.findall(r"https://consultancy\.groovehq\.com/t/(\d+)", c["desc"])]
    assert links and set(links) <= set(range(100, 160)) and max(links) == 159  # the most recent ones
    bluebird = " ".join(c["desc"] for c in fake.cards_on(DEMO_CUSTOMERS[1].board_id))
    assert "/t/7" in bluebird and "/t/8" in bluebird
    every = [c for customer in DEMO_CUSTOMERS for c in fake.cards_on(customer.board_id)]
    assert any(lb["name"].startswith("est:") for c in every for lb in c["labels"])
    assert any(c["idMembers"] for c in every) and any(c["due"] for c in every)


def test_seed_copies_some_but_not_all_up_next_cards_to_support_epics() -> None:
    fake = seeded()
    lists = ok(call_as_demo(fake, f"/1/boards/{SUPPORT_EPICS_BOARD_ID}/lists"))
    assert [lst["name"] for lst in lists] == list(EPIC_LISTS)
    epic_descs = "\n".join(c["desc"] for c in fake.cards_on(SUPPORT_EPICS_BOARD_ID))
    for customer in DEMO_CUSTOMERS:
        up_next = fake.cards_on(customer.board_id, "Up next")
        copied = [c for c in up_next if source_marker(c["shortLink"]) in epic_descs]
        assert copied and len(copied) < len(up_next), customer.name
    for link in re.findall(r"Source: https://trello\.com/c/(\w+)", epic_descs):
        assert fake.card(link)["idBoard"] != SUPPORT_EPICS_BOARD_ID  # each marker names a real source card


def test_seed_is_deterministic() -> None:
    first, second = seeded(), seeded()
    names = [[c["name"] for c in f.cards_on(b.board_id)] for f in (first, second) for b in DEMO_CUSTOMERS[:1]]
    assert names[0] == names[1]
    assert first.cards_on(SUPPORT_EPICS_BOARD_ID) == second.cards_on(SUPPORT_EPICS_BOARD_ID)


def call_as_demo(fake: TrelloFake, path: str) -> Response:
    from supportdesk_tui.fakes.demo_customers import DEMO_TRELLO_KEY, DEMO_TRELLO_TOKEN

    return fake.handle(Request("GET", path, {"key": DEMO_TRELLO_KEY, "token": DEMO_TRELLO_TOKEN}, {}, b""))
