"""Champion grants and profile tidying by editors: JSON API and admin screens, both needing a
signed-in editor and the CSRF token, both audited, and grants tied to the voter id."""

from __future__ import annotations

from tests.editors import TOKEN_RE

GRANTS = "/api/admin/champions"


def test_grant_needs_an_editor(client, jam, store):
    answer = client.post(GRANTS, json={"idea": jam[0]}, headers={"Origin": "http://localhost"})
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"
    assert client.delete(f"{GRANTS}/{jam[0]}").status_code in (401, 403)
    assert store.list_champions() == []


def test_grant_needs_the_csrf_token(editor, jam, store):
    client, _ = editor
    answer = client.post(GRANTS, json={"idea": jam[0]})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "csrf_failed"
    assert store.list_champions() == []


def test_grant_goes_to_the_voter_id_not_the_name(editor, jam, store):
    client, csrf = editor
    answer = client.post(GRANTS, json={"idea": jam[0]}, headers=csrf)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()["champion"]
    assert body["idea"] == jam[0] and body["author"] == "Marta" and body["granted_by"] == "editor"
    assert "voter" not in str(answer.get_json())  # no voter id leaves the server
    assert store.is_champion("voter-0")
    assert not store.is_champion("Marta")
    # Someone else typing the same name is not a champion.
    other = store.add_idea("build-next", title="Copycat", body="", author="Marta",
                           voter_id="voter-x", moderation="published", at=store.get_idea(
                               jam[0]).created_at)
    assert not store.is_champion(other.voter_id)
    listed = client.get(GRANTS).get_json()["champions"]
    assert [g["idea"] for g in listed] == [jam[0]]
    audit = store.list_audit()[0]
    assert (audit.action, audit.target, audit.actor) == ("champion.grant", f"idea:{jam[0]}",
                                                         "editor")
    assert "voter-0" not in str(audit)

    revoked = client.delete(f"{GRANTS}/{jam[0]}", headers=csrf)
    assert revoked.status_code == 200 and revoked.get_json() == {"revoked": True}
    assert not store.is_champion("voter-0")
    assert store.list_audit()[0].action == "champion.revoke"
    again = client.delete(f"{GRANTS}/{jam[0]}", headers=csrf)
    assert again.get_json() == {"revoked": False}


def test_bad_grants_are_4xx(editor, jam, store):
    client, csrf = editor
    for body in ({}, {"idea": True}, {"idea": ["1"]}, {"idea": ""}):
        answer = client.post(GRANTS, json=body, headers=csrf)
        assert answer.status_code == 400, body
        assert answer.get_json()["error"]["code"] == "bad_request"
    assert client.post(GRANTS, json={"idea": "999"}, headers=csrf).status_code == 404
    anonymous = store.add_idea("build-next", title="No cookie", body="", author="Kim",
                               voter_id=None, moderation="published",
                               at=store.get_idea(jam[0]).created_at)
    answer = client.post(GRANTS, json={"idea": anonymous.id}, headers=csrf)
    assert answer.status_code == 400 and "recognised" in answer.get_json()["error"]["message"]
    assert store.list_champions() == []


