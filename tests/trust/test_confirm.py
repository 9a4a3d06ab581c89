"""Plain forms from the static pages (no proof, no signed time) go through a confirm page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from pollserver.web.context import services_of
from tests.conftest import ORIGIN


def _post(client: FlaskClient, url: str, data: Any, lang: str | None = None):
    headers = {"Origin": ORIGIN}
    if lang:
        headers["Accept-Language"] = lang
    body = MultiDict(data) if isinstance(data, list) else data
    return client.post(url, data=body, headers=headers)


def _confirm(client: FlaskClient, app: Flask, url: str, data: Any, lang: str | None = None):
    """Post the static page's form, check the confirm page, wait 3 s, press Send."""
    first = _post(client, url, data, lang)
    assert first.status_code == 200, first.get_data(as_text=True)
    page = first.get_data(as_text=True)
    assert f'action="{url}"' in page
    fields = re.findall(r'<(?:input|textarea)[^>]*name="([^"]+)"', page)
    token = re.search(r'name="_t" value="([^"]+)"', page)
    assert token, "the confirm page carries a signed render time"
    services_of(app).clock.now += timedelta(seconds=3)  # type: ignore[attr-defined]
    again = [(name, value) for name, value in data] + [("_t", token.group(1))]
    return page, fields, _post(client, url, again, lang)


def test_an_idea_from_the_static_page_is_confirmed_and_waits(guarded: Flask) -> None:
    client = guarded.test_client()
    data = [("title", "A quieter fan"), ("body", "It hums."), ("website", ""), ("lang", "en")]
    page, fields, sent = _confirm(client, guarded, "/api/jams/j/ideas", data)
    assert "A quieter fan" in page and "It hums." in page and "Send" in page
    assert {"title", "body", "website", "lang", "_t"} <= set(fields)
    assert sent.status_code == 303
    ideas = services_of(guarded).store.list_ideas("j")
    assert [(i.title, i.moderation) for i in ideas] == [("A quieter fan", "pending")]


def test_the_confirm_post_still_needs_two_seconds(guarded: Flask) -> None:
    client = guarded.test_client()
    page = _post(client, "/api/jams/j/ideas", {"title": "Too quick"}).get_data(as_text=True)
    token = re.search(r'name="_t" value="([^"]+)"', page)
    assert token
    assert _post(client, "/api/jams/j/ideas",
                 {"title": "Too quick", "_t": token.group(1)}).status_code == 303
    assert services_of(guarded).store.list_ideas("j") == []


def test_a_survey_comment_is_confirmed(guarded: Flask) -> None:
    client = guarded.test_client()
    data = [("score", "9"), ("comment", "Great game"), ("consent_to_quote", "true")]
    page, fields, sent = _confirm(client, guarded, "/api/surveys/s/responses", data)
    assert "Great game" in page and {"score", "comment", "consent_to_quote"} <= set(fields)
    assert sent.status_code == 303
    answers = services_of(guarded).store.list_responses("s")
    assert [(a.score, a.comment) for a in answers] == [(9, "Great game")]


def test_a_survey_without_a_comment_needs_no_confirm(guarded: Flask) -> None:
    sent = _post(guarded.test_client(), "/api/surveys/s/responses", {"score": "7"})
    assert sent.status_code == 303


def test_a_follow_request_is_confirmed_in_german(guarded: Flask) -> None:
    client = guarded.test_client()
    data = [("kind", "jam"), ("id", "j"), ("email", "leser@example.org"), ("lang", "de")]
    page, fields, sent = _confirm(client, guarded, "/api/follows", data, lang="de")
    assert "Bitte bestätigen" in page and "Senden" in page and "leser@example.org" in page
    assert {"kind", "id", "email", "lang"} <= set(fields)
    assert sent.status_code == 303
    kinds = [e.type for e in services_of(guarded).store.list_events()]
    assert "follow.requested" in kinds


def test_json_without_a_solution_still_gets_proof_required(guarded: Flask) -> None:
    response = guarded.test_client().post("/api/jams/j/ideas", json={"title": "Raw call"},
                                          headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "proof_required"


def test_a_form_from_the_static_site_on_another_host_goes_back_there(tmp_path) -> None:
    from pollserver import create_app
    from tests.conftest import Clock, make_item
    from tests.trust.conftest import proof_settings

    site = "http://shop.example"
    app = create_app(proof_settings(tmp_path / "var", public_origins=(site,)))
    services_of(app).clock = Clock()
    services_of(app).store.sync_items([make_item("jam", id="j", title="What next?")])
    client = app.test_client()
    data = MultiDict([("title", "From the shop's article"), ("lang", "en")])
    page = client.post("/api/jams/j/ideas", data=data, headers={"Origin": site})
    assert f'name="_site" value="{site}"' in page.get_data(as_text=True)
    token = re.search(r'name="_t" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    services_of(app).clock.now += timedelta(seconds=3)  # type: ignore[attr-defined]
    sent = client.post("/api/jams/j/ideas", headers={"Origin": ORIGIN}, data=MultiDict(
        [*data.items(multi=True), ("_site", site), ("_t", token.group(1))]))
    assert sent.status_code == 303 and sent.headers["Location"].startswith(site + "/")
    forged = client.post("/api/jams/j/ideas", headers={"Origin": ORIGIN}, data=MultiDict(
        [("title", "Elsewhere please"), ("_site", "http://evil.example"), ("_t", "x")]))
    assert not forged.headers.get("Location", "").startswith("http://evil.example")
    services_of(app).store.close()
