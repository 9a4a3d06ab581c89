"""A real HTTPS receiver on loopback with a self-signed certificate the sender trusts."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import standardwebhooks.webhooks as spec
import trustme
from standardwebhooks import Webhook


@dataclass
class Receiver:
    """What the receiver got, and what it answers next (a status, or ``"hang"``)."""

    url: str
    context: ssl.SSLContext
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int | str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(scope="session")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def receiver(certificate_authority: trustme.CA) -> Iterator[Receiver]:
    cert = certificate_authority.issue_cert("localhost", "127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    certificate_authority.configure_trust(client_ctx)
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got = state["r"]
            headers = {k.lower(): v for k, v in self.headers.items()}
            got.received.append((dict(headers, path=self.path), body))
            answer = got.answers.pop(0) if got.answers else 204
            if answer == "hang":
                got.release.wait(10)
                return
            if answer == 302:
                self.send_response(302)
                self.send_header("Location", "https://127.0.0.1:1/elsewhere")
                self.end_headers()
                return
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    state["r"] = Receiver(url=f"https://localhost:{server.server_address[1]}/hooks",
                          context=client_ctx)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["r"]
    state["r"].release.set()
    server.shutdown()
    server.server_close()
    time.sleep(0)  # let handler threads see the release


def verify(secret: str, headers: dict[str, str], body: bytes, now: datetime,
           monkeypatch: pytest.MonkeyPatch) -> Any:
    """Verify with the Standard Webhooks reference verifier, its "now" set to ``now``."""

    class FixedNow(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return now

    with monkeypatch.context() as patch:
        patch.setattr(spec, "datetime", FixedNow)
        return Webhook(secret).verify(body, headers)
