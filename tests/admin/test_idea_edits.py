"""The moderation page's partial: correct an idea's words and tick its topics."""

from __future__ import annotations

import pytest

from tests.conftest import make_item
from tests.instant import TEST_NOW


@pytest.fixture
def idea(store):
    store.sync_items([make_item("jam", id="board", title="Improve", topics=["App", "Shops"])])
    return store.add_idea("board", title="Dark mdoe", body="Pleease", author="Ann",
                          voter_id="v1", moderation="published", at=TEST_NOW)


def test_editor_corrects_a_typo_from_the_form(editor, idea, store):
    page = editor.client.get("/admin/jams/board").get_data(as_text=True)
    assert 'action="/admin/jams/board/ideas/1/edit"' in page and 'value="shops"' in page
    answer = editor.post(f"/admin/jams/board/ideas/{idea.id}/edit",
                         {"title": "Dark mode", "body": "Please"})
    assert answer.status_code == 303
    fixed = store.get_idea(idea.id)
    assert (fixed.title, fixed.body, fixed.author) == ("Dark mode", "Please", "Ann")
    audit = editor.client.get("/admin/audit").get_data(as_text=True)
    assert "idea.edit" in audit and "Dark mdoe" in audit and "Pleease" in audit


def test_editor_ticks_topics(editor, idea, store):
    answer = editor.post(f"/admin/jams/board/ideas/{idea.id}/topics", {"topic": ["shops"]})
    assert answer.status_code == 303 and store.get_idea(idea.id).topics == ("shops",)
    refused = editor.post(f"/admin/jams/board/ideas/{idea.id}/topics", {"topic": ["nope"]})
    assert refused.status_code == 400 and store.get_idea(idea.id).topics == ("shops",)
