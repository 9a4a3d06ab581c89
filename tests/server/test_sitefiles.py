"""The built site served by WhiteNoise: precompressed copies, cache rules, rebuilds while
running, and the requests that must still reach Flask."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli
import pytest

from pollserver import create_app
from pollserver.config import Settings
from pollserver.public.sitefiles import SiteFiles
from pollserver.web.context import services_of
from tests.conftest import ORIGIN, make_item

PAGE = ("<!doctype html><title>Day</title><main>" + "<p>Saturday delivery.</p>" * 50
        + '<div role="status"><!-- engage-status poll day --></div></main>')


def _write(path: Path, text: str, *, compressed: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if compressed:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(text.encode()))
        path.with_name(path.name + ".br").write_bytes(brotli.compress(text.encode()))


def _settings(tmp_path: Path, **extra) -> Settings:
    return Settings(data_dir=tmp_path / "var", site_dir=tmp_path / "output", rate_limits="off",
                    secret_key="k", extra={"store": "memory"}, **extra)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    _write(out / "index.html", PAGE.replace("Day", "Home"))
    _write(out / "news" / "day.html", PAGE)
    _write(out / "theme" / "js" / "engage.0123456789.js", "var x = 1;" * 100)
    _write(out / "404.html", "<!doctype html><title>Not found</title>", compressed=False)
    return out


@pytest.fixture
def app(site, tmp_path):
    app = create_app(_settings(tmp_path))
    services_of(app).store.sync_items([make_item(
        "poll", url="/news/day.html", id="day", question="Which day?",
        options=["Monday", "Saturday"])])
    yield app
    services_of(app).store.close()


def test_whitenoise_fronts_the_app(app):
    assert isinstance(app.wsgi_app, SiteFiles)


def test_brotli_and_gzip_copies_are_sent_when_accepted(app, site):
    client = app.test_client()
    br = client.get("/news/day.html", headers={"Accept-Encoding": "gzip, br"}, buffered=True)
    assert br.headers["Content-Encoding"] == "br"
    assert br.data == (site / "news" / "day.html.br").read_bytes()
    assert "Accept-Encoding" in br.headers["Vary"]
    gz = client.get("/news/day.html", headers={"Accept-Encoding": "gzip"}, buffered=True)
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.data).decode() == PAGE
    plain = client.get("/news/day.html", buffered=True)
    assert "Content-Encoding" not in plain.headers and plain.get_data(as_text=True) == PAGE


def test_cache_rules_and_security_headers(app):
    client = app.test_client()
    page = client.get("/news/day.html", buffered=True)
    assert page.headers["Cache-Control"] == "no-cache" and page.headers["ETag"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Access-Control-Allow-Origin" not in page.headers
    assert client.get("/news/day.html", headers={"If-None-Match": page.headers["ETag"]},
                      buffered=True).status_code == 304
    script = client.get("/theme/js/engage.0123456789.js", buffered=True)
    assert script.headers["Cache-Control"] == "max-age=315360000, public, immutable"


def test_hsts_only_when_https(site, tmp_path):
    app = create_app(_settings(tmp_path, https="on"))
    try:
        page = app.test_client().get("/news/day.html", buffered=True)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        services_of(app).store.close()


def test_directory_urls_serve_their_index(app):
    client = app.test_client()
    for url in ("/", "/index.html"):
        response = client.get(url, buffered=True)
        assert response.status_code == 200 and "<title>Home</title>" in response.get_data(
            as_text=True)


def test_a_rebuilt_page_is_sent_whole_and_stale_copies_are_not_used(app, site):
    client = app.test_client()
    assert client.get("/news/day.html", buffered=True).get_data(as_text=True) == PAGE
    page = site / "news" / "day.html"
    newer = PAGE.replace("Saturday", "Sunday and Saturday")
    page.write_text(newer)
    later = os.stat(page.with_name("day.html.br")).st_mtime_ns + 10**9
    os.utime(page, ns=(later, later))  # the page is newer than its compressed copies
    response = client.get("/news/day.html", headers={"Accept-Encoding": "br, gzip"},
                          buffered=True)
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True) == newer
    assert int(response.headers["Content-Length"]) == len(newer)


def test_files_written_after_start_are_served(app, site):
    _write(site / "news" / "new.html", PAGE.replace("Day", "New"))
    response = app.test_client().get("/news/new.html", headers={"Accept-Encoding": "br"},
                                     buffered=True)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "no-cache"


def test_removed_files_fall_back_to_the_sites_404(app, site):
    client = app.test_client()
    assert client.get("/news/day.html", buffered=True).status_code == 200
    for name in ("day.html", "day.html.gz", "day.html.br"):
        (site / "news" / name).unlink()
    missing = client.get("/news/day.html", buffered=True)
    assert missing.status_code == 404 and b"Not found" in missing.data


def test_links_out_of_the_site_are_not_served(app, site, tmp_path):
    (tmp_path / "secret.txt").write_text("private")
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert "/leak.txt" not in app.wsgi_app.files
    assert app.wsgi_app._lookup("/leak.txt") is None


def test_no_js_outcome_still_fills_the_status_slot(app):
    client = app.test_client()
    client.post("/api/polls/day/vote", data={"choices": "saturday"},
                headers={"Origin": ORIGIN})
    html = client.get("/news/day.html", headers={"Accept-Encoding": "br"},
                      buffered=True).get_data(as_text=True)
    assert "Thanks, your vote counted." in html
    again = client.get("/news/day.html", headers={"Accept-Encoding": "br"}, buffered=True)
    assert again.headers["Content-Encoding"] == "br"


def test_api_and_server_pages_still_reach_flask(app):
    client = app.test_client()
    assert client.get("/api/health", buffered=True).get_json()["status"] == "ok"
    assert client.get("/api/nope", buffered=True).get_json()["error"]["code"] == "not_found"
    assert b"Your data" in client.get("/me", buffered=True).data
