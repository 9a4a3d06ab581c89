"""The client connects to the address the guard checked, never to a second DNS answer.

DNS rebinding: a name answers a harmless address to the check and another one to the
connection. Here the name ``hook.test`` resolves to 127.0.0.1 the first time and to
127.0.0.2 every time after; a receiver listens on each (both loopback: no traffic leaves
the machine). A client that resolved the name again to connect would reach the second one.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from pollserver.webhooks.client import post

NAME = "hook.test"
FIRST, LATER = "127.0.0.1", "127.0.0.2"


class _Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]) -> None:
        self.hits: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(address, Handler)


def _pair() -> tuple[_Receiver, _Receiver]:
    """Two receivers on the same port, one on each loopback address."""
    for _ in range(20):
        first = _Receiver((FIRST, 0))
        try:
            return first, _Receiver((LATER, first.server_address[1]))
        except OSError:  # that port is taken on 127.0.0.2: try another
            first.server_close()
    raise RuntimeError("no port free on both loopback addresses")


@pytest.fixture
def receivers(request) -> Iterator[tuple[_Receiver, _Receiver, ssl.SSLContext | None]]:
    first, later = _pair()
    client_ctx = None
    if request.param == "https":
        ca = trustme.CA()
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(NAME).configure_cert(server_ctx)
        for server in (first, later):
            server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
        client_ctx = ssl.create_default_context()
        ca.configure_trust(client_ctx)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (first, later)]
    for thread in threads:
        thread.start()
    yield first, later, client_ctx
    for server in (first, later):
        server.shutdown()
        server.server_close()


@pytest.fixture
def rebinding_dns(monkeypatch) -> list[str]:
    """Resolve ``hook.test`` to 127.0.0.1 once, then to 127.0.0.2; return the answers given."""
    real = socket.getaddrinfo
    given: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == NAME:
            given.append(FIRST if not given else LATER)
            host = given[-1]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return given


@pytest.mark.parametrize("receivers", ["http", "https"], indirect=True)
def test_the_post_goes_to_the_checked_address_not_a_second_answer(receivers, rebinding_dns):
    first, later, context = receivers
    scheme = "https" if context else "http"
    url = f"{scheme}://{NAME}:{first.server_address[1]}/in"
    answer = post(url, b"{}", {}, timeout=5, allow_http=True, allow_private=True,
                  context=context)
    assert answer.ok, answer.error
    assert rebinding_dns == [FIRST]  # resolved exactly once, by the guard
    assert first.hits == ["/in"] and later.hits == []
