"""A published idea leaving the site (hidden, rejected, erased by its author) is a change the
static pages show, so the publish loop rebuilds on it; the results snapshot lists it as
removed, so an article naming it in `Ideas:` keeps building.

The last test is the editor's whole story on the sample hub: build it as `make run` does,
erase the sample reader, let the publish loop rebuild, and find the name on no page and in no
feed.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from pollserver.actions import me
from pollserver.domain.publish import PUBLISH
from pollserver.editor import jams as editor
from pollserver.ops.publish import Publisher, unpublished
from pollserver.ops.sync import results_snapshot
from pollserver.store.memory import MemoryStore
from pollserver.web.context import services_of
from sitecheck.build import BuildFailed, build, pelican
from tests.instant import TEST_NOW
from tests.mail.helpers import AT, Clock, arrange


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    store.idea_id = arrange(store)  # type: ignore[attr-defined]
    return store


def _removed_rows(store) -> list[str]:
    return [d.event.data["id"] for d in unpublished(store)
            if d.event is not None and d.event.type == "idea.removed"]


def test_hiding_a_published_idea_asks_for_a_rebuild(store):
    editor.hide(store, "ed", store.idea_id, at=AT)
    assert _removed_rows(store) == [store.idea_id]
    event = unpublished(store)[0].event
    assert event.data == {"id": store.idea_id, "jam": "j", "url": "/jams/j"}  # no title, name
    assert store.list_deliveries("mail") == []  # nobody is mailed about it


def test_rejecting_a_published_idea_asks_for_a_rebuild_a_pending_one_does_not(store):
    pending = store.add_idea("j", title="Later", body="", author="Bo", voter_id="v1",
                             moderation="pending", at=AT).id
    editor.reject(store, "ed", pending, at=AT)
    assert _removed_rows(store) == []  # it was never on the site
    editor.reject(store, "ed", store.idea_id, at=AT)
    assert _removed_rows(store) == [store.idea_id]


def test_erasing_an_author_asks_for_a_rebuild_for_each_published_idea(store):
    store.add_idea("j", title="Unseen", body="", author="Ann", voter_id="v0",
                   moderation="pending", at=AT)
    me.erase(store, "v0", at=AT)
    assert _removed_rows(store) == [store.idea_id]
    assert "Ann" not in str([d.event for d in store.list_deliveries(PUBLISH)])


def test_the_results_snapshot_lists_ideas_that_left_the_site(store):
    kept = store.add_idea("j", title="Kept", body="", author="Cy", voter_id="v2",
                          moderation="published", at=AT).id
    editor.hide(store, "ed", store.idea_id, at=AT)
    jam = results_snapshot(store)["jams"]["j"]
    assert [i["id"] for i in jam["ideas"]] == [kept] and jam["removed"] == [store.idea_id]


def _text_of(output: Path) -> dict[str, str]:
    return {p.relative_to(output).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in output.rglob("*") if p.is_file() and p.suffix in (
                ".html", ".xml", ".json", ".csv", ".ics", ".txt")}


def test_erasing_the_sample_reader_then_publishing_removes_the_name_everywhere(tmp_path):
    now = TEST_NOW
    built = build(tmp_path, now)  # as make run: build, sync, seed, results, build again
    store = services_of(built.app).store
    before = _text_of(built.output)
    assert any("Marta R." in text for text in before.values())
    assert "Marta R." in before["news/refill-pouches.html"]  # the credit line, from the store
    marta = next(i for i in store.list_ideas("september-jam") if i.author == "Marta R.")

    me.erase(store, marta.voter_id, at=now)
    assert _removed_rows(store) == [marta.id]

    def publish(argv: list[str], timeout: float) -> tuple[int, str]:
        """The publish command: fresh results, then the site, as `make publish` does."""
        results = tmp_path / "results.json"
        results.write_text(json.dumps(results_snapshot(store)), encoding="utf-8")
        try:
            pelican(built.output, tmp_path / "cache", now, results)
        except BuildFailed as exc:
            return 1, str(exc)
        return 0, "built"

    publisher = Publisher(store, "make publish", Clock(now + timedelta(minutes=1)),
                          tmp_path / "var", run_command=publish)
    assert publisher.run_once() == 0
    assert unpublished(store) == []
    after = _text_of(built.output)
    assert [name for name, text in after.items() if "Marta" in text] == []
    refill = after["news/refill-pouches.html"]
    assert "This came from an idea from a reader, since removed." in refill
    assert "Refill pouches are here, and the idea came from you" in after["feeds/all.atom.xml"]
