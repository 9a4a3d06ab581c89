"""One-shot outcome messages for readers who post forms with JavaScript off.

After a no-JS vote the API answers 303 back to the article; a short-lived signed cookie
carries what happened so the page (served by pollserver) can say it in words. Signing stops
another site from planting a misleading message.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from pollserver.web.identity import is_https
from pollserver.web.messages import localized

__all__ = ["COOKIE", "clear", "read", "store"]

COOKIE = "vh_flash"
MAX_AGE = 300


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="vh-flash")


def store(response: Response, kind: str, item_id: str, *, ok: bool, message: str,
          code: str = "") -> Response:
    """Attach the outcome of a form post to the redirect response, in the form's language."""
    payload = {"k": kind, "i": item_id, "ok": ok, "m": localized(message, code)[:300], "c": code}
    response.set_cookie(COOKIE, _serializer().dumps(payload), max_age=MAX_AGE, path="/",
                        httponly=True, samesite="Lax", secure=is_https())
    return response


def read() -> dict[str, Any] | None:
    """Return the pending outcome, or ``None`` if there is none (or it is forged/expired)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def clear(response: Response) -> Response:
    """Remove the outcome cookie once it has been shown."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response
