"""Which page is "the same page" in another language: hreflang, the switcher, fallbacks.

Every address is a path from the one site root (``news/x.html``, ``de/news/x.html``; see
subsites.py), so these functions only compare and swap language prefixes:

* an article or page: itself and its translations (``Lang:`` with the same ``Slug:``),
  linked as Pelican's ``translations`` are, wherever each language's site wrote them;
* the home page, a channel, the archive and the roadmap exist in every language: the same
  path under the other language's prefix;
* a tag or author page has no counterpart (its words are the writer's, per language).

The switcher offers every language of the hub: the translation when there is one, else that
language's home. The template functions are module-level (Pelican pickles the settings that
name them) and read the page's site from the template context.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from pelican.urlwrappers import Category

from . import session
from .subsites import LANGUAGES, PREFIX, home_lang

__all__ = ["GLOBALS", "alternate_links", "alternates", "alternates_in", "equivalents", "href",
           "languages_of", "page_href", "published_with", "switcher"]

#: Pages every language has, by name: the path after the language's prefix.
LISTINGS = {"index": "", "archives": "ARCHIVES_SAVE_AS", "roadmap": "roadmap"}


def clean(url: str) -> str:
    """Return a site path without ``./`` or ``../`` (links between the sites' folders)."""
    if not url:
        return ""
    trailing = url.endswith("/")
    path = posixpath.normpath(url.lstrip("/")).lstrip("./") if url.strip("/.") else ""
    return path + ("/" if trailing and path else "")


def href(url: str) -> str:
    """Filter: the root-relative link to a site path (``/de/news/x.html``)."""
    return "/" + clean(str(url or ""))


def languages_of(settings: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the hub's languages, main first (one when there are no sub-sites)."""
    found = settings.get(LANGUAGES)
    if found:
        return list(found)
    lang = str(settings.get("DEFAULT_LANG") or "en")
    return [{"lang": lang, "name": lang, "prefix": ""}]


def _prefix(settings: Mapping[str, Any], lang: str) -> str | None:
    return next((entry["prefix"] for entry in languages_of(settings) if entry["lang"] == lang),
                None)


def _unprefixed(settings: Mapping[str, Any], path: str) -> str:
    own = str(settings.get(PREFIX) or "")
    return path[len(own):] if own and path.startswith(own) else path


def equivalents(settings: Mapping[str, Any], here: Any) -> dict[str, str]:
    """Return ``{lang: site path}`` of the page ``here`` in every language that has it.

    ``here`` is an article or page, a channel (``Category``), one of the names in
    :data:`LISTINGS`, or anything else (a tag, an author, the 404 page): only itself.
    """
    lang = str(settings.get("DEFAULT_LANG") or "en")
    if hasattr(here, "translations") and hasattr(here, "lang"):
        found = {str(here.lang): clean(here.url)}
        for translation in here.translations or ():
            if getattr(translation, "status", "published") == getattr(here, "status",
                                                                      "published"):
                found.setdefault(str(translation.lang), clean(translation.url))
        return found
    if isinstance(here, Category):
        path = _unprefixed(settings, clean(here.url))
    elif isinstance(here, str) and here in LISTINGS:
        key = LISTINGS[here]
        path = _unprefixed(settings, clean(str(settings.get(key) or ""))) if key.isupper() \
            else key
    else:
        own = getattr(here, "url", None)
        return {lang: clean(own)} if isinstance(own, str) else {}
    return {entry["lang"]: entry["prefix"] + path for entry in languages_of(settings)}


def _absolute(settings: Mapping[str, Any], path: str) -> str:
    return f"{str(settings.get('SITEURL') or '').rstrip('/')}/{path}"


def alternate_links(settings: Mapping[str, Any], here: Any) -> list[dict[str, str]]:
    """Return the ``hreflang`` links of a page (absolute), ``x-default`` last; none for a
    page with no counterpart."""
    found = equivalents(settings, here)
    if len(found) < 2:
        return []
    links = [{"hreflang": lang, "href": _absolute(settings, path)}
             for lang, path in sorted(found.items())]
    main = languages_of(settings)[0]["lang"]
    if main in found:
        links.append({"hreflang": "x-default", "href": _absolute(settings, found[main])})
    return links


@pass_context
def alternates(context: Any, here: Any = None) -> list[dict[str, str]]:
    """Template function: the ``<link rel="alternate" hreflang>`` set of the page."""
    return alternate_links(context, here)


@pass_context
def switcher(context: Any, here: Any = None) -> list[dict[str, Any]]:
    """Template function: one entry per language of the hub, in the hub's order.

    ``href`` is the page in that language when it has one (``translated``), else that
    language's home; ``current`` marks the page's own language.
    """
    found = equivalents(context, here)
    lang = str(context.get("DEFAULT_LANG") or "en")
    entries = []
    for entry in languages_of(context):
        other = entry["lang"]
        path = found.get(other)
        entries.append({"lang": other, "name": entry["name"], "current": other == lang,
                        "translated": path is not None,
                        "href": "/" + (path if path is not None else entry["prefix"])})
    return entries


@pass_context
def page_href(context: Any, slug: str) -> str:
    """Template function: the link to the page with ``slug`` in the page's language, or in
    the main language when it is not translated (never a link to nowhere)."""
    for page in context.get("pages") or ():
        if getattr(page, "slug", None) == slug:
            return href(page.url)
    known = session.current(None).shared.get("pages", {}) if session.running() else {}
    for entry in languages_of(context):
        url = known.get(entry["lang"], {}).get(slug)
        if url:
            return href(url)
    pattern = _unprefixed(context, str(context.get("PAGE_URL") or "pages/{slug}.html"))
    return href(pattern.format(slug=slug))


def alternates_in(site: Mapping[str, Any], here: Any = None) -> list[dict[str, str]]:
    """Template function: the ``hreflang`` set of a page of ``site`` (a site's context), for
    the sitemap the main site writes for every language."""
    return alternate_links(site, here)


def published_with(site: Mapping[str, Any], content: Any) -> list[Any]:
    """Template function: the translations ``site`` publishes beside ``content`` (languages
    without a sub-site of their own), for the sitemap."""
    lang = str(site.get("DEFAULT_LANG") or "en")
    return [t for t in getattr(content, "translations", None) or ()
            if t.lang != lang and home_lang(site, str(t.lang)) == lang]


GLOBALS = {"alternates": alternates, "alternates_in": alternates_in, "switcher": switcher,
           "page_href": page_href, "published_with": published_with}
