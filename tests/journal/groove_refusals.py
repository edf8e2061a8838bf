"""A switch on the fake Groove, set by tests only: refuse the two undocumented "clear" writes.

Groove's docs do not say that ``PUT /assignee`` with an empty assignee unassigns, nor that ``PUT
/priority`` with ``null`` clears the priority; the fake accepts both by default. Wrapped in a
:class:`RefuseClearing`, it answers 422 to them instead, as the real service might, while every
other request is handled as usual. Helpers only, no asserts: PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from supportdesk_tui.fakes.base import FakeServer, Request, Response


class RefuseClearing:
    """Wraps a fake Groove server's handler; ``assignee``/``priority`` switch each refusal on or off."""

    def __init__(self, server: FakeServer, *, assignee: bool = True, priority: bool = True) -> None:
        self._inner = server.handler
        self.assignee, self.priority = assignee, priority
        self.refused: list[str] = []  # the paths refused, in order
        self._lock = threading.Lock()
        server.handler = self

    def __call__(self, req: Request) -> Response:
        if req.method == "PUT" and self._refuses(req):
            with self._lock:
                self.refused.append(req.path)
            return Response.json({"errors": ["can't be blank"]}, 422)
        return self._inner(req)

    def _refuses(self, req: Request) -> bool:
        try:
            body: Any = json.loads(req.body or b"{}")
        except ValueError:
            return False
        if not isinstance(body, dict):
            return False
        if self.assignee and req.path.endswith("/assignee"):
            return not body.get("assignee")
        if self.priority and req.path.endswith("/priority"):
            return "priority" in body and body["priority"] is None
        return False
