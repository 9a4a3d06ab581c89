"""The pages a follower's mail links to: confirm, unsubscribe; and the private Atom feed.

A GET never changes anything (mail scanners open every link in a mail): each page shows a
button that POSTs. Confirming is an ordinary same-origin form post. The unsubscribe POST is
the one state-changing route without the origin check: mail providers send the RFC 8058
one-click POST (``List-Unsubscribe=One-Click``) from their own servers without an ``Origin``,
and the unguessable id in its URL is the authorisation. An unknown or expired link answers
410 with a page that says so.
"""

from __future__ import annotations

from flask import Response, render_template

from pollserver.actions import follows
from pollserver.domain.catalogues import speaking
from pollserver.domain.errors import Gone
from pollserver.mail.compose import follow_target
from pollserver.public import bp
from pollserver.public.feed import atom_feed
from pollserver.web.context import get_store, now, services
from pollserver.web.identity import client_ip_hash
from pollserver.web.locale import current_lang
from pollserver.web.locale import gettext as _
from pollserver.web.security import check_same_origin


def _gone_lines() -> tuple[str, str]:
    return (_("This link is unknown, was already used, or has expired (a confirmation link "
              "works for 48 hours)."), _("Nothing was changed. You can ask again from the page "
                                         "of the idea, jam or poll."))


def _page(heading: str, *lines: str, status: int = 200, action: str | None = None,
          button: str = "", link: str | None = None, link_text: str = "") -> Response:
    body = render_template("public/follow.html", heading=heading, lines=lines, action=action,
                           button=button, link=link, link_text=link_text)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    # "same-origin": the token never leaves in a Referer, yet our own form posts keep
    # their Origin (with "no-referrer" browsers send "Origin: null", which we refuse).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _gone() -> Response:
    return _page(_("This link no longer works"), *_gone_lines(), status=410)


def _what(kind: str, title: str) -> str:
    with speaking(current_lang()):
        return follow_target(kind, title)


@bp.get("/follows/confirm/<token>")
def confirm_page(token: str) -> Response:
    """Say what confirming means, with the button that does it."""
    follow = follows.describe_follow(get_store(), token, at=now())
    if follow is None:
        return _gone()
    if follow.confirmed_at is not None:
        return _page(_("Already confirmed"), _("You will hear by mail what happens to it."))
    title = _title(follow.id)
    return _page(_("Confirm your mails"),
                 _("Press the button to be told by mail what happens to %(what)s.",
                   what=_what(follow.kind, title)),
                 _("You can stop at any time with the link at the end of every mail."),
                 action=f"/follows/confirm/{token}", button=_("Yes, send me updates"))


@bp.post("/follows/confirm/<token>")
def confirm(token: str) -> Response:
    """Confirm the follow (an ordinary form post from the page above)."""
    check_same_origin()
    try:
        follow = follows.confirm(get_store(), token, at=now(), client=client_ip_hash(),
                                 share_cap=services().settings.share_rewards_per_day)
    except Gone:
        return _gone()
    return _page(_("Confirmed"), _("We will tell you what happens to %(what)s.",
                                what=_what(follow.kind, _title(follow.id))),
                 _("Every mail has a link to stop them."),
                 link=f"/follows/unsubscribe/{follow.id}", link_text=_("Stop these mails now"))


@bp.get("/follows/unsubscribe/<follow_id>")
def unsubscribe_page(follow_id: str) -> Response:
    """Show the button that stops every mail to this address."""
    if get_store().get_follow(follow_id) is None:
        return _gone()
    return _page(_("Stop these mails"),
                 _("Press the button and we stop every mail to this address and delete it."),
                 action=f"/follows/unsubscribe/{follow_id}", button=_("Unsubscribe"))


@bp.post("/follows/unsubscribe/<follow_id>")
def unsubscribe(follow_id: str) -> Response:
    """Unsubscribe: from the page's button or a mail provider's one-click POST (RFC 8058).

    Deliberately without ``check_same_origin``: see the module docstring.
    """
    try:
        follows.unsubscribe(get_store(), follow_id)
    except Gone:
        return _gone()
    return _page(_("Unsubscribed"), _("We deleted your address and will not mail you again."))


@bp.get("/me/updates/<token>.atom")
def updates_feed(token: str) -> Response:
    """The voter's private feed of what happened to what they took part in."""
    voter = get_store().feed_voter(token)
    if voter is None:
        return Response("This feed address is unknown.\n", status=410, mimetype="text/plain")
    response = Response(atom_feed(voter, token), mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _title(follow_id: str) -> str:
    """The title the request recorded for what is followed."""
    events = get_store().list_events(subjects={f"follow:{follow_id}"}, limit=1)
    return str(events[0].data.get("title", "")) if events else ""
