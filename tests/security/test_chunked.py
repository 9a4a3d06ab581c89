"""Every body is checked the same way whatever its framing (issue 24 item 6).

A request sent with ``Transfer-Encoding: chunked`` has no ``Content-Length``. The input check
once returned early for such a request, so a lone surrogate in an e-mail address reached the
store and then stopped the mail sender. Here each hostile body goes both ways, through the
test client (the WSGI server's view of a chunked body: no length, input terminated) and
through a real ``pollserver serve`` over a socket, and must get the same 4xx as ever.
"""

from __future__ import annotations

import http.client
import io
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask

from pollserver.web.context import services_of
from tests.conftest import ORIGIN
from tests.live_server import cli
from tests.security.conftest import seed, server_env, write_manifest

FOLLOW = "/api/follows"
SURROGATE_EMAIL = '{"kind": "jam", "id": "j", "email": "a\\ud800b@example.org"}'
DEEP = '{"kind": "jam", "id": "j", "email": ' + "[" * 5000 + "]" * 5000 + "}"
TOO_LARGE = '{"kind": "jam", "id": "j", "email": "' + "a" * 40_000 + '@example.org"}'
NUL_FORM = "kind=jam&id=j&email=a%00b%40example.org"
GOOD = '{"kind": "jam", "id": "j", "email": "ann@example.org"}'

#: (name, content type, body, status, error code)
CASES = [
    ("surrogate", "application/json", SURROGATE_EMAIL, 400, "bad_request"),
    ("deep", "application/json", DEEP, 400, "bad_request"),
    ("too-large", "application/json", TOO_LARGE, 413, "too_large"),
]


def _chunks(body: bytes, size: int = 7) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _post(app: Flask, content_type: str, body: str, framing: str):
    client = app.test_client()
    data = body.encode("utf-8", "surrogatepass")
    headers = {"Origin": ORIGIN, "Content-Type": content_type}
    if framing == "length":
        return client.post(FOLLOW, data=data, headers=headers)
    # What gunicorn hands the app for a chunked body: no length, a terminated stream.
    return client.post(FOLLOW, input_stream=io.BytesIO(data),
                       headers={**headers, "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def _nothing_stored(app: Flask) -> None:
    store = services_of(app).store
    assert store.list_events(types=("follow.requested",), limit=10) == []
    assert store.list_deliveries("mail.confirm") == []


@pytest.mark.parametrize("framing", ["length", "chunked"])
@pytest.mark.parametrize(("name", "content_type", "body", "status", "code"), CASES,
                         ids=[c[0] for c in CASES])
def test_hostile_bodies_get_the_same_answer_whatever_the_framing(
        app, framing, name, content_type, body, status, code):
    seed(services_of(app).store)
    response = _post(app, content_type, body, framing)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code
    _nothing_stored(app)


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_form_with_a_nul_is_refused_whatever_the_framing(app, framing):
    seed(services_of(app).store)
    response = _post(app, "application/x-www-form-urlencoded", NUL_FORM, framing)
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_request", "field": "email",
        "message": "email must be plain text; it contains a NUL character (U+0000)."}
    _nothing_stored(app)


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_good_chunked_body_is_read_whole(app, framing):
    seed(services_of(app).store)
    response = _post(app, "application/json", GOOD, framing)
    assert response.status_code == 202, response.get_data(as_text=True)
    [event] = services_of(app).store.list_events(types=("follow.requested",),
                                                              limit=10)
    assert event.data["kind"] == "jam" and event.data["id"] == "j"


def _raw_post(url: str, body: bytes, content_type: str) -> tuple[int, dict]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("POST", FOLLOW, body=_chunks(body), encode_chunked=True, headers={
            "Origin": url, "Content-Type": content_type, "Transfer-Encoding": "chunked"})
        response = conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw.startswith(b"{") else {}
    finally:
        conn.close()


def test_chunked_bodies_through_the_real_server(tmp_path, start_server):
    data = tmp_path / "var"
    env = server_env(data, POLLSERVER_RATE_LIMITS="off")
    cli(data, "sync", "--manifest", str(write_manifest(tmp_path / "manifest.json")),
        POLLSERVER_RATE_LIMITS="off")
    server = start_server(env)
    for name, content_type, body, status, code in CASES:
        got, answer = _raw_post(server.url, body.encode("utf-8", "surrogatepass"),
                                content_type)
        assert got == status, (name, answer)
        if status != 413:  # a body cut off at the cap may not leave time for a JSON answer
            assert answer["error"]["code"] == code, name
    got, answer = _raw_post(server.url, NUL_FORM.encode(), "application/x-www-form-urlencoded")
    assert got == 400 and answer["error"]["field"] == "email"
    got, answer = _raw_post(server.url, GOOD.encode(), "application/json")
    assert (got, answer) == (202, {"status": "confirmation_sent"})
