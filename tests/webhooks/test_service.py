"""The background sender started as ``pollserver serve`` starts it, to the local receiver
of ``pollserver webhooks receive`` (plain http on loopback, as ``make run`` allows)."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from pollserver import create_app
from pollserver.editor import jams as editor
from pollserver.editor import webhooks as hooks
from pollserver.web.context import services_of
from pollserver.webhooks.receiver import serve_receiver
from pollserver.webhooks.service import start_webhook_sender
from tests.mail.helpers import AT, Clock, arrange


@pytest.fixture
def local_receiver():
    lines: list[str] = []
    got = threading.Event()

    def echo(line: str) -> None:
        lines.append(line)
        got.set()

    servers = []

    def start(secret: str | None):
        server = serve_receiver(0, secret, echo)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}/in", lines, got

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_serve_thread_delivers_to_the_local_receiver(settings, local_receiver):
    app = create_app(replace(settings, webhooks_allow_http=True, webhooks_allow_private=True))
    store = services_of(app).store
    clock = Clock()
    services_of(app).clock = clock
    arrange(store)
    url, lines, got = local_receiver(None)  # signatures are checked in test_delivery.py
    endpoint = hooks.add(store, "ed", url, ["jam.closed"], at=AT, allow_http=True)
    editor.close_early(store, "ed", "j", at=AT)
    thread = start_webhook_sender(app, interval=0.05)
    try:
        assert got.wait(10)
    finally:
        thread.stopped.set()  # type: ignore[attr-defined]
        thread.join(5)
        store.close()
    [line] = lines
    assert line.startswith(store.list_events()[0].id) and '"type":"jam.closed"' in line
    [attempt] = store.list_attempts(endpoint.id)
    assert attempt.ok and attempt.status == 204
