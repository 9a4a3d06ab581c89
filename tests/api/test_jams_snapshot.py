"""Winners picked by an editor reach the static page: results_snapshot -> engage plugin."""

from __future__ import annotations

from datetime import UTC, datetime

from plugins.engage.render import render_block
from pollserver.domain.kinds import parse_spec
from pollserver.editor import jams as actions
from pollserver.ops.sync import results_snapshot
from tests.conftest import make_item

BLOCK = {"id": "sept", "title": "September", "submit_from": "2026-09-01T00:00:00Z",
         "vote_from": "2026-09-15T00:00:00Z", "closes": "2026-09-30T00:00:00Z",
         "max_winners": 2}


def test_closed_jam_bakes_editor_winners(store):
    store.sync_items([make_item("jam", **BLOCK)])
    at = datetime(2026, 9, 2, tzinfo=UTC)
    ids = [store.add_idea("sept", title=t, body="", author=a, voter_id=None,
                          moderation="published", at=at).id
           for t, a in (("Oat <b>milk</b>", "Marta"), ("Saturday delivery", None),
                        ("Hidden idea", "X"))]
    store.vote_idea("sept", ids[0], "v1", budget=3, at=at)
    store.update_idea(ids[2], moderation="hidden")
    actions.pick_winners(store, "ed", "sept", ids[:2], at=at)
    snapshot = results_snapshot(store)
    assert [w["id"] for w in snapshot["jams"]["sept"]["winners"]] == ids[:2]
    html = render_block(parse_spec("jam", BLOCK), 1, now=datetime(2026, 10, 1, tzinfo=UTC),
                        results=snapshot)
    assert "Oat &lt;b&gt;milk&lt;/b&gt;" in html and "by Marta" in html
    assert "Saturday delivery" in html and "Hidden idea" not in html
    assert "Chosen from 2 ideas." in html
