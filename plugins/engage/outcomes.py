"""Bake the no-JS outcome messages into pages built for two origins (``ENGAGE_API_URL``).

pollserver on another host cannot hand the static page a message it could read, so its 303
after a form post names a baked one in the fragment (``#poll-ID-voted``) and the theme's CSS
shows the one targeted. The messages (``outcomes`` in ``_macros.html``, in the page's
language, read from its ``<html lang>``) go after each block's status slot. This is done on
the written files, like the links of ``origins.py``: a block kept from the content cache gets
them too, and neither summaries, descriptions nor feeds carry them. Only for a two-origin
build: a one-origin page stays as it was (its outcome comes from pollserver's flash cookie).
"""

from __future__ import annotations

import re
from pathlib import Path

from .render import environment

__all__ = ["bake_outcomes", "bake_output"]

_LANG = re.compile(r'<html[^>]*\slang="([A-Za-z-]{2,12})"')
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


def bake_output(output: Path, api: str, catalogues: str, default_lang: str = "en") -> int:
    """Bake the messages into every written page under ``output``; return how many changed."""
    if not api:
        return 0
    changed = 0
    for path in Path(output).rglob("*.html"):
        if "engage" in path.relative_to(output).parts[:1]:
            continue  # pollserver's own shell: its pages use the flash cookie
        html = path.read_text(encoding="utf-8")
        lang = _LANG.search(html)
        baked = bake_outcomes(html, api, lang.group(1) if lang else default_lang, catalogues)
        if baked != html:
            path.write_text(baked, encoding="utf-8")
            changed += 1
    return changed
