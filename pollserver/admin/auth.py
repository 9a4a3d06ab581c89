"""Editor sign-in: sessions, the ``editor_required`` guard, CSRF tokens, login and logout.

Editors are the only accounts in valuehub. Their session lives in Flask's signed cookie
(HttpOnly, SameSite=Strict, Secure over HTTPS) and ends 8 hours after login. Every admin
form and every editor JSON call carries a per-session CSRF token (form field ``csrf_token``
or header ``X-CSRF-Token``); SameSite alone is not trusted because older browsers ignore it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
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
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from pollserver.admin import bp
from pollserver.admin.audit import record
from pollserver.admin.passwords import needs_rehash, verify
from pollserver.api.items import get_store, now
from pollserver.domain.errors import DomainError, Forbidden
from pollserver.domain.paths import local_path
from pollserver.identity import is_https
from pollserver.limits import RateLimited
from pollserver.security import UNSAFE_METHODS, is_cross_site

__all__ = ["CsrfFailed", "Unauthorized", "check_csrf", "csrf_token", "current_editor",
           "editor_required", "init_sessions"]

LIFETIME = timedelta(hours=8)
#: Largest form (in characters) kept across a re-login; bigger ones are dropped, not cut.
KEEP_LIMIT = 2500
LOGIN_FAILED = "That username and password do not match an editor account."


class Unauthorized(DomainError):
    """No editor is signed in (or the session has expired)."""

    code = "unauthorized"
    status = 401


class CsrfFailed(Forbidden):
    """A state-changing editor request did not carry this session's CSRF token."""

    code = "csrf_failed"


def _reader_api(path: str) -> bool:
    """Tell whether ``path`` is a reader's API call (``/api/...`` but not ``/api/admin...``)."""
    return path.startswith("/api/") and not path.startswith("/api/admin")


class _EditorSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions whose Secure flag follows the request (or POLLSERVER_HTTPS).

    Readers' API calls (votes, jams, surveys: the hot paths) never use the editor session, so
    there they get an empty session that is never saved: no signing serializer is built and no
    cookie verified per request. Every other path (``/admin``, ``/api/admin``, pages) keeps
    Flask's ordinary session.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return is_https()

    def open_session(self, app: Flask, request: Any) -> SessionMixin | None:
        if _reader_api(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Any) -> None:
        if not _reader_api(request.path):
            super().save_session(app, session, response)


def init_sessions(app: Flask) -> None:
    """Configure the editor session cookie and expose ``csrf_token()`` to templates."""
    app.config.update(
        SESSION_COOKIE_NAME="vh_editor",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
    app.session_interface = _EditorSessions()
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_editor"] = current_editor


def csrf_token() -> str:
    """Return this session's CSRF token, creating it on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Raise :class:`CsrfFailed` unless the request carries this session's token."""
    expected = session.get("csrf")
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        raise CsrfFailed("The form had expired or did not come from this site; "
                         "reload the page and try again.")


def session_hash(sid: str) -> str:
    """The store keeps only this hash: a copy of the data cannot be replayed as a cookie."""
    return hashlib.sha256(f"valuehub editor session:{sid}".encode()).hexdigest()


def current_editor() -> str | None:
    """Return the signed-in editor's username, or ``None`` (no session, it expired, or it
    was revoked by logging out or signing out everywhere)."""
    if "editor_checked" in g:
        return g.editor_checked
    name = session.get("editor")
    since = session.get("since", 0)
    sid = session.get("sid")
    editor = None
    if (isinstance(name, str) and isinstance(sid, str)
            and time.time() - float(since) <= LIFETIME.total_seconds()
            and get_store().editor_session(session_hash(sid)) == name):
        editor = name
    g.editor_checked = editor
    return editor


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def safe_next(target: str | None, default: str = "/admin/") -> str:
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirect,
    no header splitting)."""
    return local_path(target) or default


def _came_from() -> str:
    """Return where an expired form post should land after login: the page it was on."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/admin"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/admin/"


def _keep_form() -> None:
    """Remember an expired session's form post so the editor can send it again."""
    data = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
    if sum(len(k) + len(v) for k, v in data) <= KEEP_LIMIT:
        session["kept"] = {"path": request.path, "data": data}


def editor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only a signed-in editor through; check the CSRF token on state changes.

    Under ``/api`` a missing editor is a 401 JSON error; on ``/admin`` pages it is a
    redirect to the login page that keeps ``next`` (and a posted form, to resend).
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_editor() is None:
            if _is_api():
                raise Unauthorized("Sign in as an editor at /admin/login first.")
            target = request.full_path.rstrip("?")
            if request.method in UNSAFE_METHODS:
                # A cross-site form must not plant a post for the editor to resend later.
                if is_cross_site():
                    raise CsrfFailed("This form did not come from this site.")
                _keep_form()
                target = _came_from()
            return redirect(url_for("admin.login", next=target))
        if request.method in UNSAFE_METHODS:
            check_csrf()
        return view(*args, **kwargs)

    return wrapped


@bp.errorhandler(CsrfFailed)
def _csrf_failed(error: CsrfFailed) -> tuple[str, int]:
    return render_template("admin/error.html", title="Request refused", code=error.code,
                           message=error.message), 403


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
        current_app.extensions["pollserver.limits"].check("login")
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
        from pollserver.admin.passwords import hash_password

        store.put_admin(username, hash_password(password))
    kept = session.get("kept")
    session.clear()  # a fresh session (and CSRF token) at every login: no fixation
    session.permanent = True
    sid = secrets.token_urlsafe(32)
    get_store().add_editor_session(session_hash(sid), username, at=now())
    session.update(editor=username, since=time.time(), sid=sid)
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
