"""Bake the no-JS outcome messages into pages built for two origins (``ENGAGE_API_URL``).

pollserver on another host cannot hand the static page a message it could read, so its 303
after a form post names a baked one in the fragment (``#poll-ID-voted``) and the theme's CSS
shows the one targeted. The messages (``outcomes`` in ``_macros.html``, in the page's
language) go after each block's status slot. Like ``point_forms_at`` this is done on the final
HTML, so a block kept from the content cache gets them too, and only for a two-origin build:
a one-origin page stays as it was (its outcome comes from pollserver's own flash cookie).
"""

from __future__ import annotations

import re

from .render import environment

__all__ = ["bake_outcomes"]

_SLOT = re.compile(r'<!-- engage-status (poll|jam|survey) ([a-z0-9-]{1,64}) --></div>'
                   r'(?!\n<p id="(?:poll|jam|survey)-)')


def bake_outcomes(html: str, api: str, lang: str, catalogues: str) -> str:
    """Add the outcome messages after every status slot when ``api`` is set (idempotent)."""
    if not api or "<!-- engage-status " not in html:
        return html
    macros = environment(lang, catalogues).get_template("engage/_macros.html").module

    def add(match: re.Match[str]) -> str:
        baked = str(macros.outcomes(match.group(1), match.group(2))).strip()  # type: ignore[attr-defined]
        return f"{match.group(0)}\n{baked}" if baked else match.group(0)

    return _SLOT.sub(add, html)
