"""Every request's input checked once, before any view: valid text, shallow JSON.

The fields' own rules (:mod:`pollserver.domain.text`, lengths, ids) still run in the views;
this edge check makes sure no view, store or page ever sees a lone surrogate, a NUL or a
control character in a path, query, form or JSON value (PostgreSQL refuses NUL, UTF-8 pages
cannot encode a surrogate), and that a deeply nested JSON body is a 400 rather than a
``RecursionError``.

Every body is checked whatever its framing: one sent with ``Transfer-Encoding: chunked``
has no ``Content-Length``, and the WSGI server (gunicorn, werkzeug) hands it over whole
(capped at the same size), so it goes through the same checks as any other.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

from pollserver.domain.errors import BadRequest, NotFound
from pollserver.domain.text import MAX_DEPTH, check_text, problem_of

__all__ = ["check_value", "has_body", "init_app"]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Multipart bodies (the editor's file upload) are left to their view, which checks them
#: after the sign-in check (reading them here would apply the small reader cap first).
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded"})


def check_value(value: Any, field: str, depth: int = 0) -> None:
    """Raise ``BadRequest`` if any text in ``value`` (keys included) is not valid text or
    the value nests deeper than :data:`MAX_DEPTH`."""
    if isinstance(value, str):
        check_text(value, field)
        return
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        raise BadRequest(f"The request body nests deeper than {MAX_DEPTH} levels.",
                         field=field or None)
    if isinstance(value, dict):
        for key, item in value.items():
            name = field or str(key)[:40]
            check_text(key, name)
            check_value(item, name, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_value(item, field, depth + 1)


def has_body() -> bool:
    """Whether the request carries a body, whatever its framing.

    A chunked body has no ``Content-Length``, so only reading it tells (it is kept for the
    view's own parsing). The WSGI layer stops reading such a body at the size cap without
    saying so, and a form cut short there would be taken as complete: a body that reaches
    the cap is refused as too large (413) instead.
    """
    if request.content_length is not None:
        return request.content_length > 0
    data = request.get_data(cache=True)
    cap = request.max_content_length
    if cap is not None and len(data) >= cap:
        raise RequestEntityTooLarge()
    return bool(data)


def _json_body() -> Any:
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise BadRequest(f"The request body nests deeper than {MAX_DEPTH} levels.") from None


def _check_request() -> None:
    req = request._get_current_object()  # one proxy look-up: this runs on every request
    if problem_of(req.path, allow_cr=False) is not None:
        # No poll, jam, idea or page has such a name: nothing is at this address.
        raise NotFound("There is nothing at this address.")
    if req.method not in _BODY_METHODS:
        return  # reads: views validate the few query values they use (sort, next, title)
    if req.environ.get("QUERY_STRING"):
        for name, value in req.args.items(multi=True):
            check_value(name, "query")
            check_value(value, name[:40])
    is_json = req.is_json
    if not (is_json or req.mimetype in _FORM_TYPES) or not has_body():
        return  # other bodies (the editor's upload) are checked by their view
    if is_json:
        check_value(_json_body(), "")
    else:
        for name, value in req.form.items(multi=True):
            check_value(name, "form")
            check_value(value, name[:40])


def init_app(app: Flask) -> None:
    """Check every request's input before its view runs."""
    app.before_request(_check_request)