def _form(client, path, data):
    token = TOKEN_RE.search(client.get("/admin/").get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def test_admin_buttons_grant_and_revoke(editor, jam, store):
    client, _ = editor
    page = client.get("/admin/jams/build-next").get_data(as_text=True)
    assert "Make champion" in page and "Revoke champion" not in page
    answer = _form(client, f"/admin/jams/build-next/ideas/{jam[1]}/champion", {})
    assert answer.status_code == 303
    assert store.is_champion("voter-1")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "is now a champion" in page and "Revoke champion" in page
    forged = client.post(f"/admin/jams/build-next/ideas/{jam[1]}/revoke-champion", data={})
    assert forged.status_code == 403 and store.is_champion("voter-1")
    answer = _form(client, f"/admin/jams/build-next/ideas/{jam[1]}/revoke-champion", {})
    assert answer.status_code == 303 and not store.is_champion("voter-1")
    listing = client.get("/admin/profiles")
    assert listing.status_code == 200 and "No champions yet." in listing.get_data(as_text=True)


def test_erase_in_me_ends_champion_status(editor, jam, store, voter):
    client, csrf = editor
    shared = voter.post("/api/jams/build-next/ideas",
                        json={"title": "Single-origin decaf", "body": "Please", "author": "Ines"})
    assert shared.status_code in (200, 201), shared.get_json()
    idea = max(store.list_ideas("build-next"), key=lambda i: int(i.id))
    store.update_idea(idea.id, moderation="published")
    assert client.post(GRANTS, json={"idea": idea.id}, headers=csrf).status_code == 200
    assert store.is_champion(idea.voter_id)
    assert voter.client.get("/api/me").get_json()["champion"] is True  # in their own export
    assert voter.client.get("/champions/ines").status_code == 200
    assert voter.delete("/api/me").status_code == 200
    assert not store.is_champion(idea.voter_id)
    assert store.list_champions() == []
    assert voter.client.get("/champions/ines").status_code == 404  # the profile went too
    assert client.get(GRANTS).get_json() == {"champions": []}


def test_hide_and_merge_profiles(editor, jam, store, client):
    editor_client, csrf = editor
    store.add_idea("build-next", title="Cold brew cans", body="", author="Marta R.",
                   voter_id="voter-9", moderation="published",
                   at=store.get_idea(jam[0]).created_at)
    assert client.get("/champions/marta-r").status_code == 200
    merged = editor_client.post("/api/admin/profiles/marta-r", json={"merged_into": "Marta"},
                                headers=csrf)
    assert merged.get_json() == {"profile": {"slug": "marta-r", "hidden": False,
                                             "merged_into": "marta"}}
    answer = client.get("/champions/marta-r")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/champions/marta")
    page = client.get("/champions/marta").get_data(as_text=True)
    assert "Cold brew cans" in page and "Oat milk flat white" in page
    assert '<h1 id="profile-title">Marta</h1>' in page
    circle = editor_client.post("/api/admin/profiles/marta", json={"merged_into": "marta-r"},
                                headers=csrf)
    assert circle.status_code == 400
    assert editor_client.post("/api/admin/profiles/marta", json={"merged_into": "marta"},
                              headers=csrf).status_code == 400
    assert editor_client.post("/api/admin/profiles/marta", json={"merged_into": "ghost"},
                              headers=csrf).status_code == 404
    assert editor_client.post("/api/admin/profiles/marta", json={"hidden": "yes"},
                              headers=csrf).status_code == 400
    assert editor_client.post("/api/admin/profiles/marta", json={},
                              headers=csrf).status_code == 400
    hidden = editor_client.post("/api/admin/profiles/marta", json={"hidden": True},
                                headers=csrf)
    assert hidden.get_json()["profile"]["hidden"] is True
    missing = client.get("/champions/no-such-person")
    for path in ("/champions/marta", "/champions/marta-r"):
        answer = client.get(path)
        assert answer.status_code == 404 and answer.data == missing.data
    board = client.get("/api/champions").get_json()
    assert "Marta" not in str(board) and "Sam" in str(board)
    actions = [a.action for a in store.list_audit()]
    assert actions[:2] == ["profile.hide", "profile.merge"]
    # Undo both from the admin screen.
    assert _form(editor_client, "/admin/profiles/marta/show", {}).status_code == 303
    assert _form(editor_client, "/admin/profiles/marta-r/merge", {"into": ""}).status_code == 303
    assert client.get("/champions/marta-r").status_code == 200
    assert store.profile_rules() == {}
    page = editor_client.get("/admin/profiles").get_data(as_text=True)
    assert "marta-r" in page and "Show under" in page
    bad = _form(editor_client, "/admin/profiles/marta/merge", {"into": "marta"})
    assert bad.status_code == 400 and "cannot be merged into itself" in bad.get_data(as_text=True)


def test_profile_api_needs_an_editor(client, jam, store):
    answer = client.post("/api/admin/profiles/marta", json={"hidden": True},
                         headers={"Origin": "http://localhost"})
    assert answer.status_code == 401 and store.profile_rules() == {}


def test_a_refused_profile_change_saves_nothing(editor, jam, store):
    """Hide and merge in one request: if the merge is refused, the hide is not saved either."""
    editor_client, csrf = editor
    store.add_idea("build-next", title="Cold brew cans", body="", author="Marta R.",
                   voter_id="voter-9", moderation="published",
                   at=store.get_idea(jam[0]).created_at)
    assert editor_client.post("/api/admin/profiles/marta-r", json={"merged_into": "marta"},
                              headers=csrf).status_code == 200
    rules, audit = store.profile_rules(), store.list_audit()
    for slug, body, status in [
            ("marta", {"hidden": True, "merged_into": "unknown"}, 404),
            ("marta", {"hidden": True, "merged_into": "marta"}, 400),
            ("marta", {"hidden": True, "merged_into": "marta-r"}, 400),  # a circle
            ("marta", {"hidden": True, "merged_into": 5}, 400),
            ("marta-r", {"hidden": True, "merged_into": ["marta"]}, 400),
            ("marta", {"hidden": "yes", "merged_into": None}, 400)]:
        answer = editor_client.post(f"/api/admin/profiles/{slug}", json=body, headers=csrf)
        assert answer.status_code == status, (body, answer.get_json())
        assert "error" in answer.get_json()
        assert store.profile_rules() == rules and store.list_audit() == audit, body
