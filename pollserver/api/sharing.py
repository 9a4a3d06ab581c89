"""Rewards for sharing over HTTP: a reader's share token, and the credit for a newcomer.

``GET /api/share`` gives a reader who has taken part their token for ``?via=TOKEN`` links
(404 without a voter cookie: nothing is made for someone who only reads). A newcomer's first
write carries the token it arrived with (the widgets send the ``X-Valuehub-Via`` header, a
no-JS form a ``via`` field) and, once the write succeeded and minted the newcomer's voter id,
:func:`credit_after_first_write` credits the sharer. No cookie is set for a visit: the token
travels only with the write.
"""

from __future__ import annotations

import logging

from flask import Response, g, jsonify, request

from pollserver.actions import shares
from pollserver.api import bp
from pollserver.domain.errors import DomainError, NotFound
from pollserver.web.context import get_store, now, services
from pollserver.web.identity import client_ip_hash, current_voter

__all__ = ["HEADER", "credit_after_first_write", "get_share", "via_of_request"]

log = logging.getLogger("pollserver")

#: The request header the widgets carry a share token in.
HEADER = "X-Valuehub-Via"
#: The kinds whose first write credits a sharer at once: a vote, an idea, a survey answer
#: (a follow credits when it is confirmed: ``api/follows.py``, ``actions/follows.confirm``).
CREDITED = ("poll", "jam", "survey")


@bp.get("/share")
def get_share() -> Response:
    """Return this reader's share token; 404 ``not_found`` for a reader without a cookie."""
    voter = current_voter()
    if voter is None:
        raise NotFound("Take part first (vote, share an idea or answer): then you can share.")
    token = shares.my_token(get_store(), voter, client=client_ip_hash())
    response = jsonify({"token": token, "param": "via", "friends_brought":
                        get_store().friends_brought(voter)})
    response.headers["Cache-Control"] = "no-store"
    return response


def via_of_request() -> str | None:
    """The share token this write carries: the widgets' header or a no-JS form's field."""
    value = request.headers.get(HEADER)
    if value is None and request.mimetype == "application/x-www-form-urlencoded":
        value = request.form.get("via")
    return value


@bp.after_request
def credit_after_first_write(response: Response) -> Response:
    """Credit the sharer when this successful write minted a newcomer who came by a link."""
    written = g.get("write_item")
    if (not g.get("set_voter_cookie") or response.status_code >= 400 or written is None
            or written[0] not in CREDITED):
        return response
    via = via_of_request()
    if not via:
        return response
    store = get_store()
    try:
        shares.credit_newcomer(store, via, str(g.voter_id), client=client_ip_hash(), at=now(),
                               pool=shares.share_pool(store, written[0], written[1]),
                               cap=services().settings.share_rewards_per_day)
    except DomainError:  # the write stands; a credit that cannot be stored now is skipped
        log.warning("share credit skipped", exc_info=True)
    return response
