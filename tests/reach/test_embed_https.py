"""Over HTTPS the iframe's no-JS form keeps its voter in a partitioned cookie (CHIPS): a
cookie the browser keeps per embedding site, which a third-party frame may still set."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pollserver.config import Settings
from tests.conftest import make_item

HTTPS = {"headers": {"Origin": "https://localhost"}, "base_url": "https://localhost"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, https="on", embed_origins=("https://shop.example",))


def test_iframe_form_sets_a_partitioned_cookie(client, store):
    store.sync_items([make_item("poll", id="p", question="Q?", options=["monday", "friday"])])
    done = client.post("/embed/poll/p", data={"choices": "monday"}, **HTTPS)
    assert done.status_code == 200, done.data
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith("__Host-vh_voter=")
    for part in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/"):
        assert part in cookie
    again = client.post("/api/polls/p/vote", json={"choices": ["monday"]}, **HTTPS)
    assert again.status_code == 409  # the cookie names the same voter
    assert store.tally("p").total == 1
    hub = client.application.test_client().post("/api/polls/p/vote", json={"choices": ["friday"]},
                                                **HTTPS)
    assert "Partitioned" not in hub.headers["Set-Cookie"]  # the hub's own cookie stays Lax
    assert "SameSite=Lax" in hub.headers["Set-Cookie"]
