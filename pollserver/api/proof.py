"""``GET /api/altcha?item=kind:id``: a proof-of-work challenge for one write (``web/proof.py``).

The widgets ask for one when a reader starts a form and solve it in a Web Worker; the answer
goes with the write as ``altcha``. ``{"proof": "off"}`` tells them no proof is needed.
"""

from __future__ import annotations

import re

from flask import Response, jsonify, request

from pollserver.api import bp
from pollserver.errors import BadRequest
from pollserver.web.context import services

#: ``kind:id`` of the item the write goes to (a follow of an idea names the idea's jam).
TARGET = re.compile(r"(?:jam|poll|survey|idea|follow):[A-Za-z0-9_-]{0,64}")


@bp.get("/altcha")
def altcha_challenge() -> Response:
    """Return a new challenge for the item named by ``?item=``; never cached."""
    target = request.args.get("item", "")
    if not TARGET.fullmatch(target):
        raise BadRequest("item must be kind:id, e.g. jam:ideas-2026.")
    proof = services().proof
    response = jsonify(proof.challenge(target) if proof.enabled else {"proof": "off"})
    response.headers["Cache-Control"] = "no-store"
    return response
