"""``/vote/poll/ID``: where a newsletter's answer links land.

Mail scanners open every link in a message, so opening a link never votes: the page shows the
poll with the linked answer chosen and one "Confirm my vote" button, and only that POST counts.
A link may carry the newsletter tool's per-recipient merge value (``?r=...``); keyed with the
server secret it becomes the voter id, so a subscriber votes once on whatever device they
open the mail. Without it the usual voter cookie applies (this page is on the hub itself).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, render_template, request

from pollserver.actions import polls
from pollserver.domain.reach import MERGE_TAG_MAX, subscriber_voter
from pollserver.errors import BadRequest, DomainError
from pollserver.presenters.polls import poll_view
from pollserver.public import bp
from pollserver.web.context import get_store, load, now, reader, services
from pollserver.web.identity import current_voter, ensure_voter
from pollserver.web.locale import current_lang, gettext
from pollserver.web.messages import localized
from pollserver.web.newvoters import reward_gate, writing_to
from pollserver.web.security import check_same_origin
from pollserver.web.texts import in_language
from pollserver.web.verified import require_verified


def _subscriber(raw: str | None) -> str | None:
    """The subscriber's voter id from the merge value, or ``None`` when the link has none
    (or the tool left its merge tag unfilled, as in a preview)."""
    value = (raw or "").strip()
    if not value or ("|" in value or "{" in value or "%" in value):
        return None
    if len(value) > MERGE_TAG_MAX:
        raise BadRequest("The link's subscriber value is too long.", field="r")
    return subscriber_voter(current_app.config["SECRET_KEY"], value)


def _page(poll_id: str, *, chosen: list[str], r: str, message: str = "", ok: bool = True,
          voted: bool = False, voter: str | None = None, status: int = 200) -> Response:
    item, spec = load("poll", poll_id)
    view: dict[str, Any] = in_language(poll_view(reader(voter), item, spec), current_lang())
    body = render_template("public/newsletter_vote.html", poll=view, chosen=chosen, r=r,
                           message=message, ok=ok, voted=voted)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    # The subscriber value stays here ("no-referrer" would make the form post Origin: null).
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/vote/poll/<poll_id>")
def newsletter_vote_page(poll_id: str) -> Response:
    """Show the poll with the linked answer chosen; never votes (a GET)."""
    r = request.args.get("r", "")
    voter = _subscriber(r) or current_voter()
    return _page(poll_id, chosen=request.args.getlist("choice"), r=r, voter=voter)


@bp.post("/vote/poll/<poll_id>")
def newsletter_vote(poll_id: str) -> Response:
    """Count the confirmed vote, once per subscriber (or per browser without ``r``)."""
    check_same_origin()
    r = request.form.get("r", "")
    chosen = request.form.getlist("choices")
    try:
        subscriber = _subscriber(r)
        writing_to("poll", poll_id)
        services().limits.check("vote")
        item, spec = load("poll", poll_id)
        require_verified(spec, subscriber)
        source = (lambda: subscriber) if subscriber else ensure_voter
        done = polls.vote(get_store(), item, spec, chosen, source, at=now(), reward=reward_gate)
    except DomainError as error:
        return _page(poll_id, chosen=chosen, r=r, message=localized(error.message, error.code),
                     ok=False,
                     voter=_subscriber(r) if error.field != "r" else None, status=error.status)
    return _page(poll_id, chosen=list(done.choices), r=r, voted=True, voter=done.voter,
                 message=gettext("Thank you, your vote is counted."))
