"""The e-mail-safe HTML of a poll for a newsletter: one link per answer, no script.

Mail clients drop ``<style>``, scripts and most layout, so the block is a table with inline
styles only. Each link opens ``/vote/poll/ID?choice=KEY`` on the hub, which asks the reader
to confirm (a POST): the scanners that open every link in a mail never vote. With a language
(``--lang de``) the block has the poll's words in it (the manifest's ``texts``) and its links
open the confirm page in it (``&lang=de``).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from pollserver.domain.catalogues import gettext as _
from pollserver.domain.catalogues import speaking
from pollserver.domain.kinds import spec_from_manifest
from pollserver.errors import NotFound
from pollserver.store.base import Store

__all__ = ["newsletter_html", "vote_link"]

_CELL = "padding:6px 0;font-family:Arial,Helvetica,sans-serif;font-size:16px"
_LINK = ("display:block;padding:10px 14px;border:1px solid #0b57d0;border-radius:4px;"
         "color:#0b57d0;text-decoration:none;font-family:Arial,Helvetica,sans-serif;"
         "font-size:16px")


def vote_link(origin: str, poll_id: str, choice: str, merge_tag: str | None = None,
              lang: str | None = None) -> str:
    """The hub address a newsletter link for ``choice`` opens; the merge tag is appended
    unencoded so the newsletter tool can still find and fill it."""
    query = urlencode({"choice": choice, **({"lang": lang} if lang else {})})
    link = f"{origin.rstrip('/')}/vote/poll/{poll_id}?{query}"
    return f"{link}&r={merge_tag}" if merge_tag else link


def newsletter_html(store: Store, origin: str, poll_id: str,
                    merge_tag: str | None = None, lang: str | None = None) -> str:
    """Return the poll as a self-contained HTML table for a newsletter (in ``lang``: the
    poll's translation where the build gave one, and the confirm page in that language)."""
    item = store.get_item("poll", poll_id)
    if item is None or item.archived:
        raise NotFound(f"No poll {poll_id!r}.")
    spec = spec_from_manifest("poll", item.spec)
    texts = (item.spec.get("texts") or {}).get(lang or "") or {}
    labels = texts.get("options") if isinstance(texts.get("options"), dict) else {}
    question = str(texts.get("question") or spec.question)
    rows = [
        f'<tr><td style="{_CELL};font-weight:bold;font-size:18px">{escape(question)}</td></tr>'
    ]
    for option in spec.options:
        href = escape(vote_link(origin, spec.id, option.key, merge_tag, lang))
        label = str(labels.get(option.key) or option.label)
        rows.append(f'<tr><td style="{_CELL}"><a href="{href}" style="{_LINK}">'
                    f"{escape(label)}</a></td></tr>")
    with speaking(lang):
        note = _("You confirm your vote on the page the link opens.")
    rows.append(f'<tr><td style="{_CELL};font-size:13px;color:#555555">{escape(note)}</td></tr>')
    return ('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            'border="0" style="max-width:560px;border-collapse:collapse">\n'
            + "\n".join(rows) + "\n</table>\n")
