"""Guards for state-changing API views: origin check, body parsing, form-post replies.

The same URL serves ``fetch`` (JSON in, JSON out) and a plain HTML form with JavaScript off
(form in, 303 back to the article out), so every view is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, jsonify, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnsupportedMediaType

from pollserver.domain.paths import local_path
from pollserver.domain.records import Item
from pollserver.errors import BadRequest, DomainError
from pollserver.web import flash
from pollserver.web.confirm import SITE_FIELD, confirm_page, needs_confirm
from pollserver.web.context import get_store, services
from pollserver.web.cors import site_origin
from pollserver.web.errors import respond
from pollserver.web.inputs import has_body
from pollserver.web.locale import current_lang
from pollserver.web.newvoters import writing_to
from pollserver.web.outcomes import failed_outcome, outcome_anchor
from pollserver.web.proof import check_proof
from pollserver.web.security import check_same_origin
from pollserver.web.texts import url_in

__all__ = ["is_form", "parse_body", "reply", "state_changing"]

JSON_TYPES = {"application/json"}
FORM_TYPES = {"application/x-www-form-urlencoded"}


def is_form() -> bool:
    """Tell whether the current request is a no-JS form post."""
    return bool(g.get("is_form"))


def _body() -> dict[str, Any] | MultiDict[str, str]:
    mimetype = request.mimetype
    if request.method == "DELETE" and not has_body():
        g.is_form = False
        return {}
    if mimetype in JSON_TYPES:
        g.is_form = False
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise BadRequest("The request body must be a JSON object.")
        return data
    if mimetype in FORM_TYPES:
        g.is_form = True
        return request.form
    raise UnsupportedMediaType()


def parse_body() -> dict[str, Any] | MultiDict[str, str]:
    """Parse a JSON or no-JS form body (415 for anything else); remembers which it was."""
    return _body()


def _page_in(item: Item, kind: str, lang: str) -> str:
    """The item's page in ``lang``: from its stored spec (``sync`` keeps each translation's
    words and page, so a pollserver without the built site knows them), else from the built
    manifest, else the item's own page."""
    texts = item.spec.get("texts") if isinstance(item.spec, dict) else None
    entry = texts.get(lang) if isinstance(texts, dict) else None
    own = local_path(entry.get("url")) if isinstance(entry, dict) else None
    return own or url_in(kind, item.id, lang, local_path(item.url) or "/")


def _site() -> str | None:
    """The listed site origin the form came from: its ``Origin``, or the one a confirm page
    carried over (``_site``; only a listed origin counts, so it cannot redirect elsewhere)."""
    origin = site_origin()
    if origin is None and is_form():
        carried = str(request.form.get(SITE_FIELD) or "").rstrip("/")
        if carried and carried in services().settings.public_origins:
            return carried
    return origin


def _back_to(kind: str, item_id: str, anchor: str | None = None,
             outcome: str | None = None) -> str:
    item = get_store().get_item(kind, item_id)
    if item is None:
        # Never echo the caller's id into the Location header: it may hold a CR/LF.
        return "/"
    url = _page_in(item, kind, current_lang())  # the page in the form's language
    origin = _site()
    if origin is None:
        return f"{url}#{anchor or f'{kind}-{item.id}'}"
    # A form posted from the static site on another host goes back to that host, to the page
    # of its language the manifest names (never the Referer); the static page cannot read
    # this host's cookie, so the outcome travels in the fragment its CSS shows (:target).
    fragment = outcome_anchor(kind, item.id, outcome) if outcome else anchor
    return f"{origin}{url}#{fragment or f'{kind}-{item.id}'}"


def reply(kind: str, item_id: str, payload: dict[str, Any], *, status: int = 200,
          message: str, anchor: str | None = None, outcome: str | None = None) -> Response:
    """Answer JSON to fetch, or 303 back to the article with a flash message to a form
    (``outcome``: the baked message the static page shows on another origin)."""
    if is_form():
        response = redirect(_back_to(kind, item_id, anchor, outcome), code=303)
        return flash.store(response, kind, item_id, ok=True, message=message)
    response = jsonify(payload)
    response.status_code = status
    return response


#: Where a refused no-JS form goes, from its body: ``(url, flash kind, flash id)``.
Back = Callable[[Any], tuple[str, str, str]]


#: Whether a write needs a proof of work (``web/proof.py``), from its body.
NeedsProof = Callable[[Any], bool]


def _target(kind: str, item_id: object, body: Any) -> str:
    if item_id is not None:
        return f"{kind}:{item_id}"
    return f"{str(body.get('kind', ''))[:16]}:{str(body.get('id', ''))[:64]}"


def state_changing(
    kind: str, limit: str, *, back: Back | None = None, proof: NeedsProof | None = None
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Check the origin, parse the body into ``body=``, apply the ``limit`` group's rate
    limits, and turn errors into a 303 with a message for form posts: the one guard of every
    state-changing reader endpoint.

    A view whose URL names its item (``<kind>_id``) writes to that item (the first-write
    limits count per item) and a refused form goes back to the item's article; ``back``
    says where it goes otherwise (a follow request names its item in the body). ``proof``
    says whether a body needs a proof of work (or a plain form's signed render time).
    """

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Response:
            check_same_origin()
            body = _body()
            item_id = kwargs.get(f"{kind}_id")
            try:
                if item_id is not None:
                    writing_to(kind, str(item_id))
                services().limits.check(limit)
                if proof is not None and proof(body):
                    if needs_confirm(body, is_form()):
                        return confirm_page(body)
                    check_proof(body, _target(kind, item_id, body), form=is_form())
                return view(body=body, **kwargs)
            except DomainError as error:
                if not is_form() or error.status in (403, 415):
                    raise
                if back is not None:
                    url, flash_kind, flash_id = back(body)
                    return respond(error, form=(flash_kind, flash_id, url))
                item = str(item_id or "")
                url = _back_to(kind, item, outcome=failed_outcome(kind, error.code))
                return respond(error, form=(kind, item, url))

        return wrapped

    return decorate
