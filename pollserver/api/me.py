"""``/api/me``: the voter's own data, exported or erased with the receipt in their cookie."""

from __future__ import annotations

from flask import Response, jsonify

from pollserver.actions import me
from pollserver.api import bp
from pollserver.api.guards import state_changing
from pollserver.domain.errors import NotFound
from pollserver.web.context import get_store, letters, now
from pollserver.web.identity import current_voter, forget_voter


def _voter() -> str:
    voter = current_voter()
    if voter is None:
        raise NotFound("This browser has no voter receipt, so nothing is stored about it.")
    return voter


@bp.get("/me")
def get_me() -> Response:
    """Return everything stored about this voter id."""
    response = jsonify(me.export(get_store(), _voter()))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'inline; filename="my-data.json"'
    return response


@bp.delete("/me")
@state_changing("me", limit="me")
def delete_me(body: object) -> Response:
    """Erase this voter's data and drop the voter cookie."""
    erased = me.erase(get_store(), _voter(), at=now(), letters=letters())
    forget_voter()
    return jsonify({"erased": erased})
