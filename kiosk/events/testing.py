"""A small local stand-in for the personalize-events endpoint, for tests and the bench.

It speaks the service's rest-json protocol well enough for botocore (POST /events,
/users, /items with JSON bodies; errors as HTTP status + `x-amzn-ErrorType`) and can
succeed, answer 500, throttle, refuse as invalid or not found, stall, answer slowly
(takes the events, answers OK after `slow_s`: a client's read timeout ends first), or
refuse connections outright (the listening socket is closed and reopened on the same port).
While it refuses, the port stays held by a bound socket that does not listen (a connect
is refused at once), so no other program can take the port in between and a reopen
cannot fail; with SO_REUSEPORT (Linux, macOS) the hand-over leaves no gap at all.
Every request is recorded; `accepted_event_ids` are the events answered with 200 (or
taken in SLOW mode, whether or not the client waited for the answer).

    with FakePersonalizeEvents() as endpoint:
        aws = AwsSettings(endpoint_personalize_events=endpoint.url, ...)
        endpoint.set_mode(Mode.REFUSE)
        endpoint.script(Mode.THROTTLE, Mode.ERROR_500)  # the next two calls, then the mode

Bound to 127.0.0.1 only. Its threads are named "kiosk-fake-endpoint*" and end on `stop()`.
"""

from __future__ import annotations

import collections
import enum
import json
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATHS = {"/events": "PutEvents", "/users": "PutUsers", "/items": "PutItems"}


class Mode(enum.StrEnum):
    SUCCEED = "succeed"
    ERROR_500 = "error_500"
    THROTTLE = "throttle"
    INVALID = "invalid"  # 400 InvalidInputException
    NOT_FOUND = "not_found"  # 404 ResourceNotFoundException
    STALL = "stall"  # read the request, never answer (until released or stopped)
    REFUSE = "refuse"  # nothing listens: connection refused
    SLOW = "slow"  # takes the events, answers OK after `slow_s` (sooner when released)


_ERRORS = {
    Mode.ERROR_500: (500, "InternalFailure", "injected server error"),
    Mode.THROTTLE: (400, "ThrottlingException", "Rate exceeded"),
    Mode.INVALID: (400, "InvalidInputException", "injected invalid input"),
    Mode.NOT_FOUND: (404, "ResourceNotFoundException", "injected: tracker not found"),
}


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the endpoint saw it, with the mode it was answered in."""

    operation: str
    body: dict[str, Any]
    mode: Mode
    signed: bool

    @property
    def event_ids(self) -> list[str]:
        return [str(e.get("eventId")) for e in self.body.get("eventList", [])]


class FakePersonalizeEvents:
    """See the module docstring. `reject` (a predicate on one eventList/users/items entry)
    answers InvalidInputException for any call that carries a matching entry.
    `on_request(received)` runs before each answer (the crash test kills its child there)."""

    def __init__(
        self,
        mode: Mode = Mode.SUCCEED,
        *,
        reject: Callable[[dict[str, Any]], bool] | None = None,
        on_request: Callable[[Received], None] | None = None,
        stall_limit_s: float = 30.0,
        slow_s: float = 4.0,
    ) -> None:
        self.mode = Mode(mode)
        self.reject = reject
        self.on_request = on_request
        self.stall_limit_s = stall_limit_s
        self.slow_s = slow_s
        self.port = 0
        self.received: list[Received] = []
        self.accepted_event_ids: list[str] = []
        self._script: collections.deque[Mode] = collections.deque()
        self._cond = threading.Condition()
        self._release = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._sockets: set[socket.socket] = set()
        self._holder: socket.socket | None = None  # holds the port while refusing
        self._stopped = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakePersonalizeEvents:
        self._stopped = False
        if self.mode is Mode.REFUSE:
            self._hold_port()
        else:
            self._open()
        return self

    def stop(self) -> None:
        self._stopped = True
        self._close()
        self._release_port()

    def __enter__(self) -> FakePersonalizeEvents:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_mode(self, mode: Mode) -> None:
        """Answer every following call in `mode` (after any scripted answers)."""
        mode = Mode(mode)
        with self._cond:
            self.mode = mode
        if mode not in (Mode.STALL, Mode.SLOW):
            self.release_stalled()
        if mode is Mode.REFUSE:
            if _REUSE_PORT:  # held before the listener goes: the port is never free
                self._hold_port()
            self._close()
            self._hold_port()
        elif self._server is None and not self._stopped:
            self._open()

    def script(self, *modes: Mode) -> None:
        """Answer the next calls in these modes, one each, then return to `mode`
        (REFUSE cannot be scripted: use set_mode)."""
        if Mode.REFUSE in modes:
            raise ValueError("REFUSE closes the port; use set_mode")
        with self._cond:
            self._script.extend(Mode(m) for m in modes)

    def release_stalled(self) -> None:
        """Let every stalled call end (its connection is closed without an answer)."""
        with self._cond:
            release, self._release = self._release, threading.Event()
        release.set()

    # ------------------------------------------------------------------ observations

    def event_ids(self) -> list[str]:
        """Every event id received, in arrival order, whatever the answer."""
        with self._cond:
            return [i for r in self.received for i in r.event_ids]

    def calls(self, mode: Mode | None = None) -> list[Received]:
        with self._cond:
            return [r for r in self.received if mode is None or r.mode is mode]

    def wait_for(self, predicate: Callable[[FakePersonalizeEvents], bool], timeout: float) -> bool:
        """Wait until `predicate(self)` holds after some request; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def wait_accepted(self, event_ids: Iterable[str], timeout: float) -> bool:
        wanted = set(event_ids)
        return self.wait_for(lambda e: wanted <= set(e.accepted_event_ids), timeout)

    # ------------------------------------------------------------------ serving

    def _hold_port(self) -> None:
        """Keep `port` (a free one when 0) bound without listening: connects are refused,
        and nothing else can bind it until `_open` takes it back."""
        with self._cond:
            if self._holder is not None:
                return
            holder = socket.socket()
            if _REUSE_PORT:  # shared only with our own listener (and its TIME_WAITs):
                # without SO_REUSEADDR, another program's bind to it fails
                holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            else:
                holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                holder.bind(("127.0.0.1", self.port))
            except OSError:
                holder.close()
                raise
            self.port = holder.getsockname()[1]
            self._holder = holder

    def _release_port(self) -> None:
        with self._cond:
            holder, self._holder = self._holder, None
        if holder is not None:
            holder.close()

    def _open(self) -> None:
        with self._cond:
            if self._server is not None:
                return
            if not _REUSE_PORT:  # the listener can bind only once the holder lets go
                self._release_port()
            server = _Server(("127.0.0.1", self.port), _handler_for(self))
            self.port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05},
                name="kiosk-fake-endpoint", daemon=True,
            )
            self._thread.start()
        self._release_port()  # with SO_REUSEPORT both held it for a moment: no gap

    def _close(self) -> None:
        with self._cond:
            server, self._server = self._server, None
            thread, self._thread = self._thread, None
            sockets, self._sockets = set(self._sockets), set()
        if server is None:
            return
        self.release_stalled()
        server.shutdown()
        server.server_close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if thread is not None:
            thread.join(5.0)
        for worker in server.workers():
            worker.join(5.0)

    def _track(self, sock: socket.socket, alive: bool) -> None:
        with self._cond:
            if alive:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)

    def _answer_mode(self, operation: str, body: dict[str, Any]) -> Mode:
        with self._cond:
            mode = self._script.popleft() if self._script else self.mode
        if mode is Mode.SUCCEED and self.reject is not None:
            entries = body.get({"PutEvents": "eventList", "PutUsers": "users"}.get(
                operation, "items"), [])
            if any(self.reject(e) for e in entries):
                mode = Mode.INVALID
        return mode

    def _record(self, received: Received) -> None:
        with self._cond:
            self.received.append(received)
            if received.mode in (Mode.SUCCEED, Mode.SLOW):
                self.accepted_event_ids.extend(received.event_ids)
            self._cond.notify_all()


