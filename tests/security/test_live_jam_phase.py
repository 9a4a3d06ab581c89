"""A jam closed early shows its real phase on the static page served by pollserver, also to a
reader without JavaScript (issue 11 item 9): the server's answer wins over the baked one."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import markdown
import pytest

from pollserver import create_app
from pollserver.config import Settings
from pollserver.domain.kinds import parse_spec
from pollserver.domain.records import Item
from pollserver.domain.specs import spec_to_manifest
from pollserver.web.context import services_of

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from engage.markdown_ext import EngageExtension  # noqa: E402

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
BLOCK = {"id": "refills", "title": "Refill ideas", "submit_from": "2026-11-01T00:00:00Z",
         "vote_from": "2026-12-01T00:00:00Z", "closes": "2026-12-31T00:00:00Z"}
ARTICLE = """\
```jam
id: refills
title: Refill ideas
submit_from: 2026-11-01T00:00:00Z
vote_from: 2026-12-01T00:00:00Z
closes: 2026-12-31T00:00:00Z
```
"""


@pytest.fixture
def site_app(tmp_path: Path):
    html = markdown.markdown(ARTICLE, extensions=[EngageExtension(now=NOW)])
    site = tmp_path / "output"
    (site / "news").mkdir(parents=True)
    (site / "news" / "refills.html").write_text(f"<html><body>{html}</body></html>")
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=site, rate_limits="off",
                              secret_key="k", extra={"store": "memory"}))
    services_of(app).clock = lambda: NOW
    spec = parse_spec("jam", dict(BLOCK))
    services_of(app).store.sync_items([Item(
        kind="jam", id="refills", spec=spec_to_manifest(spec), source="content/t.md:1",
        url="/news/refills.html")])
    yield app
    services_of(app).store.close()


def _page(app) -> str:
    with app.test_client().get("/news/refills.html") as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_open_jam_page_is_served_as_built(site_app) -> None:
    page = _page(site_app)
    assert 'data-engage-phase="submit"' in page
    assert 'id="jam-refills-form">' in page  # the form is shown


def test_jam_closed_early_hides_the_form_without_javascript(site_app) -> None:
    services_of(site_app).store.set_closed_at("jam", "refills", NOW)
    page = _page(site_app)
    assert 'data-engage-phase="closed"' in page
    assert 'id="jam-refills-form" hidden>' in page
    assert "This jam has closed." in page
    assert "Sharing ideas now" not in page
    # and reopening shows the form again
    services_of(site_app).store.set_closed_at("jam", "refills", None)
    assert 'id="jam-refills-form">' in _page(site_app)
