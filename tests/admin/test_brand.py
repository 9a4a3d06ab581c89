"""The brand speaks in its own name: admin pages, mail and the private feed carry the site's
name from the build manifest, never the software's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pollserver.config import Settings
from pollserver.web.brand import brand_name, mail_from

BRAND = "Tallowmere Coffee Hub"


def _site(root: Path, name: str = BRAND) -> Path:
    site = root / "output"
    (site / "engage").mkdir(parents=True)
    (site / "engage" / "manifest.json").write_text(json.dumps({"version": 1,
                                                               "site": {"name": name}}))
    return site


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "var", site_dir=_site(tmp_path), rate_limits="off",
                    secret_key="test-secret", extra={"store": "memory"})


def test_admin_pages_name_the_brand(editor):
    page = editor.client.get("/admin/").get_data(as_text=True)
    assert f"Dashboard · {BRAND} editor</title>" in page
    assert f">{BRAND} editor</a>" in page
    assert "valuehub" not in page.lower()
    assert 'id="jobs"' in page  # the background jobs' table


@pytest.mark.parametrize(("configured", "shown"), [
    ("", f"{BRAND} <noreply@hub.example>"),
    ("hub@brand.example", f"{BRAND} <hub@brand.example>"),
    ("Coffee News <news@brand.example>", "Coffee News <news@brand.example>"),
])
def test_mail_from_shows_the_brand_unless_the_operator_named_one(tmp_path, configured, shown):
    settings = Settings(site_dir=_site(tmp_path), mail_from=configured,
                        public_origin="https://hub.example")
    assert mail_from(settings) == shown


def test_without_a_build_the_public_host_stands_in(tmp_path):
    settings = Settings(site_dir=tmp_path / "none", public_origin="https://hub.example")
    assert brand_name(settings) == "hub.example"
    assert "valuehub" not in mail_from(settings)


def test_the_private_feed_is_titled_with_the_brand(client, store):
    token = store.feed_token("v1", "tok-brand")
    feed = client.get(f"/me/updates/{token}.atom").get_data(as_text=True)
    assert f"<title>{BRAND}: What happened to what you took part in</title>" in feed
    assert "valuehub" not in feed.split("<id>")[0].lower()


def test_admin_words_read_as_a_person_writes_them(editor, store, settings):
    from pollserver.editor import jams as editor_actions
    from tests.conftest import make_item

    store.sync_items([make_item("jam", id="j", title="What next?")])
    idea = store.add_idea("j", title="Oat milk", body="Please", author="Ann", voter_id=None,
                          moderation="published", at=datetime(2026, 3, 2, tzinfo=UTC))
    done = editor.post(f"/admin/jams/j/ideas/{idea.id}/status",
                       {"status": "in-progress", "note": ""})
    notice = editor.client.get(done.headers["Location"]).get_data(as_text=True)
    assert "is now In progress" in notice and "is now in-progress" not in notice
    assert "0 votes" in notice
    editor_actions.set_status(store, "ed", idea.id, "planned", note="", notify=False,
                              at=datetime(2026, 3, 2, tzinfo=UTC))
    mail = editor.client.get("/admin/mail").get_data(as_text=True)
    assert f"<code>{settings.data_dir / 'mail'}</code>" in mail
