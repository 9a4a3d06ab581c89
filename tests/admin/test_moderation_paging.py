"""The moderation screen at 10,000 ideas: pages of 50, bounded in size, search and state filter."""

from __future__ import annotations

import json
import re

import pytest

from pollserver.domain.records import AuditEntry
from tests.conftest import make_item
from tests.instant import TEST_NOW

IDEAS = 10_000
PAGE_BYTES = 200_000


@pytest.fixture
def big_jam(store):
    store.sync_items([make_item("jam", id="big", title="Big jam", moderation="pre",
                                max_winners=3)])
    for n in range(IDEAS):
        store.add_idea("big", title=f"Idea number {n:05d}", body=f"Body of idea {n}",
                       author="Ann", voter_id=f"v-{n}",
                       moderation="pending" if n % 10 else "published", at=TEST_NOW)
    return "big"


def rendered(page: str) -> list[str]:
    return re.findall(r'<article class="card" aria-labelledby="idea-([^"]+)"', page)


def test_ten_thousand_ideas_are_paged(editor, big_jam, store):
    seen: set[str] = set()
    for number in (1, 2, 200):
        response = editor.client.get(f"/admin/jams/big?page={number}")
        body = response.get_data()
        assert response.status_code == 200
        assert len(body) <= PAGE_BYTES, len(body)
        ids = rendered(body.decode())
        assert len(ids) == 50
        assert not seen & set(ids)
        seen |= set(ids)
    page = editor.client.get("/admin/jams/big").get_data(as_text=True)
    assert "Page 1 of 200" in page and 'rel="next"' in page


def test_search_and_state_filter(editor, big_jam, store):
    page = editor.client.get("/admin/jams/big?q=number+00042").get_data(as_text=True)
    assert len(rendered(page)) == 1 and "Idea number 00042" in page
    page = editor.client.get("/admin/jams/big?state=published&page=20").get_data(as_text=True)
    assert len(rendered(page)) == 50 and "Page 20 of 20" in page
    assert "pending ·" not in page


def test_survey_answers_are_paged(editor, store):
    store.sync_items([make_item("survey", id="nps")])
    for n in range(250):
        store.add_response("nps", voter_id=f"v-{n}", score=9, category="promoter",
                           comment=f"Comment number {n:03d}", consent_to_quote=False,
                           at=TEST_NOW)
    first = editor.client.get("/admin/answers").get_data(as_text=True)
    assert first.count("Comment number") == 100 and "100 of 250 answers shown" in first
    assert "Comment number 249" in first and "Page 1 of 3" in first
    last = editor.client.get("/admin/answers?page=3").get_data(as_text=True)
    assert last.count("Comment number") == 50 and "Comment number 000" in last


@pytest.mark.parametrize("what", ["jams.csv", "jams.json", "audit.csv", "open-data.json"])
def test_exports_stream(editor, big_jam, what):
    response = editor.client.get(f"/admin/exports/{what}")
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data(as_text=True)
    if what.endswith(".json"):
        assert isinstance(json.loads(body), list)
    if what.startswith("jams"):
        assert body.count("Idea number") == IDEAS


def test_audit_log_is_paged(editor, store):
    for n in range(250):
        store.add_audit(AuditEntry(at=TEST_NOW, actor="ed", action="probe",
                                   target=f"thing:{n:03d}"))
    first = editor.client.get("/admin/audit").get_data(as_text=True)
    assert first.count("<code>thing:") == 100 and 'rel="next"' in first
    third = editor.client.get("/admin/audit?page=3").get_data(as_text=True)
    assert "<code>thing:000</code>" in third and 'rel="next"' not in third


def test_followers_list_is_capped(editor, store):
    from pollserver.admin import mail

    counts = {f"idea:{n}": 1 + n % 3 for n in range(500)}
    store.follower_counts = lambda: counts  # the table a busy hub would have
    page = editor.client.get("/admin/mail").get_data(as_text=True)
    assert page.count("<code>idea:") == mail.FOLLOWED_MAX
    assert f"and {500 - mail.FOLLOWED_MAX} more items" in page