_REUSE_PORT = hasattr(socket, "SO_REUSEPORT") and sys.platform != "win32"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    allow_reuse_port = _REUSE_PORT  # may bind while the refusing holder still has it

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._workers: list[threading.Thread] = []
        self._workers_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address),
            name="kiosk-fake-endpoint-conn", daemon=True,
        )
        with self._workers_lock:
            self._workers = [t for t in self._workers if t.is_alive()]
            self._workers.append(thread)
        thread.start()

    def workers(self) -> list[threading.Thread]:
        with self._workers_lock:
            return list(self._workers)


def _handler_for(endpoint: FakePersonalizeEvents) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def setup(self) -> None:
            super().setup()
            endpoint._track(self.connection, True)

        def finish(self) -> None:
            endpoint._track(self.connection, False)
            try:
                super().finish()
            except OSError:
                pass

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            operation = PATHS.get(self.path.split("?")[0])
            if operation is None:
                self._reply(404, {"message": f"unknown path {self.path}"}, "UnknownOperation")
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._reply(400, {"message": "body is not JSON"}, "SerializationException")
                return
            mode = endpoint._answer_mode(operation, body)
            with endpoint._cond:
                release = endpoint._release  # taken before the call is visible to waiters
            received = Received(operation, body, mode, "Authorization" in self.headers)
            if endpoint.on_request is not None:
                endpoint.on_request(received)
            endpoint._record(received)
            if mode is Mode.STALL:
                release.wait(endpoint.stall_limit_s)
                self.close_connection = True
                return
            if mode is Mode.SLOW:
                release.wait(endpoint.slow_s)
            if mode in _ERRORS:
                status, code, message = _ERRORS[mode]
                self._reply(status, {"message": message}, code)
                return
            self._reply(200, {})

        def _reply(self, status: int, payload: dict[str, Any], code: str = "") -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
            if code:
                self.send_header("x-amzn-ErrorType", code)
            self.end_headers()
            try:
                self.wfile.write(data)
                self.wfile.flush()
            except OSError:
                self.close_connection = True

    return Handler


def main(argv: list[str] | None = None) -> int:
    """`python -m kiosk.events.testing [MODE]`: serve until standard input closes, print
    the URL first and a JSON summary of what arrived last (the bench's separate process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    endpoint = FakePersonalizeEvents(Mode(args[0]) if args else Mode.SUCCEED).start()
    try:
        print(endpoint.url, flush=True)
        sys.stdin.read()
    finally:
        endpoint.stop()
    accepted = endpoint.accepted_event_ids
    print(json.dumps({"calls": len(endpoint.received), "accepted": len(accepted),
                      "unique": len(set(accepted))}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
