"""``POST /api/verify``: the brand's own site vouches for this reader (a signed token).

The token comes from the brand's account page, through a link to ``/verify?token=...`` (a
one-button form, works without JavaScript) or a ``postMessage`` the embedding page passes on
to a ``fetch``. (The check of ``voters: verified`` blocks is ``web/verified.py``.)
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, redirect, request

from pollserver.actions.customers import verify_customer
from pollserver.api import bp
from pollserver.api.guards import is_form, state_changing
from pollserver.web.context import get_store, now, services
from pollserver.web.cors import site_origin
from pollserver.web.identity import ensure_voter

__all__ = ["engage_origins"]


def engage_origins() -> list[str]:
    """The audiences a token may name: this hub's public origin and the one asked."""
    settings = services().settings
    own = request.host_url.rstrip("/")
    return [o for o in (settings.public_origin, own) if o]


@bp.post("/verify")
@state_changing("verify", limit="me", back=lambda body: ("/verify", "verify", "verify"))
def verify(body: Any) -> Response:
    """Check the token and mark this browser's voter as a verified customer."""
    settings = services().settings
    verify_customer(get_store(), ensure_voter, key=settings.verify_key,
                    secret=settings.resolved_secret_key(), token=body.get("token"),
                    audiences=engage_origins(), at=now())
    if is_form():
        return redirect(f"{site_origin() or ''}/verify?done=1", code=303)
    return jsonify({"verified": True})
