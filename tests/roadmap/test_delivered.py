"""Publishing a "You asked, we did" article: sync stores its links (idea page, roadmap) and,
when the article asks for it, moves the ideas to "done" with an audited editor action."""

from __future__ import annotations

import json
from datetime import timedelta

from pollserver.domain.statuses import ANNOUNCEMENTS
from pollserver.editor.delivered import mark_delivered
from pollserver.ops.sync import load_manifest, sync_manifest
from tests.roadmap.conftest import AT

ARTICLE = {"title": "Oat milk flat whites are here", "url": "/news/oat-milk.html"}


def _manifest(tmp_path, jam_ids, announcements):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({
        "version": 1, "polls": [], "surveys": [],
        "jams": [{"id": "build-next", "title": "What should we build next?",
                  "source": "content/x.md:1", "url": "/x.html"}],
        "announcements": announcements}), encoding="utf-8")
    return load_manifest(path)


def test_sync_links_articles_and_moves_asked_ideas_to_done(store, jam, tmp_path, client):
    refs = {f"build-next/{jam[0]}": [dict(ARTICLE, done=True)],
            f"build-next/{jam[1]}": [dict(ARTICLE, done=False)]}
    sync_manifest(store, _manifest(tmp_path, jam, refs))
    moved = mark_delivered(store, store.get_item(*ANNOUNCEMENTS).spec["announcements"],
                           at=AT + timedelta(days=3))
    assert moved == [f"build-next/{jam[0]}"]
    assert store.get_idea(jam[0]).status == "done" and store.get_idea(jam[1]).status == "open"
    (change,) = store.status_history(jam[0])
    assert (change.status, change.note) == ("done", "Announced: Oat milk flat whites are here")
    audit = store.list_audit()[0]
    assert (audit.actor, audit.action, audit.target) == ("publish", "idea.status",
                                                         f"idea:{jam[0]}")
    # Running sync again changes nothing more, even after an editor moved the idea back.
    store.update_idea(jam[0], status="in-progress", at=AT + timedelta(days=4))
    assert mark_delivered(store, {f"build-next/{jam[0]}": [dict(ARTICLE, done=True)]},
                          at=AT + timedelta(days=5)) == []
    assert store.get_idea(jam[0]).status == "in-progress"
    page = client.get(f"/ideas/build-next/{jam[1]}").get_data(as_text=True)
    assert '<a href="/news/oat-milk.html">Oat milk flat whites are here</a>' in page
    card = next(s for s in client.get("/api/roadmap").get_json()["sections"]
                if s["key"] == "in-progress")["ideas"][0]
    assert card["articles"] == [ARTICLE]
