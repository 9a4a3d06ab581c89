"""The dashboard opens with "Needs your attention", judged by the app's clock."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from tests.conftest import make_item


@pytest.fixture
def settings(settings, tmp_path):
    """A site directory with a manifest carrying one offer and the channels' last dates."""
    site = tmp_path / "site"
    (site / "engage").mkdir(parents=True)
    (site / "engage" / "manifest.json").write_text(json.dumps({
        "version": 1, "polls": [], "jams": [], "surveys": [],
        "offers": [{"title": "Winter welcome", "url": "/offers/winter.html",
                    "expires": "2026-11-28T23:59:59Z"}],
        "channels": {"news": "2026-11-20T09:00:00Z"},
    }))
    return dataclasses.replace(settings, site_dir=site)


def test_dashboard_lists_what_needs_attention_at_the_apps_time(editor, store, clock):
    store.sync_items([make_item("jam", id="soaps", title="Next soap")])
    store.add_idea("soaps", title="Lavender", body="", author=None, voter_id="v1",
                   moderation="pending", at=datetime(2026, 11, 20, tzinfo=UTC))
    clock.now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    page = editor.client.get("/admin/").get_data(as_text=True)
    attention = page.split('id="attention-h"')[1].split("</section>")[0]
    assert "Offer \u201cWinter welcome\u201d expires in 5 days" in attention
    assert '<a href="/offers/winter.html">open</a>' in attention
    assert "1 idea waiting for moderation in the jam \u201cNext soap\u201d" in attention
    assert 'href="/admin/jams/soaps"' in attention
    clock.now = datetime(2026, 12, 21, 12, tzinfo=UTC)
    editor.login()  # four weeks on, the 8-hour session has run out on the app's clock
    page = editor.client.get("/admin/").get_data(as_text=True)
    attention = page.split('id="attention-h"')[1].split("</section>")[0]
    assert "Winter welcome" not in attention
    assert "Nothing new in news for 31 days" in attention
