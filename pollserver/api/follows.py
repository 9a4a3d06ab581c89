"""``POST /api/follows``: ask to be told by mail what happens to an idea, a jam or a poll.

Always 202 ``{"status": "confirmation_sent"}`` for a well-formed request, whether or not the
address already follows anything (the answer never tells who is subscribed). Limited per
voter, per client address and per e-mail address, so the form cannot flood an inbox. A no-JS
form gets a 303 back to the page it came from, with the same message in its status slot.
``POST /api/follows/confirm`` confirms with the token from the mail (410 when unknown or
expired); the pages under ``/follows/`` are what the mail links to.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, redirect

from pollserver.actions import follows, shares
from pollserver.api import bp
from pollserver.api.guards import is_form, parse_body, state_changing
from pollserver.api.sharing import via_of_request
from pollserver.domain.errors import BadRequest
from pollserver.domain.events import idea_url, jam_url
from pollserver.domain.outbox import FOLLOW_SENT, check_email
from pollserver.web import flash
from pollserver.web.context import get_store, now, services
from pollserver.web.identity import client_ip_hash, ensure_voter
from pollserver.web.limits import check_address
from pollserver.web.locale import current_lang, lang_query
from pollserver.web.security import check_same_origin
from pollserver.web.texts import url_in

SENT = FOLLOW_SENT


def _back(body: Any) -> tuple[str, str, str]:
    """Where a no-JS form goes back to: ``(url, flash kind, flash id)``."""
    kind, item_id, jam = (str(body.get(k) or "") for k in ("kind", "id", "jam"))
    store = get_store()
    if kind == "poll":
        item = store.get_item("poll", item_id)
        if item is not None and item.url.startswith("/"):
            return f"{url_in('poll', item.id, current_lang(), item.url)}#poll-{item.id}", \
                "poll", item.id
    if kind == "idea" and jam and store.get_item("jam", jam):
        url = idea_url(jam, item_id) if item_id.isdigit() else jam_url(jam)
        return url.replace("#", f"{lang_query()}#", 1) if "#" in url else url + lang_query(), \
            "jam", jam
    if kind == "jam" and store.get_item("jam", item_id):
        return jam_url(item_id) + lang_query(), "jam", item_id
    return "/", "follow", ""


@bp.post("/follows")
@state_changing("follow", limit="follow", back=_back, proof=lambda body: True)
def follow_request(body: Any) -> Response:
    """Store an unconfirmed follow and queue the mail that asks to confirm it."""
    check_address(check_email(body.get("email")))
    # A voter id ties the follow to this browser, so /me erase removes it too.
    voter = ensure_voter()
    # A newcomer's first write through a share link: the token waits for the confirmation.
    via = (shares.keep_via(get_store(), via_of_request(), voter, client=client_ip_hash())
           if g.get("set_voter_cookie") else None)
    follows.request(get_store(), body.get("kind"), body.get("id"), body.get("email"),
                    jam_id=body.get("jam") or None, voter_id=voter, at=now(),
                    lang=current_lang(), via=via)
    if is_form():
        url, kind, item = _back(body)
        return flash.store(redirect(url, code=303), kind, item, ok=True, message=SENT)
    response = jsonify({"status": "confirmation_sent"})
    response.status_code = 202
    return response


@bp.post("/follows/confirm")
def follow_confirm() -> Response:
    """Confirm a follow with ``{"token"}`` from its mail (410 ``gone`` when it expired)."""
    check_same_origin()
    body = parse_body()
    token = body.get("token")
    if not isinstance(token, str) or not token:
        raise BadRequest("Give the token from the mail.", field="token")
    follow = follows.confirm(get_store(), token, at=now(), client=client_ip_hash(),
                             share_cap=services().settings.share_rewards_per_day)
    return jsonify({"status": "confirmed", "kind": follow.kind, "id": follow.item})
