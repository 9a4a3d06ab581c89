"""A board with 10,000 ideas and 50 topics stays paged: every listing answers one page
(the page size, not a time, is what is tested), with topics and statuses as filters."""

from __future__ import annotations

from pollserver.domain.paging import DEFAULT_LIMIT
from tests.board.conftest import AT
from tests.conftest import make_item

TOPICS = [f"Topic {n}" for n in range(50)]


def test_ten_thousand_ideas_and_fifty_topics_stay_paged(store, client):
    store.sync_items([make_item("jam", id="big", title="Big board", topics=TOPICS)])
    for n in range(10_000):
        idea = store.add_idea("big", title=f"Idea number {n}", body="", author=None,
                              voter_id=None, moderation="published", at=AT)
        store.update_idea(idea.id, topics=(f"topic-{n % 50}",),
                          **({"status": "planned"} if n % 7 == 0 else {}))
    first = client.get("/api/jams/big").get_json()
    assert len(first["ideas"]) == DEFAULT_LIMIT and first["idea_count"] == 10_000
    assert len(first["topics"]) == 50
    narrowed = client.get("/api/jams/big?topic=topic-3&status=planned").get_json()
    # n % 50 == 3 and n % 7 == 0: 28 of 10,000.
    assert narrowed["idea_count"] == 28 and len(narrowed["ideas"]) == 28
    topic = client.get("/api/jams/big?topic=topic-3&limit=100").get_json()
    assert topic["idea_count"] == 200 and len(topic["ideas"]) == 100
    assert topic["next_cursor"]
    page = client.get("/jams/big?topic=topic-3").get_data(as_text=True)
    assert page.count('class="engage-idea"') == DEFAULT_LIMIT
    assert page.count("<option") == 1 + 50 + 1 + 6  # every topic, every status, once
