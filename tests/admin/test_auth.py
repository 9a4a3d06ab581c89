"""Editor login: argon2 passwords, one generic failure message, rate limit, CSRF, logout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from pollserver.admin import auth
from pollserver.config import Settings
from pollserver.errors import Unauthorized
from pollserver.ops.passwords import hash_password, verify
from pollserver.web import editors
from pollserver.web.context import services_of
from tests.admin.conftest import PASSWORD, EditorActions


def test_dashboard_redirects_to_login_with_next(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/"


def test_login_with_argon2_hash(anon, editor_account, store):
    assert store.get_admin("editor").startswith("$argon2id$")
    response = anon.login(next="/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = anon.client.get("/admin/")
    assert page.status_code == 200 and "Dashboard" in page.get_data(as_text=True)
    assert store.list_audit()[0].action == "login"


def test_secure_cookie_over_https(anon, editor_account):
    anon.client.get("/admin/login", base_url="https://localhost")
    response = anon.client.post(
        "/admin/login", base_url="https://localhost",
        data={"username": "editor", "password": PASSWORD, "csrf_token": anon.token()})
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("username, password", [
    ("editor", "wrong password here"),
    ("nobody", PASSWORD),
    ("", ""),
])
def test_wrong_login_gives_one_generic_message(anon, editor_account, username, password):
    response = anon.login(username, password)
    assert response.status_code == 401
    assert auth.LOGIN_FAILED in response.get_data(as_text=True)
    assert anon.client.get("/admin/").status_code == 302


def test_open_redirect_refused(anon, editor_account):
    response = anon.login(next="//evil.example/")
    assert response.headers["Location"] == "/admin/"


def test_login_rate_limited(tmp_path, editor_account):
    from pollserver import create_app

    app = create_app(Settings(data_dir=tmp_path / "rl", site_dir=None, rate_limits="on",
                              secret_key="k", extra={"store": "memory"}))
    services_of(app).store.put_admin("editor", hash_password(PASSWORD))
    actions = EditorActions(app.test_client())
    statuses = [actions.login("editor", "wrong-password!").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    blocked = actions.login()
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_forged_post_without_token_refused(editor, store):
    response = editor.client.post("/admin/logout", data={})
    assert response.status_code == 403
    assert "csrf_failed" in response.get_data(as_text=True)
    assert editor.client.get("/admin/").status_code == 200


def test_login_form_needs_token(anon, editor_account):
    response = anon.client.post("/admin/login",
                                data={"username": "editor", "password": PASSWORD})
    assert response.status_code == 403


def test_logout(editor, store):
    response = editor.logout()
    assert response.status_code == 302
    assert editor.client.get("/admin/").status_code == 302
    assert store.list_audit()[0].action == "logout"


def test_expired_session_keeps_next_and_form(editor, clock):
    token = editor.token("/admin/")
    clock.now += editors.LIFETIME + timedelta(seconds=60)
    assert editor.client.get("/admin/?x=1").headers["Location"] == "/admin/login?next=/admin/?x%3D1"
    response = editor.client.post("/admin/logout", data={"csrf_token": token, "note": "kept"},
                                  headers={"Referer": "http://localhost/admin/"})
    assert response.headers["Location"].startswith("/admin/login?next=/admin/")
    response = editor.login(next="/admin/")
    assert response.headers["Location"].startswith("/admin/resume")
    page = editor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="note" value="kept"' in page


def test_api_paths_answer_401_json(app):
    @editors.editor_required
    def probe():
        return "ok"

    with app.test_request_context("/api/jams/x/ideas/y/moderation", method="POST"):
        with pytest.raises(Unauthorized) as caught:
            probe()
    assert caught.value.status == 401 and caught.value.code == "unauthorized"


def test_password_helpers():
    with pytest.raises(ValueError):
        hash_password("short")
    hashed = hash_password("long enough pass")
    assert verify(hashed, "long enough pass") and not verify(hashed, "nope")
    assert not verify(None, "long enough pass")


def test_create_admin_cli(tmp_path, monkeypatch):
    from pollserver.cli import main
    from pollserver.store import open_store

    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "cli"))
    runner = CliRunner()
    short = runner.invoke(main, ["create-admin", "ann", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10" in short.output
    ok = runner.invoke(main, ["create-admin", "ann", "--password-stdin"], input=PASSWORD + "\n")
    assert ok.exit_code == 0, ok.output
    mismatch = runner.invoke(main, ["create-admin", "bob"], input="aaaaaaaaaaaa\nbbbbbbbbbbbb\n")
    assert mismatch.exit_code != 0
    store = open_store(Settings.from_env())
    try:
        assert verify(store.get_admin("ann"), PASSWORD)
        assert store.get_admin("bob") is None
    finally:
        store.close()


def test_session_json_gives_scripts_the_csrf_token(editor, client):
    info = client.get("/admin/session.json").get_json()
    assert info["editor"] == "editor" and info["csrf_token"] == editor.token("/admin/")
    assert client.post("/admin/logout", headers={"X-CSRF-Token": info["csrf_token"]}
                       ).status_code == 302


def test_session_json_needs_login(client):
    assert client.get("/admin/session.json").status_code == 302
