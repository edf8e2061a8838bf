"""An in-memory Groove v1 REST API, served on loopback by :class:`FakeServer`.

It follows the Groove section of docs/apis.md and can reproduce Groove's documented misbehaviour
(quirks 1–5 there) through switches, so the client is tested against Groove's worst rather than its
best. Items Groove leaves open or unconfirmed (error bodies, ordering, the unassigned
``/assignee`` form, what a reply does to the state) are this fake's choices, marked as such.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque

from supportdesk_tui.fakes.base import FakeServer, Faults, Request, Response
from supportdesk_tui.fakes.groove.arrivals import random_arrival
from supportdesk_tui.fakes.groove.records import Problem
from supportdesk_tui.fakes.groove.routes import GrooveRoutes

__all__ = ["GrooveFake", "start_groove_fake"]


class GrooveFake(GrooveRoutes):
    """Groove's state behind one lock, answering :class:`Request`s like the v1 REST API.

    Built in layers, each in its own module: state and helpers (``state``), JSON (``payloads``),
    routes (``routes``); this class adds auth, rate limiting, latency and arrivals.
    """

    def simulate_arrival(self, rng: random.Random) -> int:
        """A believable new ticket from a random demo customer, arriving now."""
        arrival = random_arrival(rng)
        return self.add_ticket(customer_email=arrival.email, customer_name=arrival.name,
                               subject=arrival.subject, body=arrival.body)

    def reset_in_flight(self) -> None:
        with self._lock:
            self.max_in_flight = self.in_flight

    # -- HTTP ------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s > 0:
                time.sleep(self.latency_s)
            return self._handle(req)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _handle(self, req: Request) -> Response:
        token = self._token_of(req)
        if token is None:
            return Response.json({"errors": ["Unauthorized: send Authorization: Bearer <token>"]}, 401,
                                 {"WWW-Authenticate": 'Bearer realm="groove"'})
        wait = self._rate_check(token)
        if wait is not None:
            return Response.json({"errors": ["Rate limit exceeded"]}, 429,
                                 {"Retry-After": str(max(1, math.ceil(wait)))})
        try:
            with self._lock:
                return self._route(req)
        except Problem as problem:
            return Response.json({"errors": [str(problem)]}, problem.status)

    def _token_of(self, req: Request) -> str | None:
        auth = req.headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and auth[7:].strip() == self.token:
            return self.token
        return self.token if req.query.get("access_token") == self.token else None

    def _rate_check(self, token: str) -> float | None:
        if not self.rate_limit:
            return None
        with self._lock:
            now = self._monotonic()
            hits = self._hits.setdefault(token, deque())
            while hits and hits[0] <= now - self.rate_window_s:
                hits.popleft()
            if len(hits) >= self.rate_limit:
                return hits[0] + self.rate_window_s - now
            hits.append(now)
            return None


def start_groove_fake(state: GrooveFake, *, port: int = 0, faults: Faults | None = None) -> FakeServer:
    """Serve ``state`` on 127.0.0.1; ``server.url`` is the base URL (``http://127.0.0.1:PORT/v1``)."""
    server = FakeServer("groove", state.handle, faults=faults, port=port, prefix="/v1")
    return server.start()
