"""Editors see merge suggestions in the moderation queue."""

from __future__ import annotations

from datetime import timedelta

from pollserver.domain.duplicates import merge_suggestions
from tests.admin.test_moderation import add, jam  # noqa: F401 - the jam fixture
from tests.domain.test_jams import idea
from tests.instant import TEST_NOW


def test_suggestions_pair_a_newer_idea_with_the_older_one_it_repeats() -> None:
    ideas = [idea("1", "Refill pouches for coffee", at=TEST_NOW),
             idea("2", "Saturday delivery", at=TEST_NOW + timedelta(minutes=1)),
             idea("3", "refil pouchs for cofee", moderation="pending",
                  at=TEST_NOW + timedelta(minutes=2)),
             idea("4", "Refill pouches coffee", status="merged",
                  at=TEST_NOW + timedelta(minutes=3))]
    found = [(s.source.id, s.target.id) for s in merge_suggestions(ideas)]
    assert found == [("3", "1")]


def test_the_moderation_page_offers_the_merge(editor, jam, store):  # noqa: F811
    first = add(store, "Lavender soap bars", moderation="published", voter="a")
    second = store.add_idea("soaps", title="Lavendar soap bar", body="", author=None,
                            voter_id="b", moderation="pending",
                            at=TEST_NOW + timedelta(minutes=5))
    page = editor.client.get("/admin/jams/soaps").get_data(as_text=True)
    assert "Possible duplicates" in page
    assert f'action="/admin/jams/soaps/ideas/{second.id}/merge"' in page
    assert f'name="into" value="{first.id}"' in page
    editor.post(f"/admin/jams/soaps/ideas/{second.id}/merge", {"into": first.id})
    assert store.get_idea(second.id).status == "merged"
    assert "Possible duplicates" not in editor.client.get("/admin/jams/soaps").get_data(
        as_text=True)
