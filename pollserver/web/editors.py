"""Editor sessions: the signed cookie, the ``editor_required`` guard and CSRF tokens.

Editors are the only accounts in valuehub. Their session lives in Flask's signed cookie
(HttpOnly, SameSite=Strict, Secure over HTTPS) and ends 8 hours after login. Every admin
form and every editor JSON call carries a per-session CSRF token (form field ``csrf_token``
or header ``X-CSRF-Token``); SameSite alone is not trusted because older browsers ignore it.
Both the admin pages and the editor JSON API guard their views with :func:`editor_required`;
the login and logout pages live in :mod:`pollserver.admin.auth`.

Scripts use the editor JSON API (``/api/admin/...``) with a token from ``pollserver tokens
add`` instead: ``Authorization: Bearer <token>``. A bearer token is never sent by a browser on
its own, so it needs no CSRF token; an unknown or revoked one is a 401, and the token's name is
the actor the audit log records. Admin pages take sessions only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from pollserver.domain.tokens import hash_token
from pollserver.errors import CsrfFailed, ForbiddenOrigin, Unauthorized
from pollserver.web.context import get_store, now
from pollserver.web.identity import is_https
from pollserver.web.security import UNSAFE_METHODS, is_cross_site

__all__ = ["LIFETIME", "bearer_token", "check_csrf", "csrf_token", "current_editor",
           "editor_required", "init_sessions"]

LIFETIME = timedelta(hours=8)
#: Largest form (in characters) kept across a re-login; bigger ones are dropped, not cut.
KEEP_LIMIT = 2500


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


def bearer_token() -> str | None:
    """Return the ``Authorization: Bearer`` token of an editor API call, else ``None``."""
    if not request.path.startswith("/api/admin"):
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def current_editor() -> str | None:
    """Return the signed-in editor's username (or, on the editor API, the name of the bearer
    token), or ``None`` (no session, it expired, or it was revoked by logging out or signing
    out everywhere; an unknown or revoked token)."""
    if "editor_checked" in g:
        return g.editor_checked
    token = bearer_token()
    if token is not None:
        found = get_store().find_token(hash_token(token)) if token else None
        g.editor_checked = found.name if found is not None else None
        return g.editor_checked
    name = session.get("editor")
    since = session.get("since", 0)
    sid = session.get("sid")
    editor = None
    if (isinstance(name, str) and isinstance(sid, str)
            and now().timestamp() - float(since) <= LIFETIME.total_seconds()
            and get_store().editor_session(session_hash(sid)) == name):
        editor = name
    g.editor_checked = editor
    return editor


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


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
        bearer = bearer_token() is not None
        if current_editor() is None:
            if bearer:
                raise Unauthorized("The bearer token is unknown or has been revoked.")
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
        if request.method in UNSAFE_METHODS and not bearer:
            # A page of another site never acts for the editor, token or not; a script with
            # no Origin at all proves itself with the session's CSRF token.
            if is_cross_site():
                raise ForbiddenOrigin("Cross-site requests are not accepted.")
            check_csrf()
        return view(*args, **kwargs)

    return wrapped
