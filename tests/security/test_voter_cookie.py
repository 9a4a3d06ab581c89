"""The voter cookie's lighter signature (128-bit HMAC) and the older full one both verify;
anything altered, cut or signed with another key does not."""

from __future__ import annotations

import base64
import hmac

from flask import Flask

from pollserver.web.identity import (
    COOKIE_PLAIN,
    FULL_SIG,
    SHORT_SIG,
    _signer,
    sign_voter,
    verify_voter,
)


def test_short_signature_round_trips(app: Flask) -> None:
    with app.test_request_context():
        value = sign_voter("voter-1")
        assert len(value.rpartition(".")[2]) == SHORT_SIG
        assert verify_voter(value) == "voter-1"


def test_cookies_signed_before_still_verify(app: Flask) -> None:
    with app.test_request_context():
        legacy = _signer().sign("voter-2").decode()
        assert len(legacy.rpartition(".")[2]) == FULL_SIG
        assert verify_voter(legacy) == "voter-2"


def test_altered_cut_or_foreign_values_are_refused(app: Flask) -> None:
    with app.test_request_context():
        value = sign_voter("voter-3")
        voter, _, sig = value.rpartition(".")
        flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
        for bad in (f"voter-4.{sig}", f"{voter}.{flipped}", f"{voter}.{sig[:-1]}", voter,
                    f".{sig}", f"{voter}.{sig}x", f"é.{sig}", "\ud800." + sig):
            assert verify_voter(bad) is None, bad
        foreign = hmac.digest(b"another key", b"voter-5", "sha256")
        for sig in (foreign[:16], foreign):
            assert verify_voter("voter-5." + base64.urlsafe_b64encode(sig).rstrip(b"=")
                                .decode()) is None


def test_a_vote_sets_the_short_cookie_and_it_identifies_the_voter(client) -> None:
    from pollserver.web.context import services_of
    from tests.conftest import make_item

    services_of(client.application).store.sync_items(
        [make_item("poll", id="p", question="Which?", options=["a", "b"])])
    origin = {"Origin": "http://localhost"}
    first = client.post("/api/polls/p/vote", json={"choices": ["a"]}, headers=origin)
    assert first.status_code == 200
    cookie = client.get_cookie(COOKIE_PLAIN)
    assert cookie is not None and len(cookie.value.rpartition(".")[2]) == SHORT_SIG
    again = client.post("/api/polls/p/vote", json={"choices": ["b"]}, headers=origin)
    assert again.status_code == 409  # the same voter: one vote per voter
