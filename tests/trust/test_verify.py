"""Verified customers: ``POST /api/verify`` with a valid, expired, wrong-audience and forged
token, ``voters: verified`` on all three stores, an RS256 key, and erase."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from flask import Flask

from pollserver import create_app
from pollserver.web.context import services_of
from tests.conftest import ORIGIN, Clock, VoterActions, make_item
from tests.security.stores import BACKENDS, _drop, make_settings

SECRET = "brand-shared-secret-of-enough-length"
AUDIENCE = "http://localhost"


@pytest.fixture(params=BACKENDS)
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on each store, with a verify key, a verified-only jam and poll."""
    settings, schema = make_settings(request.param, tmp_path, verify_key=SECRET)
    app = create_app(settings)
    services_of(app).clock = Clock()
    services_of(app).store.sync_items([
        make_item("jam", id="vip", title="Customers only", voters="verified"),
        make_item("poll", id="vp", question="Which?", options=["a", "b"], voters="verified")])
    try:
        yield app
    finally:
        services_of(app).store.close()
        if schema:
            _drop(schema)


def token(app: Flask, *, key: str = SECRET, aud: str = AUDIENCE, minutes: int = 10,
          sub: str = "customer-42", algorithm: str = "HS256") -> str:
    exp = services_of(app).clock() + timedelta(minutes=minutes)  # type: ignore[operator]
    return jwt.encode({"sub": sub, "aud": aud, "exp": int(exp.timestamp())}, key,
                      algorithm=algorithm)


def _vote(actor: VoterActions):
    return actor.post("/api/polls/vp/vote", json={"choices": ["a"]})


def test_only_a_verified_voter_votes(shop: Flask) -> None:
    actor = VoterActions(shop.test_client())
    refused = _vote(actor)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "verification_required"
    idea = actor.post("/api/jams/vip/ideas", json={"title": "Only for customers"})
    assert idea.status_code == 403
    assert actor.post("/api/verify", json={"token": token(shop)}).get_json() == {
        "verified": True}
    assert _vote(actor).status_code == 200
    assert actor.post("/api/jams/vip/ideas", json={"title": "Only for customers"}
                      ).status_code == 201
    store = services_of(shop).store
    (voter,) = store.verified_voters()
    assert "customer-42" not in str(store.voter_data(voter))


@pytest.mark.parametrize("bad", ["expired", "audience", "forged", "garbage"])
def test_bad_tokens_verify_nobody(shop: Flask, bad: str) -> None:
    made = {"expired": lambda: token(shop, minutes=-1),
            "audience": lambda: token(shop, aud="https://elsewhere.example"),
            "forged": lambda: token(shop, key="not-the-brand-secret-but-long-enough"),
            "garbage": lambda: "not.a.jwt"}[bad]()
    actor = VoterActions(shop.test_client())
    answer = actor.post("/api/verify", json={"token": made})
    assert answer.status_code == 403
    assert _vote(actor).status_code == 403
    assert services_of(shop).store.verified_voters() == frozenset()


def test_erase_forgets_the_mark(shop: Flask) -> None:
    actor = VoterActions(shop.test_client())
    actor.post("/api/verify", json={"token": token(shop)})
    assert actor.delete("/api/me").status_code == 200
    assert services_of(shop).store.verified_voters() == frozenset()


def test_the_page_explains_and_takes_a_token_without_javascript(shop: Flask) -> None:
    client = shop.test_client()
    page = client.get("/verify?token=" + token(shop)).get_data(as_text=True)
    assert "Verified customers" in page and 'action="/api/verify"' in page
    sent = client.post("/api/verify", data={"token": token(shop)}, headers={"Origin": ORIGIN})
    assert sent.status_code == 303 and sent.location.endswith("/verify?done=1")
    assert "This browser is verified" in client.get("/verify?done=1").get_data(as_text=True)


def test_an_rs256_public_key(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    settings, _ = make_settings("memory", tmp_path, verify_key=public)
    app = create_app(settings)
    services_of(app).clock = Clock()
    actor = VoterActions(app.test_client())
    good = token(app, key=private, algorithm="RS256")  # type: ignore[arg-type]
    assert actor.post("/api/verify", json={"token": good}).status_code == 200
    services_of(app).store.close()


def test_the_readme_example_makes_a_link_that_verifies(shop: Flask) -> None:
    """README's ten-line Python example, run as written (its hub and secret swapped in)."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Verified customers", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    code = code.replace('"https://hub.example"', repr(AUDIENCE)).replace(
        '"the same value as POLLSERVER_VERIFY_KEY"', repr(SECRET))
    # The example signs with the wall clock, as the shop's server would; here its clock is
    # the hub's (the instant under test), so the test never reads the machine's date.
    now = services_of(shop).clock()  # type: ignore[operator]
    code = code.replace("int(time.time())", str(int(now.timestamp())))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own example
    link = namespace["verify_link"]("customer-7")
    client = shop.test_client()
    page = client.get(link.removeprefix(AUDIENCE)).get_data(as_text=True)
    posted = re.search(r'name="token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    actor = VoterActions(client)
    assert _vote(actor).status_code == 403
    assert actor.client.post("/api/verify", data={"token": posted},
                             headers={"Origin": ORIGIN}).status_code == 303
    assert _vote(actor).status_code == 200


def test_the_embed_and_newsletter_forms_are_verified_only_too(shop: Flask) -> None:
    """Every way of voting checks ``voters: verified``: the iframe's plain form and the
    newsletter's confirm page as well as the API."""
    client = shop.test_client()
    headers = {"Origin": AUDIENCE}
    embed = client.post("/embed/poll/vp", data={"choices": "a"}, headers=headers)
    assert embed.status_code == 403
    letter = client.post("/vote/poll/vp", data={"choices": "a", "r": "subscriber-7"},
                         headers=headers)
    assert letter.status_code == 403
    assert services_of(shop).store.tally("vp").total == 0
