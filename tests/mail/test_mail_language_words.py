"""The site's own words in the reader's language: status labels (pages, API, mails) and a
closed poll's results in mail, from the translations the build puts in the manifest."""

from __future__ import annotations

from datetime import timedelta

from pollserver.actions import follows
from pollserver.domain.records import Item
from pollserver.domain.statuses import DEFAULT_STATUSES, to_spec
from pollserver.ops.closings import Closings
from pollserver.ops.sync import load_manifest
from pollserver.store.memory import MemoryStore
from pollserver.web.context import services_of
from tests.conftest import make_item
from tests.mail.conftest import text_of
from tests.mail.helpers import AT, Clock, arrange, mark_planned, sender

GERMAN = {"de": {"open": "Offen", "planned": "Geplant", "done": "Erledigt"}}


def _statuses(store) -> None:
    store.sync_items([*store.list_items("jam"), *store.list_items("poll"),
                      Item(kind="site", id="statuses", spec=to_spec(DEFAULT_STATUSES, GERMAN))])


def _confirmed(store, email: str, kind: str, item: str, lang: str):
    follow = follows.request(store, kind, item, email, voter_id=None, at=AT, lang=lang)
    [event] = store.list_events(subjects={f"follow:{follow.id}"})
    return follows.confirm(store, event.data["token"], at=AT)


def test_sync_keeps_the_labels_the_build_gave_per_language(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"version": 1, "statuses": [{"key": "open", "label": "Open", '
                        '"meaning": "open"}, {"key": "done", "label": "Done", "meaning": "done"},'
                        ' {"key": "no", "label": "No", "meaning": "closed"}], '
                        '"status_labels": {"de": {"done": "Erledigt", "bad": 3}}}')
    [item] = [i for i in load_manifest(manifest) if i.kind == "site"]
    assert item.spec["status_labels"] == {"de": {"done": "Erledigt"}}


def test_status_labels_on_the_page_and_in_the_api_follow_the_readers_language(app, client):
    store = services_of(app).store
    idea = arrange(store)
    _statuses(store)
    mark_planned(store, idea)
    german = client.get("/api/jams/j", headers={"Accept-Language": "de"}).get_json()
    english = client.get("/api/jams/j").get_json()
    assert german["ideas"][0]["status_label"] == "Geplant"
    assert english["ideas"][0]["status_label"] == "Planned"
    page = client.get(f"/ideas/j/{idea}", headers={"Accept-Language": "de"}).get_data(True)
    assert "Geplant" in page
    assert "Geplant" not in client.get(f"/ideas/j/{idea}").get_data(as_text=True)
    jam = client.get("/jams/j", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<span class="badge">Geplant</span>' in jam
    assert '<span class="badge">Planned</span>' in client.get("/jams/j").get_data(as_text=True)


def test_a_german_follower_reads_the_german_status_label(app, smtp_server):
    url, inbox = smtp_server
    store = services_of(app).store
    idea = arrange(store)
    _statuses(store)
    _confirmed(store, "de@example.org", "idea", idea, "de")
    _confirmed(store, "en@example.org", "idea", idea, "")
    clock = Clock(AT + timedelta(minutes=1))
    run = sender(store, url, clock)
    run.run_once()
    mark_planned(store, idea, at=clock.now)
    assert run.run_once() == 2
    assert "Geplant" in inbox.to("de@example.org")[-1]["Subject"]
    english = inbox.to("en@example.org")[-1]
    assert "Planned" in english["Subject"] and "Geplant" not in text_of(english)


def test_a_closed_poll_reaches_a_german_follower_with_german_results(smtp_server):
    url, inbox = smtp_server
    store = MemoryStore()
    poll = make_item("poll", id="p", question="Which colour?", options=["Red", "Blue"],
                     closes=AT + timedelta(days=1))
    spec = {**poll.spec, "texts": {"de": {"question": "Welche Farbe?",
                                          "options": {"red": "Rot", "blue": "Blau"}}}}
    store.sync_items([Item(kind="poll", id="p", spec=spec, source=poll.source, url=poll.url)])
    store.record_vote("p", "v1", ["blue"], replace=False, at=AT)
    _confirmed(store, "de@example.org", "poll", "p", "de")
    _confirmed(store, "en@example.org", "poll", "p", "")
    clock = Clock()
    run = sender(store, url, clock)
    run.run_once()
    clock.now = AT + timedelta(days=1, minutes=1)
    assert Closings(store, clock).run_once() == 1
    assert run.run_once() == 2
    german = text_of(inbox.to("de@example.org")[-1])
    assert "Welche Farbe?" in german and "Rot: 0; Blau: 1" in german
    english = text_of(inbox.to("en@example.org")[-1])
    assert "Which colour?" in english and "Red: 0; Blue: 1" in english
    [event] = store.list_events(types=["poll.closed"])
    assert event.data["results"] == [["Red", 0], ["Blue", 1]]  # integrations: unchanged
