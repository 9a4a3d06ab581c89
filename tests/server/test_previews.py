"""Serving insider previews: a champion's voter cookie gets the preview at the article's own
URL until its date (private, noindex); anyone else gets exactly the site's 404; after the date
(the app's clock moved by hand) everyone gets it; the preview folder is never a file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pollserver import create_app
from pollserver.config import Settings
from pollserver.domain.champions import Champion
from pollserver.web.context import services_of
from pollserver.web.identity import COOKIE_PLAIN, _signer
from tests.conftest import ORIGIN
from tests.instant import TEST_NOW

DATE = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
PAGE = """<!doctype html><html><head><title>Larkspur</title>
<!-- preview:begin --><meta name="robots" content="noindex"><!-- preview:end --></head>
<body><!-- preview:begin --><p data-preview-badge>Preview for champions</p><!-- preview:end -->
<h1>Larkspur, our spring coffee</h1></body></html>"""
NOT_FOUND = "<!doctype html><title>Not found</title><p>We could not find that page.</p>"


class Clock:
    """The app's clock, moved by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _write_previews(folder: Path) -> None:
    (folder / "news").mkdir(parents=True)
    (folder / "news" / "larkspur.html").write_text(PAGE)
    (folder / "index.json").write_text(json.dumps({"previews": [
        {"path": "news/larkspur.html", "file": "news/larkspur.html",
         "date": DATE.isoformat()}]}))


@pytest.fixture
def hub(tmp_path: Path):
    site = tmp_path / "output"
    site.mkdir()
    (site / "404.html").write_text(NOT_FOUND)
    (site / "index.html").write_text("<!doctype html><title>Home</title>")
    _write_previews(tmp_path / "output-previews")  # beside the site, as the build does
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=site, rate_limits="off",
                              secret_key="k", extra={"store": "memory"}))
    clock = Clock(min(TEST_NOW, DATE - timedelta(days=1)))
    services_of(app).clock = clock
    app.clock = clock  # type: ignore[attr-defined]
    yield app
    services_of(app).store.close()


def _client(app, voter: str | None = None):
    client = app.test_client()
    if voter is not None:
        with app.test_request_context():
            client.set_cookie(COOKIE_PLAIN, _signer().sign(voter).decode())
    return client


def _champion(app, voter: str = "voter-champ") -> str:
    services_of(app).store.grant_champion(
        Champion(voter, "1", "editor", TEST_NOW))
    return voter


def _is_the_404(response, missing) -> None:
    assert response.status_code == 404
    assert response.data == missing.data and b"Larkspur" not in response.data
    assert response.headers.get("Cache-Control") == missing.headers.get("Cache-Control")
    assert "X-Robots-Tag" not in response.headers


@pytest.mark.parametrize("path", ["/news/larkspur.html", "/news/larkspur"])
def test_strangers_and_readers_get_the_sites_404(hub, path):
    missing = _client(hub).get("/news/no-such-article.html", buffered=True)
    assert missing.status_code == 404 and b"could not find" in missing.data
    _is_the_404(_client(hub).get(path, buffered=True), missing)  # no cookie at all
    _is_the_404(_client(hub, "just-a-reader").get(path, buffered=True), missing)
    forged = hub.test_client()
    forged.set_cookie(COOKIE_PLAIN, "voter-champ.forged-signature")
    _champion(hub)
    _is_the_404(forged.get(path, buffered=True), missing)


@pytest.mark.parametrize("path", ["/news/larkspur.html", "/news/larkspur"])
def test_a_champion_reads_it_privately(hub, path):
    answer = _client(hub, _champion(hub)).get(path, buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    body = answer.get_data(as_text=True)
    assert "data-preview-badge" in body and '<meta name="robots" content="noindex">' in body
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert answer.headers["X-Robots-Tag"] == "noindex"


def test_the_preview_folder_is_never_served(hub):
    champion = _client(hub, _champion(hub))
    missing = champion.get("/news/no-such-article.html", buffered=True)
    for path in ("/../output-previews/news/larkspur.html", "/output-previews/index.json",
                 "/index.json", "/%2e%2e/output-previews/index.json"):
        _is_the_404(champion.get(path, buffered=True), missing)


def test_the_previews_folder_can_be_named(tmp_path):
    site = tmp_path / "www"
    site.mkdir()
    (site / "404.html").write_text(NOT_FOUND)
    _write_previews(tmp_path / "private" / "previews")
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=site, rate_limits="off",
                              secret_key="k", extra={"store": "memory"},
                              preview_dir=tmp_path / "private" / "previews"))
    services_of(app).clock = Clock(DATE - timedelta(days=1))
    try:
        answer = _client(app, _champion(app)).get("/news/larkspur.html", buffered=True)
        assert answer.status_code == 200 and b"data-preview-badge" in answer.data
    finally:
        services_of(app).store.close()


def test_revoked_or_erased_champions_are_refused(hub):
    store = services_of(hub).store
    missing = _client(hub).get("/nothing-here.html", buffered=True)
    revoked = _client(hub, _champion(hub, "voter-a"))
    assert revoked.get("/news/larkspur.html", buffered=True).status_code == 200
    store.revoke_champion("voter-a")
    _is_the_404(revoked.get("/news/larkspur.html", buffered=True), missing)
    erased = _client(hub, _champion(hub, "voter-b"))
    assert erased.get("/news/larkspur.html", buffered=True).status_code == 200
    assert erased.delete("/api/me", headers={"Origin": ORIGIN}).status_code == 200
    assert not store.is_champion("voter-b")
    _is_the_404(_client(hub, "voter-b").get("/news/larkspur.html", buffered=True), missing)


def test_public_from_its_date_on(hub):
    hub.clock.at = DATE - timedelta(seconds=1)
    assert _client(hub).get("/news/larkspur.html", buffered=True).status_code == 404
    hub.clock.at = DATE
    for client in (_client(hub), _client(hub, _champion(hub))):
        answer = client.get("/news/larkspur.html", buffered=True)
        assert answer.status_code == 200
        body = answer.get_data(as_text=True)
        assert "<h1>Larkspur, our spring coffee</h1>" in body
        assert "data-preview-badge" not in body and "noindex" not in body
        assert answer.headers["Cache-Control"] == "no-cache"
        assert "X-Robots-Tag" not in answer.headers


def test_a_rebuilt_article_wins_over_its_old_preview(hub):
    site = Path(services_of(hub).settings.site_dir)
    (site / "news").mkdir()
    (site / "news" / "larkspur.html").write_text("<!doctype html><title>Out now</title>")
    answer = _client(hub).get("/news/larkspur.html", buffered=True)
    assert answer.status_code == 200 and b"Out now" in answer.data


def test_a_broken_index_means_no_previews_not_an_error(hub):
    site = Path(services_of(hub).settings.site_dir)
    (site.parent / "output-previews" / "index.json").write_text('{"previews": [{"path": 1}')
    assert _client(hub, _champion(hub)).get("/news/larkspur.html", buffered=True).status_code == 404
