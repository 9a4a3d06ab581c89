"""Editor sign-in pages: login (rate-limited per client IP), resume a kept form, logout.

The session itself, the ``editor_required`` guard and the CSRF tokens are in
:mod:`pollserver.web.editors`, shared with the editor JSON API.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from flask import (
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from pollserver.admin import bp
from pollserver.admin.audit import record
from pollserver.domain.paths import local_path
from pollserver.errors import RateLimited
from pollserver.ops.passwords import needs_rehash, verify
from pollserver.web.context import get_store, now, services
from pollserver.web.editors import (
    LIFETIME,
    check_csrf,
    csrf_token,
    current_editor,
    editor_required,
    session_hash,
)

__all__ = ["login", "logout", "safe_next"]

LOGIN_FAILED = "That username and password do not match an editor account."


def safe_next(target: str | None, default: str = "/admin/") -> str:
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirect,
    no header splitting)."""
    return local_path(target) or default


def _login_page(status: int = 200, error: str | None = None, **extra: Any) -> Response:
    body = render_template("admin/login.html", error=error,
                           next=safe_next(request.values.get("next")),
                           username=request.form.get("username", ""))
    response = current_app.make_response((body, status))
    response.headers.update(extra.get("headers", {}))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    """Show the login form; on POST check the password (rate-limited per client IP)."""
    if request.method in ("GET", "HEAD"):  # Flask answers HEAD with this view too
        return _login_page()
    check_csrf()
    try:
        services().limits.check("login")
    except RateLimited as error:
        return _login_page(429, error.message,
                           headers={"Retry-After": str(error.retry_after)})
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    store = get_store()
    stored = store.get_admin(username) if username else None
    if not verify(stored, password):
        return _login_page(401, LOGIN_FAILED)
    if stored and needs_rehash(stored):
        from pollserver.ops.passwords import hash_password

        store.put_admin(username, hash_password(password))
    kept = session.get("kept")
    session.clear()  # a fresh session (and CSRF token) at every login: no fixation
    session.permanent = True
    sid = secrets.token_urlsafe(32)
    get_store().add_editor_session(session_hash(sid), username, at=now())
    session.update(editor=username, since=now().timestamp(), sid=sid)
    g.pop("editor_checked", None)
    if kept:
        session["kept"] = kept
    record("login", "editor:" + username)
    if kept:
        return redirect(url_for("admin.resume", next=request.form.get("next")))
    return redirect(safe_next(request.form.get("next")))


@bp.get("/resume")
@editor_required
def resume() -> Response | str:
    """Offer to send again a form that was posted while the session had expired."""
    kept = session.pop("kept", None)
    if not kept:
        return redirect(safe_next(request.args.get("next")))
    return render_template("admin/resume.html", kept=kept,
                           back=safe_next(request.args.get("next")))


@bp.get("/session.json")
@editor_required
def session_info() -> Response:
    """Tell a signed-in editor's script who it is and which CSRF token to send."""
    expires = float(session.get("since", 0)) + LIFETIME.total_seconds()
    response = jsonify(editor=current_editor(), csrf_token=csrf_token(),
                       expires_at=datetime.fromtimestamp(expires, UTC).isoformat())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/logout")
@editor_required
def logout() -> Response:
    """End the editor's session (a POST with the CSRF token, so no link can log you out)."""
    record("logout", "editor:" + (current_editor() or ""))
    get_store().revoke_editor_sessions(session_hash=session_hash(str(session.get("sid"))))
    session.clear()
    return redirect(url_for("admin.login"))


@bp.post("/logout-everywhere")
@editor_required
def logout_everywhere() -> Response:
    """End every session of this editor, on every device (a copied cookie stops working)."""
    editor = current_editor() or ""
    ended = get_store().revoke_editor_sessions(username=editor)
    record("logout.everywhere", "editor:" + editor, sessions=ended)
    session.clear()
    return redirect(url_for("admin.login"))
