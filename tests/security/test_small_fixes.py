"""Issue 11 items 6, 7 and 8: admin ``next`` with control characters, revocable editor
sessions, HEAD on the login page, the upload cap before sign-in, and static serving that
neither follows symlinks out of the site nor serves dotfiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.admin.conftest import EditorActions, password_hash


@pytest.fixture
def editor_app(app, store):
    store.put_admin("editor", password_hash())
    return app


@pytest.mark.parametrize("target", ["/\r\nX: y", "/ok\nSet-Cookie: a=b", "/a\tb"])
def test_admin_login_next_with_control_characters_goes_to_the_dashboard(editor_app,
                                                                         target) -> None:
    editor = EditorActions(editor_app.test_client())
    response = editor.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert editor.client.get("/admin/").status_code == 200  # the session was kept


@pytest.mark.parametrize("target", ["/\x00", "/\x7f", "/\x1b[0m"])
def test_admin_login_next_with_other_controls_is_refused_as_input(editor_app, target) -> None:
    response = EditorActions(editor_app.test_client()).login(next=target)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "next"


def test_logout_revokes_a_copied_cookie(editor_app) -> None:
    editor = EditorActions(editor_app.test_client())
    assert editor.login().status_code == 302
    stolen = editor.client.get_cookie("vh_editor").value
    editor.logout()
    thief = editor_app.test_client()
    thief.set_cookie("vh_editor", stolen)
    assert thief.get("/admin/").status_code == 302
    assert thief.get("/api/admin/jams/x").status_code == 401


def test_sign_out_everywhere_ends_every_session_of_the_editor(editor_app) -> None:
    laptop, phone = (EditorActions(editor_app.test_client()) for _ in range(2))
    assert laptop.login().status_code == 302 and phone.login().status_code == 302
    assert phone.client.get("/admin/").status_code == 200
    response = laptop.post("/admin/logout-everywhere")
    assert response.status_code == 302
    assert phone.client.get("/admin/").status_code == 302
    assert laptop.client.get("/admin/").status_code == 302
    assert services_of(editor_app).store.list_audit()[0].action == (
        "logout.everywhere")
    assert laptop.login().status_code == 302  # signing in again works
    assert laptop.client.get("/admin/").status_code == 200


def test_head_on_the_login_page(client) -> None:
    response = client.head("/admin/login")
    assert response.status_code == 200


def test_upload_cap_is_not_raised_before_sign_in(client) -> None:
    body = {"pool": "p", "codes": "X" * 100_000}
    response = client.post("/admin/rewards/load", data=body, content_type="multipart/form-data",
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 413


def test_signed_in_editor_may_still_upload_big_files(editor_app) -> None:
    editor = EditorActions(editor_app.test_client())
    editor.login()
    codes = "\n".join(f"CODE-{n:06d}" for n in range(20_000))
    response = editor.post("/admin/rewards/load", {"pool": "big", "codes": codes},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert services_of(editor_app).store.pool_stats()["big"] == (20_000, 0)


@pytest.fixture
def site_client(tmp_path: Path):
    site = tmp_path / "output"
    (site / "news").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>")
    (site / "news" / "a.html").write_text("<h1>a</h1>")
    (site / ".env").write_text("SECRET=1")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]")
    outside = tmp_path / "private.txt"
    outside.write_text("private")
    (site / "leak.txt").symlink_to(outside)
    (site / "leakdir").symlink_to(tmp_path)
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=site, rate_limits="off",
                              secret_key="k", extra={"store": "memory"}))
    yield app.test_client()
    services_of(app).store.close()


@pytest.mark.parametrize("path", ["/.env", "/.git/config", "/news/../.env", "/leak.txt",
                                  "/leakdir/private.txt"])
def test_static_serving_refuses_dotfiles_and_symlinks_out(site_client, path: str) -> None:
    with site_client.get(path) as response:
        assert response.status_code == 404
        assert b"SECRET" not in response.data and b"private" not in response.data


def test_static_serving_still_serves_pages(site_client) -> None:
    for method, path in (("GET", "/"), ("GET", "/news/a.html"), ("HEAD", "/news/a")):
        with site_client.open(path, method=method) as response:
            assert response.status_code == 200, path
