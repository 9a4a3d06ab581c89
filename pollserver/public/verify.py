"""``/verify``: what "verified customer" means and how to become one (the page a refused
``voters: verified`` vote points at); with ``?token=`` a one-button form that sends the
brand's token to ``POST /api/verify`` (no JavaScript needed)."""

from __future__ import annotations

from flask import Response, render_template, request

from pollserver.public import bp
from pollserver.web import flash
from pollserver.web.context import get_store, services
from pollserver.web.identity import current_voter


@bp.get("/verify")
def verify_page() -> Response:
    """Explain verification; offer the token's form; say whether this browser is verified."""
    voter = current_voter()
    token = request.args.get("token", "")[:4096]
    outcome = flash.read()
    body = render_template(
        "public/verify.html", token=token, outcome=outcome,
        enabled=bool(services().settings.verify_key), done=request.args.get("done") == "1",
        verified=bool(voter and get_store().is_verified(voter)))
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    # The token stays here (no other site sees it in a Referer); same-origin, not no-referrer:
    # with no-referrer the browser sends "Origin: null" on the form post, which is refused.
    response.headers["Referrer-Policy"] = "same-origin"
    return flash.clear(response) if outcome else response
