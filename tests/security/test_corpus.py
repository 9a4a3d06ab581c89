"""The hostile-input corpus through every text field of the OpenAPI document, on every store
(issue 11, Tests): no request is a 500, and afterwards every public page, admin page and
export answers, parses, and holds no element or attribute that a payload produced.

The static-site rebuild with hostile winners is checked by the theme's own escaping tests
(issue 11 item 2); here the server's pages and exports are covered.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from pollserver.api.openapi import __file__ as _openapi_module
from pollserver.web.context import services_of
from tests.admin.conftest import EditorActions, password_hash
from tests.conftest import ORIGIN, make_item
from tests.instant import TEST_NOW
from tests.security import stores

any_app = stores.any_app  # the fixture: this app on each backend

CORPUS = Path(__file__).with_name("corpus") / "payloads.json"
OPENAPI = Path(_openapi_module).with_name("openapi.json")
PAYLOADS: list[str] = [p for group in json.loads(CORPUS.read_text()).values() for p in group]
MARKER = "pwned"
URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}

#: A valid body per operation; the field under test is replaced by each payload.
VALID: dict[str, dict[str, Any]] = {
    "/api/polls/{poll_id}/vote": {"choices": ["monday"]},
    "/api/jams/{jam_id}/ideas": {"title": "A fine idea", "body": "Body", "author": "Ann"},
    "/api/jams/{jam_id}/ideas/{idea_id}/vote": {},
    "/api/surveys/{survey_id}/responses": {"score": 9, "comment": "fine"},
    "/api/claims/{claim_id}": {},
    "/api/admin/jams/{jam_id}/ideas/{idea_id}/{action}": {"status": "planned"},
    "/api/admin/jams/{jam_id}/winners": {"ideas": []},
    "/api/admin/champions": {"idea": "1"},
    "/api/admin/profiles/{slug}": {"hidden": False, "merged_into": None},
}


def _text_fields(schema: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """Yield (property, is_list) for every string or list-of-strings property."""
    for name, prop in schema.get("properties", {}).items():
        types = prop.get("type")
        types = types if isinstance(types, list) else [types]
        if "string" in types:
            yield name, False
        elif "array" in types and prop.get("items", {}).get("type") == "string":
            yield name, True


def operations() -> list[tuple[str, str, bool]]:
    """Return (path template, field, is_list) for every text field of every POST body."""
    doc = json.loads(OPENAPI.read_text())
    found = []
    for path, ops in doc["paths"].items():
        post = ops.get("post")
        if not post:
            continue
        content = post.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        fields = list(_text_fields(schema)) or [("note", False)]  # an unexpected field
        found += [(path, name, is_list) for name, is_list in fields]
    return found


def test_the_corpus_reaches_every_documented_write() -> None:
    paths = {path for path, _, _ in operations()}
    assert set(VALID) <= paths, set(VALID) - paths
    assert {"title", "body", "author", "comment", "choices", "status", "into"} <= {
        f for _, f, _ in operations()}


class _Markup(HTMLParser):
    """Collect what a payload could have produced: handlers, script URLs, refreshes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        if MARKER in tag:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on") or MARKER in name:
                self.found.append(f"<{tag} {name}>")
            own_profile = tag == "a" and re.fullmatch(r"/champions/[a-z0-9-]+", text)
            if name in URL_ATTRS and (text.startswith(("javascript:", "data:text", "vbscript:"))
                                      or MARKER in text and tag in ("base", "iframe", "a")
                                      and not own_profile):  # a slug made from a name
                self.found.append(f"<{tag} {name}={text[:40]}>")
            if tag == "meta" and name == "http-equiv":
                content = dict(attrs).get("content") or ""
                if MARKER in content:
                    self.found.append("<meta http-equiv>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] in ("script", "style") and MARKER in data:
            self.found.append(f"<{self._in[-1]}> text")


def _injected(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.found


def _seed(app: Flask) -> dict[str, str]:
    store = services_of(app).store
    store.sync_items([
        make_item("poll", id="p", question="Which day?", options=["Monday", "Friday"],
                  reward="pool"),
        make_item("jam", id="j", title="Ideas", votes_per_person=0),
        make_item("survey", id="s"),
        make_item("claim", id="c", pool="pool", closes="2099-12-31T23:59:00Z")])
    store.add_codes("pool", [f"C{n}" for n in range(10)])
    store.put_admin("editor", password_hash())
    ideas = [store.add_idea("j", title=f"Seed idea {n}", body="", author=None, voter_id=None,
                            moderation="published", at=TEST_NOW) for n in range(2)]
    return {"poll_id": "p", "jam_id": "j", "survey_id": "s", "claim_id": "c",
            "idea_id": ideas[0].id,
            "action": "status", "slug": "ann"}


def _form(body: dict[str, Any]) -> bytes:
    pairs = []
    for key, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, str(item).encode("utf-8", "surrogatepass")))
    return urlencode(pairs).encode()


