"""Turn an outbox event into the mail a follower gets (plain text and HTML).

Every message says what happened, links to the page where it happened, says why the reader
gets it, and carries a one-click unsubscribe (RFC 8058). Its ``Message-ID`` depends only on
the event and the recipient, so a mail sent again after a crash carries the same id and a
mail client shows it once. The words are in the language the sender chose with
``catalogues.speaking`` (the follower's, stored with the follow).
"""

from __future__ import annotations

import email.policy
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from html import escape

from pollserver.domain.catalogues import gettext as _
from pollserver.domain.catalogues import ngettext
from pollserver.domain.events import describe, quote
from pollserver.domain.outbox import Event

__all__ = ["MailContext", "compose", "compose_digest", "follow_target", "message_id"]


@dataclass(frozen=True)
class MailContext:
    """What every message needs besides the event: sender, links, the time of sending."""

    mail_from: str
    base_url: str  # the public origin links point at, e.g. https://hub.example
    site_name: str = "the hub"  # the brand's name (``web/brand.py``)
    language: str = "en"  # the site's main language: follows that did not say theirs

    @property
    def domain(self) -> str:
        address = parseaddr(self.mail_from)[1]
        return address.rpartition("@")[2] or "localhost"


def follow_target(kind: str, title: str) -> str:
    """Name what a follow request is about, in editors' words only: ``title`` is the poll's
    or the jam's title (for an idea, its jam's), never an idea's title."""
    if kind == "idea":
        return _("an idea in %(title)s", title=quote(title))
    if kind == "jam":
        return _("the jam %(title)s", title=quote(title))
    if kind == "poll":
        return _("the poll %(title)s", title=quote(title))
    return f"the {kind} {quote(title)}"


def message_id(key: str, ctx: MailContext) -> str:
    """A Message-ID that depends only on ``key`` (event and recipient, or digest)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{ctx.domain}>"


def _absolute(ctx: MailContext, path: str) -> str:
    return path if path.startswith(("http://", "https://")) else ctx.base_url + path


#: Headers stay on one line up to RFC 5322's 998 characters. With the default 78 the library
#: folds a long header that has no space in it (an unsubscribe URL with its token) into RFC 2047
#: encoded words, which mail providers do not decode in ``List-Unsubscribe``: one-click
#: unsubscribe would silently stop working.
POLICY = email.policy.default.clone(max_line_length=998)


def _message(ctx: MailContext, to: str, subject: str, text: str, html: str, msg_id: str,
             at: datetime, unsubscribe: str | None) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = ctx.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _page(body: str) -> str:
    return ("<!doctype html><html><body style=\"font-family:sans-serif;max-width:36em\">"
            f"{body}</body></html>")


def compose(event: Event, to: str, recipient: str, ctx: MailContext, *, at: datetime,
            confirm_url: str | None = None) -> EmailMessage:
    """Return the message telling ``to`` about ``event`` (or asking to confirm a follow)."""
    unsubscribe = ctx.base_url + f"/follows/unsubscribe/{recipient}"
    msg_id = message_id(f"{event.id}/{recipient}", ctx)
    if event.type == "follow.requested":
        what = follow_target(str(event.data.get("kind")),
                             str(event.data.get("title") or event.data["id"]))
        assert confirm_url is not None
        asked = _("Someone (we hope you) asked to be told by mail what happens to %(what)s "
                  "on %(site)s.", what=what, site=ctx.site_name)
        ignore = _("If it was not you, ignore this mail: nothing will be sent and the "
                   "request is deleted within 48 hours.")
        text = (f"{asked}\n\n{_('To confirm, open this page and press the button:')}\n"
                f"{confirm_url}\n\n{ignore}\n")
        html = _page(f"<p>{escape(asked)}</p><p><a href=\"{escape(confirm_url)}\">"
                     f"{escape(_('Confirm that you want these mails'))}</a></p>"
                     f"<p>{escape(ignore)}</p>")
        subject = f"{ctx.site_name}: " + _("please confirm: follow %(what)s", what=what)
        return _message(ctx, to, subject, text + _signature(ctx), _signed(html, ctx),
                        msg_id, at, None)
    letter = describe(event)
    link = _absolute(ctx, letter.link)
    why = _("You get this because you asked %(site)s to tell you what happens to it. "
            "One click stops these mails:", site=ctx.site_name)
    see = _("See it here: %(link)s", link=link)
    text = "\n\n".join([*letter.lines, see, f"{why}\n{unsubscribe}"]) + "\n"
    html = _page("".join(f"<p>{escape(line)}</p>" for line in letter.lines)
                 + f"<p><a href=\"{escape(link)}\">"
                 f"{escape(_('See it on %(site)s', site=ctx.site_name))}</a></p>"
                 + f"<p style=\"color:#555;font-size:90%\">{escape(why)} <a href=\""
                 f"{escape(unsubscribe)}\">{escape(_('unsubscribe'))}</a></p>")
    return _message(ctx, to, f"{ctx.site_name}: {letter.subject}", text + _signature(ctx),
                    _signed(html, ctx), msg_id, at, unsubscribe)


def compose_digest(events: list[Event], to: str, recipient: str, ctx: MailContext, *,
                   at: datetime, key: str) -> EmailMessage:
    """Return one message telling ``to`` about several events (the daily digest)."""
    unsubscribe = ctx.base_url + f"/follows/unsubscribe/{recipient}"
    letters = [describe(e) for e in events]
    why = _("You get this daily summary because you asked %(site)s to tell you what "
            "happens. One click stops these mails:", site=ctx.site_name)
    text = "\n\n".join([*(" ".join(le.lines) + f"\n{_absolute(ctx, le.link)}"
                          for le in letters), f"{why}\n{unsubscribe}"]) + "\n"
    html = _page("<ul>" + "".join(
        f"<li>{escape(' '.join(le.lines))} <a href=\"{escape(_absolute(ctx, le.link))}\">"
        f"{escape(_('see it'))}</a></li>" for le in letters) + "</ul>"
        + f"<p style=\"color:#555;font-size:90%\">{escape(why)} <a href=\""
        f"{escape(unsubscribe)}\">{escape(_('unsubscribe'))}</a></p>")
    subject = ngettext("%(n)s update from %(site)s", "%(n)s updates from %(site)s",
                       len(events), site=ctx.site_name)
    return _message(ctx, to, subject, text + _signature(ctx), _signed(html, ctx),
                    message_id(key, ctx), at, unsubscribe)


def _signature(ctx: MailContext) -> str:
    """Every mail ends in the brand's name (never the software's)."""
    return f"\n-- \n{ctx.site_name}\n"


def _signed(html: str, ctx: MailContext) -> str:
    """The HTML part with the brand's name as its last paragraph."""
    return html.replace("</body>", f"<p style=\"color:#555\">{escape(ctx.site_name)}</p>"
                        "</body>", 1)
