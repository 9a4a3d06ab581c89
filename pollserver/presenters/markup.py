"""Readers' idea text as safe HTML: a small Markdown subset, cleaned by nh3.

Raw HTML a reader types is escaped *before* Markdown runs, so it shows as text; nh3 then
keeps only a short allowlist of tags, so nothing Markdown makes can carry script either.
"""

from __future__ import annotations

import html
import threading
from functools import lru_cache

import markdown
import nh3

__all__ = ["idea_html"]

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "code", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Building a Markdown converter costs far more than converting a short idea, so each thread
# keeps one (converters are not thread-safe) and resets it between bodies.
_local = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(extensions=["nl2br", "sane_lists"], output_format="html")
        _local.converter = converter
    return converter


@lru_cache(maxsize=8192)
def idea_html(text: str) -> str:
    """Return an idea body as sanitised HTML (cached: jam pages repeat the same bodies)."""
    if not text:
        return ""
    source = html.escape(text, quote=False)
    rendered = _converter().reset().convert(source)
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="nofollow ugc noopener noreferrer")
