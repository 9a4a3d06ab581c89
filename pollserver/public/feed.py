"""The reader's private Atom feed and the "since your last visit" list.

The feed lives at a capability URL (``/me/updates/<token>.atom``): the token is random,
stored with the voter id, shown only on that voter's ``/me`` page, and removed by erase.
Entries say what happened (the same words as the mails) and link to where it happened, in
the language of the ``/me`` page that showed the address (its ``?lang=``, see
``web/locale.py``).

Those words hold reader text (idea titles) and editors' notes, all plain text. The feed
library writes an entry's description as ``<summary type="html">``, so the text is escaped
for HTML before the library escapes it for XML: a feed reader decoding the summary once
shows ``<img src=x onerror=...>`` in a title as those characters, never as an image.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from feedgenerator import Atom1Feed
from flask import request

from pollserver.actions.follows import updates_for
from pollserver.domain.catalogues import speaking
from pollserver.domain.events import describe
from pollserver.domain.outbox import Event, new_token
from pollserver.web.brand import brand_name
from pollserver.web.context import get_store, services
from pollserver.web.locale import current_lang
from pollserver.web.locale import gettext as _

__all__ = ["atom_feed", "entry_view", "feed_token_of"]

#: Events whose first line says what the subject says: an entry shows it once.
RESTATED = frozenset({"idea.status_changed", "idea.won", "jam.closed", "poll.closed"})


def _absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else request.host_url.rstrip("/") \
        + path


def entry_view(event: Event, *, once: bool = False) -> dict[str, str]:
    """One happening as a page shows it: title, text, link, time.

    ``once``: a page lists "title: text" on one line, where the first line of most events
    restates the title ("X is now Planned" / "The idea X is now Planned."): say it once,
    then what only the lines add (the editors' note, the winners). A feed entry keeps its
    full text under its title, as feed readers show them apart.
    """
    with speaking(current_lang()):
        letter = describe(event)
    lines = letter.lines[1:] if once and event.type in RESTATED else letter.lines
    return {"title": letter.subject, "text": " ".join(lines), "url": letter.link,
            "at": event.created_at.isoformat()}


def feed_token_of(voter: str) -> str:
    """The voter's feed token (made on first use)."""
    return get_store().feed_token(voter, new_token())


def atom_feed(voter: str, token: str, *, after: datetime | None = None) -> str:
    """Return the feed document for ``voter``."""
    events = updates_for(get_store(), voter, after=after)
    brand = brand_name(services().settings)
    feed = Atom1Feed(title=f"{brand}: " + _("What happened to what you took part in"),
                     link=_absolute("/me"), description=_("Updates from %(site)s", site=brand),
                     feed_url=_absolute(f"/me/updates/{token}.atom"), language=current_lang(),
                     feed_guid=f"urn:valuehub:feed:{token}")
    for event in events:
        view = entry_view(event)
        feed.add_item(title=view["title"], link=_absolute(view["url"]),
                      description=escape(view["text"]), unique_id=f"urn:uuid:{_uuid(event.id)}",
                      pubdate=event.created_at, updateddate=event.created_at)
    return feed.writeString("utf-8")


def _uuid(hex_id: str) -> str:
    h = hex_id.ljust(32, "0")[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
