"""Claim endpoints: an offer's stock, and claiming its code (JSON or no-JS form)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from pollserver.actions import claims
from pollserver.api import bp
from pollserver.api.guards import reply, state_changing
from pollserver.presenters.claims import claim_view
from pollserver.web.context import get_store, load, now, reader
from pollserver.web.identity import current_voter, ensure_voter
from pollserver.web.newvoters import reward_gate


@bp.get("/claims/<claim_id>")
def get_claim(claim_id: str) -> Response:
    """Return the offer's dates, how many codes are left, and the reader's own code."""
    item, spec = load("claim", claim_id)
    return jsonify(claim_view(reader(current_voter()), item, spec))


@bp.post("/claims/<claim_id>")
@state_changing("claim", limit="vote")
def make_claim(claim_id: str, body: Any) -> Response:
    """Hand out one code per reader: 201 with the code (the same one again on a repeat),
    410 ``claim_gone`` when none is left or the offer ended."""
    del body  # a claim says nothing but "mine, please"
    item, spec = load("claim", claim_id)
    done = claims.claim(get_store(), item, spec, current_voter(), ensure_voter, at=now(),
                        reward=reward_gate)
    payload = claim_view(reader(done.voter), item, spec, done.code)
    payload["code"] = done.code
    return reply("claim", spec.id, payload, status=201,
                 message=f"Your code: {done.code}", anchor=f"claim-{spec.id}")
