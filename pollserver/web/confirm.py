"""The second step of a plain form that carries no proof: a confirm page with a signed time.

A static page cannot carry a fresh signed render time, and with JavaScript off it cannot solve
a proof of work either. Such a form (the jam's idea form, a survey answer with a comment, a
follow request) is answered with this page instead of a refusal: what the reader wrote,
pre-filled and still editable, the other fields hidden, a signed render time
(``form_time_field``) and one "Send" button posting to the same URL. The confirm post then
goes through the time check (``Proof.check_form``: not within two seconds, not after a day,
once) and what it submits waits for an editor like every plain-form write.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from pollserver.web.context import services
from pollserver.web.cors import site_origin
from pollserver.web.locale import gettext as _
from pollserver.web.proof import PROOF_FIELD, TIME_FIELD

__all__ = ["SITE_FIELD", "confirm_page", "needs_confirm"]

#: The static site's origin the form came from (a listed one), carried over the confirm page
#: so the reader goes back to that site afterwards, not to this host.
SITE_FIELD = "_site"

#: The fields the reader wrote, shown for a second look: name and whether multi-line.
SHOWN = (("title", False), ("body", True), ("author", False), ("comment", True),
         ("email", False))


def _label(name: str) -> str:
    labels = {"title": _("Title"), "body": _("Details"), "author": _("Your name (optional)"),
              "comment": _("Your comment"), "email": _("Your e-mail address")}
    return labels[name]


def needs_confirm(body: Any, form: bool) -> bool:
    """Tell whether a costly write is a plain form with neither a proof nor a signed time."""
    if not form or not services().proof.enabled:
        return False
    return not body.get(TIME_FIELD) and not body.get(PROOF_FIELD)


def confirm_page(body: Any) -> Response:
    """The confirm page for ``body`` (a form's fields), posting back to this URL."""
    names = {name for name, _multi in SHOWN}
    shown = [(name, _label(name), multi, str(body.get(name) or ""))
             for name, multi in SHOWN if name in body]
    hidden = [(name, value) for name, values in body.lists()
              if name not in names and name != TIME_FIELD for value in values]
    origin = site_origin()
    if origin and SITE_FIELD not in body:
        hidden.append((SITE_FIELD, origin))
    page = render_template("public/confirm.html", action=request.path, shown=shown,
                           hidden=hidden, shell=None,
                           waits=any(name in ("title", "comment") for name, *_ in shown))
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
