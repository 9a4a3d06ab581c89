"""pollserver as the embedded web server: static files, cache headers, security headers,
and the outcome of a no-JS vote written into the article's status slot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.conftest import ORIGIN, make_item

ARTICLE = """<!doctype html><html><body><main>
<form method="post" action="/api/polls/day/vote" id="poll-day">
<div class="engage-status" role="status"><!-- engage-status poll day --></div>
</form></main></body></html>"""


@pytest.fixture
def site_app(tmp_path: Path):
    site = tmp_path / "output"
    (site / "news").mkdir(parents=True)
    (site / "theme" / "css").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Home</title>")
    (site / "404.html").write_text("<!doctype html><title>Not found</title>")
    (site / "news" / "day.html").write_text(ARTICLE)
    (site / "theme" / "css" / "main.css").write_text("body{}")
    (site / "theme" / "css" / "main.3f2a9c1b7d.css").write_text("body{}")
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=site, rate_limits="off",
                              secret_key="k", extra={"store": "memory"}))
    services_of(app).store.sync_items([make_item(
        "poll", url="/news/day.html", id="day", question="Which day?",
        options=["Monday", "Saturday"])])
    yield app
    services_of(app).store.close()


def test_health_reports_store(site_app):
    response = site_app.test_client().get("/api/health")
    body = response.get_json()
    assert body == {"status": "ok", "store": "memory", "worker": body["worker"],
                    "warnings": [], "jobs": body["jobs"]}
    # No job ran in this process (tests start none): each says so; no publish command: off.
    assert {name: job["status"] for name, job in body["jobs"].items()} == {
        "closings": "never", "mail": "never", "webhooks": "never", "publish": "off"}
    assert response.headers["X-Worker"] == body["worker"]
    assert len(body["worker"]) == 8 and str(os.getpid()) not in body["worker"]


def test_default_store_is_tinydb(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, site_dir=None, secret_key="k"))
    try:
        assert app.test_client().get("/api/health").get_json()["store"] == "tinydb"
    finally:
        services_of(app).store.close()


@pytest.mark.parametrize("path", ["/api/nope", "/api/polls/day/nope", "/api/"])
def test_unknown_api_path_is_json_404(site_app, path):
    response = site_app.test_client().get(path, buffered=True)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_html_is_revalidated_and_has_security_headers(site_app):
    response = site_app.test_client().get("/", buffered=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in response.headers
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_revalidation_answers_304(site_app):
    client = site_app.test_client()
    etag = client.get("/news/day.html", buffered=True).headers["ETag"]
    again = client.get("/news/day.html", headers={"If-None-Match": etag}, buffered=True)
    assert again.status_code == 304


def test_hashed_assets_are_immutable_and_others_revalidate(site_app):
    client = site_app.test_client()
    hashed = client.get("/theme/css/main.3f2a9c1b7d.css", buffered=True)
    assert "immutable" in hashed.headers["Cache-Control"]
    plain = client.get("/theme/css/main.css", buffered=True)
    assert "immutable" not in plain.headers["Cache-Control"]
    assert "must-revalidate" in plain.headers["Cache-Control"]


def test_directory_and_missing_pages(site_app):
    client = site_app.test_client()
    assert client.get("/news/day", buffered=True).status_code == 200
    missing = client.get("/no/such/page.html", buffered=True)
    assert missing.status_code == 404 and b"Not found" in missing.data
    assert client.get("/../secret", buffered=True).status_code == 404


def test_no_js_vote_outcome_is_shown_once_in_the_article(site_app):
    client = site_app.test_client()
    response = client.post("/api/polls/day/vote", data={"choices": "saturday"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"] == "/news/day.html#poll-day"
    page = client.get("/news/day.html", buffered=True)
    html = page.get_data(as_text=True)
    assert "Thanks, your vote counted." in html
    assert "<table" in html and "Saturday" in html and "your choice" in html
    assert page.headers["Cache-Control"] == "no-store"
    again = client.get("/news/day.html", buffered=True).get_data(as_text=True)
    assert "Thanks, your vote counted." not in again


def test_no_js_error_outcome_is_shown(site_app):
    client = site_app.test_client()
    client.post("/api/polls/day/vote", data={"choices": "saturday"}, headers={"Origin": ORIGIN})
    client.get("/news/day.html", buffered=True)
    client.post("/api/polls/day/vote", data={"choices": "monday"}, headers={"Origin": ORIGIN})
    html = client.get("/news/day.html", buffered=True).get_data(as_text=True)
    assert "already voted" in html
    assert services_of(site_app).store.tally("day").counts == {"saturday": 1}


def test_forged_flash_cookie_is_ignored(site_app):
    client = site_app.test_client()
    client.set_cookie("vh_flash", "forged.value")
    html = client.get("/news/day.html", buffered=True).get_data(as_text=True)
    assert "<!-- engage-status poll day -->" in html


def test_server_pages_use_the_sites_frame(site_app, tmp_path):
    frame = ("<!doctype html><title><!--pollserver:title--> · Hub</title>"
             "<nav class='site-nav'>N</nav><main><!--pollserver:main--></main><footer>F</footer>")
    (tmp_path / "output" / "engage").mkdir()
    (tmp_path / "output" / "engage" / "shell.html").write_text(frame)
    html = site_app.test_client().get("/me", buffered=True).get_data(as_text=True)
    assert html.startswith("<!doctype html><title>Your data · Hub</title>")
    assert "class='site-nav'" in html and "<h1>Your data</h1>" in html
    assert html.count("<!doctype") == 1


def test_server_pages_without_a_built_site_get_a_plain_frame(app):
    html = app.test_client().get("/me", buffered=True).get_data(as_text=True)
    assert "<title>Your data</title>" in html and "<h1>Your data</h1>" in html


def test_relative_site_dir_is_served_from_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "index.html").write_text("<!doctype html><title>Home</title>")
    monkeypatch.chdir(tmp_path)
    app = create_app(Settings(data_dir=Path("var"), site_dir=Path("output"), secret_key="k",
                              extra={"store": "memory"}))
    response = app.test_client().get("/", buffered=True)
    assert response.status_code == 200 and b"Home" in response.data


@pytest.mark.parametrize("path", ["/ideas/day/99", "/jams/nope", "/champions/nobody-at-all",
                                  "/ideas/nope/1"])
def test_missing_server_pages_get_the_sites_own_404(site_app, path):
    response = site_app.test_client().get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html" and b"<title>Not found</title>" in response.data


def test_missing_admin_page_is_an_admin_page(site_app):
    from tests.editors import sign_in_editor

    client, _ = sign_in_editor(site_app, services_of(site_app).store)
    response = client.get("/admin/jams/nope")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert b"Back to the dashboard" in response.data
    assert client.get("/api/admin/jams/nope").get_json()["error"]["code"] == "not_found"


def test_pages_flask_sends_go_out_compressed_when_the_browser_takes_it(site_app):
    """A page holding a jam block is sent by Flask (its phase may need rewriting); it must
    still use the build's brotli/gzip copies, as the static layer does for every other file."""
    import brotli

    site = Path(services_of(site_app).settings.site_dir)
    page = ('<!doctype html><title>Jam</title><section class="engage-block engage-jam" '
            'id="jam-none" data-engage-phase="closed"></section>' + "<p>words</p>" * 200)
    (site / "news" / "jam.html").write_text(page)
    (site / "news" / "jam.html.br").write_bytes(brotli.compress(page.encode()))
    client = site_app.test_client()
    packed = client.get("/news/jam.html", headers={"Accept-Encoding": "gzip, br"},
                        buffered=True)
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data).decode() == page
    assert packed.mimetype == "text/html" and "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Cache-Control"] == "no-cache"
    plain = client.get("/news/jam.html", headers={"Accept-Encoding": "identity"},
                       buffered=True)
    assert "Content-Encoding" not in plain.headers and plain.data.decode() == page
    assert plain.headers["ETag"] != packed.headers["ETag"]
