"""Text fields take valid Unicode only, on every store (issue 11 items 1 and 5).

A lone surrogate, a NUL or a control character in any reader or editor text field is a 400
``bad_request`` naming the field; nothing is stored, and every page that lists the item keeps
answering. Line ends from a textarea are kept as newlines and text is stored in NFC.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask

from pollserver.web.context import services_of
from tests.conftest import ORIGIN
from tests.security import stores
from tests.security.conftest import seed

any_app = stores.any_app  # the fixture: this app on each backend

HOSTILE = {
    "surrogate": "\ud800",
    "nul": "a\x00b",
    "escape": "a\x1b[31mred",
    "bell": "ding\x07",
    "c1": "a\x85b",
    "del": "a\x7fb",
}


def _post(client, path: str, body: dict) -> object:
    return client.post(path, data=json.dumps(body), content_type="application/json",
                       headers={"Origin": ORIGIN})


@pytest.mark.parametrize("field", ["title", "body", "author"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_idea_fields_refuse_invalid_text(any_app: Flask, field: str, name: str) -> None:
    ids = seed(services_of(any_app).store)
    client = any_app.test_client()
    idea = {"title": "A fine title", "body": "fine", "author": "Ann", field: HOSTILE[name]}
    if field == "title":
        idea[field] = "A fine title " + HOSTILE[name]
    response = _post(client, f"/api/jams/{ids['jam_id']}/ideas", idea)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["field"] == field
    assert field in error["message"]
    assert [i.title for i in services_of(any_app).store.list_ideas("j")] == [
        "Seed idea"]
    for page in ("/api/jams/j", "/jams/j", "/champions", "/api/champions"):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("name", list(HOSTILE))
def test_survey_comment_refuses_invalid_text(any_app: Flask, name: str) -> None:
    seed(services_of(any_app).store)
    client = any_app.test_client()
    response = _post(client, "/api/surveys/s/responses",
                     {"score": 9, "comment": HOSTILE[name]})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "comment"
    assert services_of(any_app).store.list_responses("s") == []


def test_form_posts_keep_line_ends_and_store_nfc(any_app: Flask) -> None:
    store = services_of(any_app).store
    seed(store)
    client = any_app.test_client()
    response = client.post("/api/jams/j/ideas", headers={"Origin": ORIGIN}, data={
        "title": "Cafe\u0301 refills", "body": "line one\r\nline\ttwo", "author": "Zoe"})
    assert response.status_code == 303
    idea = next(i for i in store.list_ideas("j") if i.title != "Seed idea")
    assert idea.title == "Caf\u00e9 refills"
    assert idea.body == "line one\nline\ttwo"


def test_form_post_with_nul_is_refused(any_app: Flask) -> None:
    seed(services_of(any_app).store)
    client = any_app.test_client()
    response = client.post("/api/surveys/s/responses", headers={"Origin": ORIGIN},
                           data={"score": "9", "comment": "hi\x00there"})
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_request", "field": "comment",
        "message": "comment must be plain text; it contains a NUL character (U+0000)."}
    assert services_of(any_app).store.list_responses("s") == []


NOTHING = {"error": {"code": "not_found", "message": "There is nothing at this address."}}


@pytest.mark.parametrize("path, status, expected", [
    ("/api/polls/%00", 404, NOTHING), ("/jams/a%00b", 404, NOTHING),
    ("/api/polls/p%1b", 404, NOTHING),
    ("/api/jams/%ED%A0%80", 404, "not_found"),
    ("/api/jams/j/similar?title=%00%ED%A0%80", 200, {"similar": []}),
    ("/api/jams/j?sort=%00", 200, "top"),
    ("/admin/login?next=/%00", 200, 'name="next" value="/admin/"')])
def test_hostile_paths_and_queries_never_fail(any_app: Flask, path: str, status: int,
                                              expected: object) -> None:
    seed(services_of(any_app).store)
    response = any_app.test_client().get(path)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert "\x00" not in text and "\x1b" not in text
    if isinstance(expected, dict):
        assert response.get_json() == expected
    elif expected == "not_found":  # an id nobody has: named back only as replacement marks
        assert response.get_json()["error"]["code"] == "not_found"
    elif expected == "top":  # a sort nobody asked for falls back to the default order
        assert response.get_json()["sort"] == "top"
        assert [i["title"] for i in response.get_json()["ideas"]] == ["Seed idea"]
    else:
        assert expected in text


def test_nested_json_is_a_400(any_app: Flask) -> None:
    seed(services_of(any_app).store)
    client = any_app.test_client()
    for path in ("/api/polls/p/vote", "/api/jams/j/ideas", "/api/surveys/s/responses"):
        response = client.post(path, data="[" * 5000 + "]" * 5000,
                               content_type="application/json", headers={"Origin": ORIGIN})
        assert response.status_code == 400, path
        assert response.get_json()["error"]["code"] == "bad_request"
        deep = {"choices": json.loads("[" * 40 + "]" * 40)}
        response = _post(client, path, deep)
        assert response.status_code == 400, path
        assert response.get_json()["error"]["code"] == "bad_request"
        assert "nests deeper than 16 levels" in response.get_json()["error"]["message"]
    store = services_of(any_app).store
    assert store.tally("p").total == 0 and store.list_responses("s") == []
    assert [i.title for i in store.list_ideas("j")] == ["Seed idea"]


def test_votes_with_valid_text_still_count(any_app: Flask) -> None:
    store = services_of(any_app).store
    seed(store)
    client = any_app.test_client()
    response = _post(client, "/api/polls/p/vote", {"choices": ["monday"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert store.tally("p").counts == {"monday": 1}
    response = _post(client, "/api/jams/j/ideas", {
        "title": "Emoji \U0001f600 and \u202eRTL", "body": "zero\u200bwidth", "author": "\u05d0"})
    assert response.status_code == 201
    # Emoji and Hebrew are text; the title loses its bidi override (a format character,
    # issue 24), the body keeps its zero-width space.
    assert {k: response.get_json()[k] for k in ("title", "body", "author")} == {
        "title": "Emoji \U0001f600 and RTL", "body": "zero\u200bwidth", "author": "\u05d0"}
    idea = next(i for i in store.list_ideas("j") if i.title != "Seed idea")
    assert (idea.title, idea.body, idea.author) == (
        "Emoji \U0001f600 and RTL", "zero\u200bwidth", "\u05d0")
