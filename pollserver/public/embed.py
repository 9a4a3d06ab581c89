"""Embeds: ``/embed.js`` (the custom elements) and ``/embed/KIND/ID`` (the iframe form).

``/embed.js`` may be loaded only by this site and the origins in
``POLLSERVER_EMBED_ORIGINS``: module scripts are fetched with CORS, so an unlisted page is
refused the script itself. The iframe page carries ``frame-ancestors`` naming the same list,
runs the same element when JavaScript is on (the fallback form inside it is then hidden by its
shadow root) and is a plain form that posts back to itself when it is off.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, abort, g, render_template, request

from pollserver.actions import polls, surveys
from pollserver.errors import DomainError
from pollserver.presenters.polls import poll_view
from pollserver.presenters.surveys import survey_view
from pollserver.public import bp
from pollserver.web.confirm import confirm_page, needs_confirm
from pollserver.web.context import get_store, load, now, reader, services
from pollserver.web.embed import embed_origin, frame_ancestors
from pollserver.web.identity import current_voter, ensure_voter
from pollserver.web.locale import current_lang, gettext
from pollserver.web.messages import localized
from pollserver.web.newvoters import reward_gate, writing_to
from pollserver.web.proof import check_proof
from pollserver.web.security import check_same_origin
from pollserver.web.texts import in_language, item_texts
from pollserver.web.verified import require_verified

STATIC = Path(__file__).parent / "static"
KINDS = ("poll", "jam", "survey")


def _frame_csp() -> str:
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "base-uri 'none'", "form-action 'self'",
        f"frame-ancestors {frame_ancestors()}",
    ])


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _static(name: str, mimetype: str) -> Response:
    response = Response(_read(name), mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Origin")
    origin = embed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/embed.js")
def embed_script() -> Response:
    """The custom elements (an ES module); readable cross-origin by listed origins only."""
    return _static("embed.js", "text/javascript")


@bp.get("/embed.css")
def embed_style() -> Response:
    """The iframe page's styles (the elements carry their own in their shadow roots)."""
    return _static("embed.css", "text/css")


def _view(kind: str, item_id: str) -> dict[str, Any]:
    item, spec = load(kind, item_id)
    who = reader(current_voter())
    lang = current_lang()
    if kind == "poll":
        return in_language(poll_view(who, item, spec), lang)
    if kind == "survey":
        return {**survey_view(who, item, spec), **_words(kind, item_id, lang, ("question",))}
    return {"id": spec.id, "title": spec.title, "prompt": spec.prompt,
            **_words(kind, item_id, lang, ("title", "prompt"))}


def _words(kind: str, item_id: str, lang: str, fields: tuple[str, ...]) -> dict[str, str]:
    """The block's words in ``lang`` where its translation gave them (the manifest's texts)."""
    texts = item_texts(kind, item_id, lang)
    return {f: texts[f] for f in fields if isinstance(texts.get(f), str)}


def _page(kind: str, item_id: str, *, message: str = "", ok: bool = True,
          status: int = 200) -> Response:
    if kind not in KINDS:
        abort(404)
    body = render_template("public/embed.html", kind=kind, item_id=item_id,
                           view=_view(kind, item_id), message=message, ok=ok,
                           scores=range(11))
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _frame_csp()
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


@bp.get("/embed/<kind>/<item_id>")
def embed_page(kind: str, item_id: str) -> Response:
    """The iframe form of an item, framable by the listed origins only."""
    return _page(kind, item_id)


@bp.post("/embed/<kind>/<item_id>")
def embed_post(kind: str, item_id: str) -> Response:
    """The iframe's form with JavaScript off: vote or answer, then show the page again."""
    check_same_origin()  # the frame posts to its own origin
    if kind not in ("poll", "survey"):
        abort(405)
    g.embed_frame = True  # over HTTPS the voter cookie is partitioned (web/identity.py)
    store, form = get_store(), request.form
    try:
        writing_to(kind, item_id)
        services().limits.check("vote" if kind == "poll" else "answer")
        item, spec = load(kind, item_id)
        if kind == "poll":
            require_verified(spec)
            polls.vote(store, item, spec, form.getlist("choices"), ensure_voter, at=now(),
                       reward=reward_gate)
            message = gettext("Thank you, your vote is counted.")
        else:
            if str(form.get("comment") or "").strip():  # a comment costs what it costs on /api
                if needs_confirm(form, True):
                    return confirm_page(form)
                check_proof(form, f"survey:{item_id}", form=True)
            surveys.answer(store, item, spec, ensure_voter, score=form.get("score"),
                           comment=form.get("comment"), consent_to_quote=None, at=now(),
                           reward=reward_gate)
            message = gettext("Thank you for your answer.")
    except DomainError as error:
        return _page(kind, item_id, message=localized(error.message, error.code), ok=False,
                     status=error.status)
    return _page(kind, item_id, message=message)
