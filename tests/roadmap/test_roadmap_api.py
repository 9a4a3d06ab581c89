"""Editor status changes with notes, the site's own statuses, /api/roadmap and idea pages."""

from __future__ import annotations

import re
from datetime import timedelta

from pollserver.domain.records import Item
from pollserver.domain.statuses import DEFAULT_STATUSES, to_spec
from pollserver.ops.sync import sync_manifest
from tests.roadmap.conftest import AT

BASE = "/api/admin/jams/build-next/ideas"


def _status(editor, idea_id, status, note="", **extra):
    client, csrf = editor
    return client.post(f"{BASE}/{idea_id}/status", json={"status": status, "note": note, **extra},
                       headers=csrf)


def _brewing(store):
    """Sync the site's statuses with "in-progress" relabelled as "Brewing"."""
    statuses = to_spec(DEFAULT_STATUSES)
    for entry in statuses["statuses"]:
        if entry["key"] == "in-progress":
            entry["label"] = "Brewing"
    items = [i for i in store.list_items() if i.kind == "jam"]
    sync_manifest(store, [*items, Item(kind="site", id="statuses", spec=statuses)])


def test_status_change_keeps_history_with_notes_and_dates(editor, jam, clock, client):
    clock.now = AT + timedelta(days=1)
    assert _status(editor, jam[0], "planned", "  On the list for spring  ").status_code == 200
    clock.now = AT + timedelta(days=20)
    assert _status(editor, jam[0], "in-progress", "Brewing: first batch in March").status_code \
        == 200
    assert _status(editor, jam[1], "declined", "Our roaster cannot do decaf safely.") \
        .status_code == 200
    roadmap = client.get("/api/roadmap").get_json()
    sections = {s["key"]: s for s in roadmap["sections"]}
    assert [s["key"] for s in roadmap["sections"]] == [
        "under-consideration", "planned", "in-progress", "done", "declined"]
    card = sections["in-progress"]["ideas"][0]
    assert (card["title"], card["author"], card["jam"], card["jam_title"]) == (
        "Oat milk flat white", "Marta", "build-next", "What should we build next?")
    assert card["note"] == "Brewing: first batch in March"
    assert card["changed_at"] == "2026-11-22T09:30:00Z"
    assert card["url"] == f"/ideas/build-next/{jam[0]}"
    assert [(h["status"], h["at"], h["note"]) for h in card["history"]] == [
        ("planned", "2026-11-03T09:30:00Z", "On the list for spring"),
        ("in-progress", "2026-11-22T09:30:00Z", "Brewing: first batch in March")]
    assert sections["declined"]["ideas"][0]["note"] == "Our roaster cannot do decaf safely."
    assert sections["planned"]["ideas"] == []  # the open idea is not on the roadmap at all
    assert sum(len(s["ideas"]) for s in roadmap["sections"]) == 2


def test_unknown_status_is_400_and_changes_nothing(editor, jam, store):
    response = _status(editor, jam[0], "shipped-ish")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert store.get_idea(jam[0]).status == "open" and store.status_history(jam[0]) == []
    assert _status(editor, jam[0], "planned", note=7).status_code == 400


def test_site_statuses_rename_keeps_history(editor, jam, store, client):
    assert _status(editor, jam[0], "in-progress", "First roast").status_code == 200
    _brewing(store)
    section = next(s for s in client.get("/api/roadmap").get_json()["sections"]
                   if s["key"] == "in-progress")
    assert section["label"] == "Brewing" and section["ideas"][0]["id"] == jam[0]
    page = client.get(f"/ideas/build-next/{jam[0]}").get_data(as_text=True)
    assert "Brewing" in page and "First roast" in page
    # The site's own items (statuses) never reach the editor's dashboard as things to run.
    dashboard = editor[0].get("/admin/")
    assert dashboard.status_code == 200 and "statuses" not in dashboard.get_data(as_text=True)


def test_followers_hear_the_sites_label_and_a_repeated_status_changes_nothing(
        editor, jam, store, client):
    _brewing(store)
    assert _status(editor, jam[0], "in-progress", "First roast").status_code == 200
    again = _status(editor, jam[0], "in-progress", "First roast")
    assert again.status_code == 200 and again.get_json()["idea"]["status"] == "in-progress"
    [event] = store.list_events(types=["idea.status_changed"])
    assert event.data["status"] == "in-progress" and event.data["status_label"] == "Brewing"
    assert len(store.status_history(jam[0])) == 1
    actions = [e.action for e in store.list_audit() if e.action == "idea.status"]
    assert actions == ["idea.status"]


def test_the_jam_widget_gets_the_sites_label_even_after_a_rename(editor, jam, store, client):
    assert _status(editor, jam[0], "in-progress").status_code == 200
    rows = {i["id"]: i for i in client.get("/api/jams/build-next").get_json()["ideas"]}
    assert rows[jam[0]]["status_label"] == "In progress"
    assert rows[jam[1]]["status"] == "open" and rows[jam[1]]["status_label"] == "Open"
    _brewing(store)  # a sync renames it: the cached rows follow without a change to the jam
    rows = {i["id"]: i for i in client.get("/api/jams/build-next").get_json()["ideas"]}
    assert rows[jam[0]]["status_label"] == "Brewing"


def test_a_status_the_site_removed_is_refused(editor, jam, store):
    spec = to_spec(DEFAULT_STATUSES)
    spec["statuses"] = [s for s in spec["statuses"] if s["key"] != "under-consideration"]
    sync_manifest(store, [*store.list_items("jam"), Item(kind="site", id="statuses", spec=spec)])
    assert _status(editor, jam[0], "under-consideration").status_code == 400
    assert _status(editor, jam[0], "planned").status_code == 200


def test_idea_page_shows_history_votes_and_duplicates(editor, jam, store, client, new_voter):
    for _ in range(3):
        new_voter().post(f"/api/jams/build-next/ideas/{jam[0]}/vote", json={})
    client_e, csrf = editor
    client_e.post(f"{BASE}/{jam[2]}/merge", json={"into": jam[0]}, headers=csrf)
    _status(editor, jam[0], "planned", "Trial in two shops")
    response = client.get(f"/ideas/build-next/{jam[0]}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1 id=\"idea-title\">Oat milk flat white</h1>" in html
    assert "by Marta" in html and "<strong>3</strong> votes" in html
    assert "Trial in two shops" in html and "Planned" in html
    assert f'href="/ideas/build-next/{jam[2]}">A night market stall</a>' in html
    merged = client.get(f"/ideas/build-next/{jam[2]}")  # a merged idea's page is its target
    assert merged.status_code == 302
    assert merged.location.endswith(f"/ideas/build-next/{jam[0]}")


def test_idea_pages_that_must_not_exist(store, jam, client):
    pending = store.add_idea("build-next", title="Secret pending idea", body="", author=None,
                             voter_id=None, moderation="pending", at=AT)
    assert client.get(f"/ideas/build-next/{pending.id}").status_code == 404
    assert client.get("/ideas/build-next/99999").status_code == 404
    assert client.get(f"/ideas/other-jam/{jam[0]}").status_code == 404


def test_admin_form_sets_status_with_a_note(editor, jam, store):
    client, _ = editor
    page = client.get("/admin/jams/build-next").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert 'value="under-consideration"' in page
    response = client.post(f"/admin/jams/build-next/ideas/{jam[0]}/status",
                           data={"status": "done", "note": "On the menu now",
                                 "csrf_token": token})
    assert response.status_code in (302, 303)
    assert [(c.status, c.note) for c in store.status_history(jam[0])] == [
        ("done", "On the menu now")]
