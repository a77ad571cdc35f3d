"""The fake endpoint's REFUSE mode keeps its port: nothing else can take it while it
refuses, so going back online on the same port cannot fail (the offline → online tests
used to hand the port back to the system for the whole outage)."""

from __future__ import annotations

import http.client
import socket

import pytest

from kiosk.events.testing import FakePersonalizeEvents, Mode


def _connect(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5.0):
        pass


def _post(port: int) -> int:
    """One request answered and closed (leaves TIME_WAIT sockets on the port)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5.0)
    try:
        conn.request("POST", "/events", body=b"{}", headers={"Content-Type": "application/json"})
        return conn.getresponse().status
    finally:
        conn.close()


def _bind_elsewhere(port: int) -> None:
    """What another program (or test) asking for this very port would do."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.bind(("127.0.0.1", port))


@pytest.mark.parametrize("start_mode", [Mode.SUCCEED, Mode.REFUSE])
def test_refusing_holds_the_port_and_online_again_serves_on_it(start_mode: Mode) -> None:
    with FakePersonalizeEvents(start_mode) as endpoint:
        port = endpoint.port
        if start_mode is Mode.SUCCEED:
            assert _post(port) == 200
        endpoint.set_mode(Mode.REFUSE)
        with pytest.raises(ConnectionRefusedError):
            _connect(port)
        with pytest.raises(OSError):  # held: nobody can take it meanwhile
            _bind_elsewhere(port)
        endpoint.set_mode(Mode.SUCCEED)
        assert endpoint.port == port
        assert _post(port) == 200  # listening again, on the same port
        endpoint.set_mode(Mode.REFUSE)
        with pytest.raises(ConnectionRefusedError):
            _connect(port)
    _bind_elsewhere(port)  # stop() lets go of it
