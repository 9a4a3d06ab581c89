"""What a feed reader makes of a feed: the fields it renders as HTML, and their elements.

Atom marks a field HTML with ``type="html"`` (its text is escaped HTML: a reader decodes it
once and renders the result) or ``type="xhtml"`` (inline markup). RSS has no types, and
readers render every ``<description>`` as HTML. A field without a type is text. The tests
compare the elements a reader would render from a feed built with hostile reader text
against the same feed built with plain text: any difference is markup a reader wrote.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import html5lib

__all__ = ["elements", "feed_shape", "html_fields", "is_atom", "text_fields"]

_ATOM = "{http://www.w3.org/2005/Atom}"


def html_fields(document: bytes) -> list[str]:
    """Return every field a feed reader renders as HTML, decoded once (as the reader does)."""
    root = ET.fromstring(document)
    rss = root.tag == "rss"
    fields = []
    for el in root.iter():
        kind = el.get("type")
        if kind == "html" or (rss and el.tag == "description"):
            fields.append(el.text or "")
        elif kind == "xhtml":
            fields.append("".join(ET.tostring(child, encoding="unicode") for child in el))
    return fields


def text_fields(document: bytes) -> list[str]:
    """Return the text of every element (what a reader shows of text fields)."""
    return [el.text or "" for el in ET.fromstring(document).iter()]


def elements(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every element a browser would build from ``html``, with its attribute names."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return [(el.tag, tuple(sorted(el.attrib))) for el in fragment.iter()
            if isinstance(el.tag, str) and el is not fragment]


def feed_shape(document: bytes) -> list[list[tuple[str, tuple[str, ...]]]]:
    """The elements of each HTML field of a feed, in order."""
    return [elements(field) for field in html_fields(document)]


def is_atom(document: bytes) -> bool:
    return ET.fromstring(document).tag == f"{_ATOM}feed"
