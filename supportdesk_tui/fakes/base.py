"""A small threaded HTTP server on loopback with fault injection, shared by the fake Groove and Trello.

The fakes run on their own threads (stdlib ``ThreadingHTTPServer``), so the app's event loop, the
py-trello worker thread and the fakes never wait on each other. Faults can be set at start and
changed at run time: latency, a random error rate, malformed bodies, dropped connections, a
whole-service outage, and one-shot scripted faults aimed at a method and path (``fail_next``),
including "process the request, then drop the answer" for testing writes that may have happened.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """What a fake handler sees of one request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        data = json.dumps(payload).encode("utf-8")
        return cls(status, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})

    @classmethod
    def text(cls, text: str, status: int) -> Response:
        return cls(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


@dataclass
class ScriptedFault:
    """A one-shot fault for the next ``times`` requests matching ``method`` and the ``path`` regex.

    ``action`` is one of: ``status`` (answer ``status`` without processing), ``drop`` (close the
    connection without processing), ``drop_after`` (process, then close without answering),
    ``delay_after`` (process, then wait ``delay_s`` before answering), ``malformed`` (answer 200 with
    a broken body without processing).
    """

    method: str
    path: str
    action: str = "status"
    status: int = 500
    times: int = 1
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and re.search(self.path, path) is not None


@dataclass
class Faults:
    """Run-time switchable misbehaviour. Rates are fractions of requests, 0..1."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    down: bool = False
    seed: int | None = None
    scripted: list[ScriptedFault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.lock = threading.Lock()

    def take_scripted(self, method: str, path: str) -> ScriptedFault | None:
        with self.lock:
            for fault in self.scripted:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self.scripted.remove(fault)
                    return fault
        return None

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self.lock:
            return self.rng.random() < rate


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float


Handler = Callable[[Request], Response]
LOG_LIMIT = 20_000


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-request is normal here (timeouts, the app quitting): no traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class FakeServer:
    """Serve ``handler`` on 127.0.0.1 (a free port unless one is given) in a background thread."""

    def __init__(self, name: str, handler: Handler, *, faults: Faults | None = None,
                 host: str = "127.0.0.1", port: int = 0, prefix: str = "") -> None:
        self.name = name
        self.handler = handler
        self.faults = faults or Faults()
        self.prefix = prefix
        self.log: deque[LoggedRequest] = deque(maxlen=LOG_LIMIT)  # bounded: a soak runs for days
        self.record = True  # tests read the log; the soak turns it off so it measures the app, not the log
        self._log_lock = threading.Lock()
        self._httpd = _QuietServer((host, port), self._make_handler_class())
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.prefix

    def start(self) -> FakeServer:
        """Start serving (calling it again on a running server does nothing)."""
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail_next(self, method: str, path: str, action: str = "status", *, status: int = 500, times: int = 1,
                  delay_s: float = 0.0, headers: dict[str, str] | None = None) -> None:
        """Script a one-shot fault (see :class:`ScriptedFault`)."""
        with self.faults.lock:
            self.faults.scripted.append(ScriptedFault(method, path, action, status, times, delay_s, headers or {}))

    def requests(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Requests received so far, optionally filtered by method and a path regex."""
        with self._log_lock:
            items = list(self.log)
        return [r for r in items if (method is None or r.method == method)
                and (path is None or re.search(path, r.path))]

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()

    def _record(self, req: Request) -> None:
        if not self.record:
            return
        with self._log_lock:
            self.log.append(LoggedRequest(req.method, req.path, req.query, req.headers, req.body, time.time()))

    def _make_handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out separately; don't wait for delayed ACKs
            server_version = f"fake-{server.name}"

            def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the log list
                return

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                req = Request(self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
                server._record(req)
                faults = server.faults
                if faults.latency_ms > 0:
                    time.sleep(faults.latency_ms / 1000)
                if faults.down:
                    self._drop()
                    return
                scripted = faults.take_scripted(req.method, req.path)
                if scripted is not None and scripted.action == "drop":
                    self._drop()
                    return
                if scripted is not None and scripted.action == "status":
                    self._send(Response.json({"errors": ["injected fault"]}, scripted.status, scripted.headers))
                    return
                if scripted is not None and scripted.action == "malformed":
                    self._send(Response(200, b'{"truncated": [', {"Content-Type": "application/json"}))
                    return
                if scripted is None:
                    if faults.roll(faults.drop_rate):
                        self._drop()
                        return
                    if faults.roll(faults.error_rate):
                        self._send(Response.json({"errors": ["injected fault"]}, faults.error_status))
                        return
                    if faults.roll(faults.malformed_rate):
                        self._send(Response(200, b'{"truncated": [', {"Content-Type": "application/json"}))
                        return
                try:
                    response = server.handler(req)
                except Exception as exc:  # a fake's own bug must show as a 500, not kill the thread
                    response = Response.json({"errors": [f"fake server error: {type(exc).__name__}: {exc}"]}, 500)
                if scripted is not None and scripted.action == "drop_after":
                    self._drop()
                    return
                if scripted is not None and scripted.action == "delay_after":
                    time.sleep(scripted.delay_s)
                self._send(response)

            def _send(self, response: Response) -> None:
                try:
                    self.send_response(response.status)
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _drop(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch

        return _Handler