def _send_everything(app: Flask, ids: dict[str, str]) -> list[str]:
    """Post every payload into every field; return the requests that answered 5xx."""
    editor = EditorActions(app.test_client())
    assert editor.login().status_code == 302
    token = editor.client.get("/admin/session.json").get_json()["csrf_token"]
    failures = []
    for template, field, is_list in operations():
        admin = template.startswith("/api/admin")
        path = template.format(**ids)
        for n, payload in enumerate(PAYLOADS):
            body = {**VALID.get(template, {}), field: [payload] if is_list else payload}
            if field == "into":
                body.pop("status", None)
                path = template.format(**{**ids, "action": "merge"})
            client = editor.client if admin else app.test_client()
            headers = {"Origin": ORIGIN, "X-CSRF-Token": token}
            data = json.dumps(body).encode()
            response = client.post(path, data=data, content_type="application/json",
                                   headers=headers)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} JSON {path} {field}={payload[:30]!r}")
            if not admin and n % 2 == 0:  # every other payload as a no-JS form too
                response = client.post(path, data=_form(body), headers=headers,
                                       content_type="application/x-www-form-urlencoded")
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} form {path} "
                                    f"{field}={payload[:30]!r}")
        # Hostile path parameters too.
        for payload in ("%00", "%ED%A0%80", "%E2%80%AE", "x" * 300, "..%2F..%2Fetc"):
            response = (editor.client if admin else app.test_client()).post(
                template.format(**{k: payload for k in ids}), json={},
                headers={"Origin": ORIGIN, "X-CSRF-Token": token})
            if response.status_code >= 500:
                failures.append(f"{response.status_code} path {template} {payload[:20]}")
    return failures


def _pages(app: Flask) -> dict[str, str]:
    editor = EditorActions(app.test_client())
    assert editor.login().status_code == 302
    store = services_of(app).store
    reader = app.test_client()
    pages = {}
    for path in ("/jams/j", "/champions", "/me", "/api/jams/j", "/api/jams/j?sort=new",
                 "/api/champions", "/api/jams/j/champions", "/api/polls/p", "/api/surveys/s",
                 "/api/jams/j/similar?title=pwned"):
        response = reader.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[path] = response.get_data(as_text=True)
    admin_paths = ["/admin/", "/admin/jams/j", "/admin/answers", "/admin/rewards",
                   "/admin/exports", "/admin/audit", "/api/admin/jams/j"]
    for what in ("polls", "jams", "surveys", "audit", "open-data"):
        admin_paths += [f"/admin/exports/{what}.csv", f"/admin/exports/{what}.json"]
    for path in admin_paths:
        response = editor.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[path] = response.get_data(as_text=True)
    assert store.list_ideas("j")  # the corpus left ideas to show
    return pages


def test_hostile_corpus_through_every_text_field(any_app: Flask) -> None:
    ids = _seed(any_app)
    failures = _send_everything(any_app, ids)
    assert failures == []
    store = services_of(any_app).store
    # Pick hostile ideas as winners and close the jam, so winners are shown too.
    ideas = [i for i in store.list_ideas("j") if i.moderation == "published"]
    hostile = [i for i in ideas if MARKER in i.title or MARKER in (i.author or "")]
    assert hostile, "no hostile idea was accepted, so the pages test nothing"
    for idea in hostile[:3]:
        store.update_idea(idea.id, winner=True)
    pages = _pages(any_app)
    for path, text in pages.items():
        if path.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(text)))
            assert rows, path
            for row in rows:
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or (
                        cell.lstrip("-").replace(".", "", 1).isdigit()), (path, cell[:40])
        elif path.endswith(".json") or path.startswith("/api/"):
            json.loads(text)
        else:
            assert _injected(text) == [], path
    # Each page that lists ideas really shows the hostile text, escaped.
    assert MARKER in pages["/jams/j"] and "&lt;" in pages["/jams/j"]


def test_deeply_nested_json_everywhere(any_app: Flask) -> None:
    ids = _seed(any_app)
    editor = EditorActions(any_app.test_client())
    editor.login()
    token = editor.client.get("/admin/session.json").get_json()["csrf_token"]
    for template, _, _ in operations():
        client = editor.client if template.startswith("/api/admin") else any_app.test_client()
        for depth in (40, 5000):
            response = client.post(template.format(**ids), data="[" * depth + "]" * depth,
                                   content_type="application/json",
                                   headers={"Origin": ORIGIN, "X-CSRF-Token": token})
            assert response.status_code == 400, (template, depth, response.status_code)


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if MARKER in p][:4])
def test_hostile_admin_login_fields_never_fail(any_app: Flask, payload: str) -> None:
    _seed(any_app)
    editor = EditorActions(any_app.test_client())
    response = editor.client.post("/admin/login", data={
        "username": payload, "password": payload, "csrf_token": editor.token(),
        "next": payload})
    assert response.status_code in (302, 400, 401)


def test_the_markup_check_sees_injections() -> None:
    for html in ('<img src=x onerror="alert(\'pwned\')">', '<a href="javascript:x()">a</a>',
                 '<meta http-equiv="refresh" content="0;url=/?pwned=1">',
                 "<script>pwned()</script>", '<p title="x" onmouseover="pwned">'):
        assert _injected(html), html
    assert _injected('<p title="&lt;img onerror=pwned&gt;">&lt;script&gt;pwned</p>') == []
