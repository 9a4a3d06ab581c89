"""Dashboard, survey answers, reward pools and the audit log as an editor sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import make_item
from tests.instant import TEST_NOW


@pytest.fixture
def items(store):
    store.sync_items([
        make_item("poll", id="day", question="Which day?", options=["Monday", "Saturday"]),
        make_item("survey", id="nps", reward="thanks"),
        make_item("jam", id="soaps", title="Next soap"),
    ])
    at = TEST_NOW
    store.record_vote("day", "v1", ["monday"], replace=False, at=at)
    store.record_vote("day", "v2", ["saturday"], replace=False, at=at)
    for n, (score, comment) in enumerate([(10, "<b>great</b>"), (8, "fine"), (3, "slow")]):
        store.add_response("nps", voter_id=f"voter-{n}", score=score,
                           category=["promoter", "passive", "detractor"][n], comment=comment,
                           consent_to_quote=n == 0, at=at - timedelta(days=10 * n))


@pytest.mark.parametrize("path", ["/admin/", "/admin/answers", "/admin/rewards",
                                  "/admin/exports", "/admin/audit", "/admin/jams/soaps"])
def test_pages_need_login(client, items, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_dashboard_counts_and_svg(editor, items):
    page = editor.client.get("/admin/").get_data(as_text=True)
    assert "Which day?" in page and "2 voters" in page
    assert page.count("<svg") == 2 and 'role="img"' in page
    assert "Monday: 1 (50%)" in page
    assert "NPS 0: 1 promoters, 1 passives, 1 detractors" in page
    assert "style=" not in page and "<script" not in page


def test_admin_css_served(client):
    response = client.get("/admin/static/admin.css")
    assert response.status_code == 200 and "text/css" in response.content_type
    response.close()  # a file response keeps its handle open until closed


def test_answers_escaped_and_filtered(editor, items):
    page = editor.client.get("/admin/answers").get_data(as_text=True)
    assert "&lt;b&gt;great&lt;/b&gt;" in page and "<b>great" not in page
    assert "voter-0" not in page
    detractors = editor.client.get("/admin/answers?category=detractor").get_data(as_text=True)
    assert "slow" in detractors and "fine" not in detractors
    since = (TEST_NOW - timedelta(days=5)).date().isoformat()
    recent = editor.client.get(f"/admin/answers?from={since}").get_data(as_text=True)
    assert "great" in recent and "slow" not in recent
    bad = editor.client.get("/admin/answers?from=yesterday").get_data(as_text=True)
    assert "Use a date like" in bad and 'aria-invalid="true"' in bad


def test_load_and_revoke_codes(editor, items, store):
    response = editor.post("/admin/rewards/load", {"pool": "thanks", "codes": "A\nB\n# note\nA"})
    assert response.status_code == 303
    assert store.pool_stats()["thanks"] == (2, 0)
    entry = store.list_audit()[0]
    assert (entry.action, entry.target, entry.details["added"]) == ("codes.load", "pool:thanks", 2)
    page = editor.client.get("/admin/rewards").get_data(as_text=True)
    assert "survey nps" in page and "Revoke 2 unclaimed" in page
    store.claim_code("thanks", "someone", at=TEST_NOW)
    editor.post("/admin/rewards/revoke", {"pool": "thanks"})
    assert store.pool_stats()["thanks"] == (1, 1)
    assert store.list_audit()[0].action == "codes.revoke"


def test_load_codes_from_file(editor, items, store):
    from io import BytesIO

    response = editor.post("/admin/rewards/load",
                           {"pool": "file-pool", "file": (BytesIO(b"X1\nX2\nX3\n"), "c.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert store.pool_stats()["file-pool"] == (3, 0)


def test_load_codes_field_errors(editor, items, store):
    response = editor.post("/admin/rewards/load", {"pool": "Bad Name", "codes": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="err-pool"' in page and 'id="err-codes"' in page
    assert "Bad Name" in page


def test_audit_log_page(editor, store):
    page = editor.client.get("/admin/audit").get_data(as_text=True)
    assert "login" in page and "editor" in page
