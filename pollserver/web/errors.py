"""The one place errors become responses: JSON for /api, a 303 for forms, admin pages.

:func:`respond` turns any :mod:`pollserver.errors` error into what its reader understands:
the ``{"error": {"code", "message"}}`` JSON body (the default, under /api and elsewhere), a
303 back to the article with the message for a reader's no-JS form, the admin page shown
again with the reason, or the admin error page when an editor's form is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import (
    Flask,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from pollserver.errors import CsrfFailed, DomainError, NotFound
from pollserver.web import flash
from pollserver.web.context import services
from pollserver.web.locale import current_lang
from pollserver.web.messages import localized

__all__ = ["error_response", "init_app", "respond"]

log = logging.getLogger("pollserver")

HTTP_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


#: What a reader's browser gets when a page fails: a small but valid HTML document.
BROKEN_PAGE = ('<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n'
               "<title>Something went wrong</title>\n<p>Something went wrong on our side.</p>\n")


def error_response(status: int, code: str, message: str, **extra: object) -> Response:
    """Build the JSON error body every API error uses (``message`` in the reader's language,
    ``code`` the same in every language)."""
    body: dict[str, object] = {"code": code, "message": localized(message, code)}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify({"error": body})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def _missing_page(message: str) -> ResponseReturnValue | None:
    """The page a browser gets for a missing page: the admin's own, or the site's 404.

    A reader who mistypes ``/ideas/jam/99`` sees the same friendly page as for any missing
    article; None when the site has no 404 page (pollserver running without the site).
    """
    if request.path.startswith("/admin/") and request.blueprint == "admin":
        return render_template("admin/error.html", title="Not found", code="not_found",
                               message=message), 404
    site_dir = services().settings.site_dir
    if not site_dir:
        return None
    pages = [Path(site_dir).absolute() / "404.html"]
    lang = current_lang()
    if lang != services().settings.language:  # the sub-site's own (de/404.html) first
        pages.insert(0, Path(site_dir).absolute() / lang / "404.html")
    page = next((p for p in pages if p.is_file()), None)
    if page is None:
        return None
    response = Response(page.read_bytes(), status=404, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def respond(error: DomainError, *, form: tuple[str, str, str] | None = None,
            page: Callable[[DomainError], ResponseReturnValue] | None = None
            ) -> ResponseReturnValue:
    """Turn ``error`` into a response.

    ``page`` shows an admin page again with the reason; ``form`` is ``(kind, item id,
    where to go back)`` for a reader's no-JS form post; an editor's refused admin form gets
    the admin error page; everything else the JSON error body.
    """
    if page is not None:
        return page(error)
    if form is not None:
        kind, item_id, back = form
        return flash.store(redirect(back, code=303), kind, item_id, ok=False,
                           message=error.message, code=error.code)
    if isinstance(error, NotFound) and not _wants_json():
        missing = _missing_page(error.message)
        if missing is not None:
            return missing
    if isinstance(error, CsrfFailed) and request.blueprint == "admin":
        return render_template("admin/error.html", title="Request refused", code=error.code,
                               message=error.message), 403
    response = error_response(error.status, error.code, error.message, field=error.field)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _http_error(error: HTTPException) -> ResponseReturnValue:
    if not _wants_json():
        if error.code == 404:
            return _missing_page("There is nothing at this address.") or error
        return error
    status = error.code or 500
    message = {
        404: "There is nothing at this address.",
        405: f"{request.method} is not allowed here.",
        413: "The request body is too large.",
        415: "Send JSON (application/json) or a form (application/x-www-form-urlencoded).",
    }.get(status, error.description or "The request could not be handled.")
    response = error_response(status, HTTP_CODES.get(status, "error"), message)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _unexpected(error: Exception) -> Response | tuple[str, int]:
    log.exception("unexpected error on %s %s", request.method, request.path)
    if _wants_json():
        return error_response(500, "internal_error", "Something went wrong on our side.")
    try:  # in the reader's language; the English page if even that fails
        lang, words = current_lang(), localized("Something went wrong on our side.")
    except Exception:  # noqa: BLE001 - the page for a failure must not fail
        return BROKEN_PAGE, 500
    return BROKEN_PAGE.replace('lang="en"', f'lang="{escape(lang)}"').replace(
        "Something went wrong on our side.", escape(words)), 500


def init_app(app: Flask) -> None:
    """Register the handlers so no error escapes as an HTML page under /api."""
    app.register_error_handler(DomainError, respond)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
