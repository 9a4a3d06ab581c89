"""The hub in several languages: a Pelican sub-site per language, under ``/<lang>/``.

The conventions are Pelican's and ``pelican-i18n-subsites``': ``Lang:`` and ``Translation:``
metadata, translations grouped by ``Slug:``, ``DEFAULT_LANG`` for the main site and
``I18N_SUBSITES`` for the others (subsites.py says why this is not that plugin). Content that
has no translation stays in the main language; a sub-site links to it where it would link to
its own (links.py).

* ``initialized``: every sub-site's addresses under ``<lang>/`` in the one output folder
  (subsites.py); the templates' date and number filters (formats.py) and their functions
  for ``hreflang``, the language switcher and pages that fall back to the main language
  (links.py);
* ``get_writer``: once a site has read everything, the next language's sub-site is built;
* ``generator_init``: Jinja's ``i18n`` extension with the site language's catalogue
  (catalogs.py: the ``.po`` file read with Babel, no compiled file);
* after reading: content of another language leaves every list (it is published by its own
  language's site, or by the main one for a language without a sub-site), a translation
  links to where its own site publishes it, every channel has a page in every language,
  each site is noted in the build's session (the root sitemap lists all languages);
* ``feed_generated``: a feed says its language and links to its language's home;
* once per build (session.py): theme strings a language's catalogue lacks are warnings in
  ``make check``, and the widgets' catalogues are written (widgets.py).
"""

from __future__ import annotations

from pelican import signals
from pelican.contents import Category

from . import catalogs, session
from .formats import FILTERS
from .links import GLOBALS, href, languages_of
from .subsites import PREFIX, home_lang, native_url, prepare, start_next
from .widgets import check_catalogues, write_widget_catalogues

__all__ = ["register"]

ARTICLE_LISTS = ("articles", "translations", "drafts", "drafts_translations",
                 "hidden_articles", "hidden_translations")
PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
              "draft_translations")


def on_initialized(pelican) -> None:
    """Set up the main site's sub-sites; give every site the template filters and functions."""
    settings = pelican.settings
    if not settings.get(session.SUBSITE):
        prepare(settings)
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **FILTERS, "href": href}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **GLOBALS}
    build = session.current(settings)
    build.before_report.setdefault("languages: catalogues", check_catalogues)
    build.after_report.setdefault("languages: widget catalogues", write_widget_catalogues)


def install_catalogue(generator) -> None:
    """Give the generator's Jinja environment the site language's catalogue."""
    settings = generator.settings
    env = generator.env
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    lang = str(settings.get("DEFAULT_LANG") or "en")
    env.install_gettext_translations(catalogs.translations(catalogs.directory_of(settings), lang),
                                     newstyle=True)


#: In a sub-site, content in its own language is listed even when its metadata calls it a
#: translation (``Translation: true`` of an English original): (translations, listed).
OWN_LISTS = {"articles": (("translations", "articles"), ("hidden_translations",
                                                          "hidden_articles"),
                          ("drafts_translations", "drafts")),
             "pages": (("translations", "pages"), ("hidden_translations", "hidden_pages"),
                       ("draft_translations", "draft_pages"))}


def _keep_own(generator, names: tuple[str, ...], kind: str) -> None:
    """Leave this site the content in its own language (and, in the main site, in languages
    without a sub-site); point every translation at the site that publishes it."""
    settings = generator.settings
    site = str(settings.get("DEFAULT_LANG") or "en")
    if settings.get(session.SUBSITE):
        for translations, listed in OWN_LISTS[kind]:
            found = getattr(generator, translations, None)
            if not isinstance(found, list):
                continue
            moving = [c for c in found if getattr(c, "lang", None) == site]
            found[:] = [c for c in found if getattr(c, "lang", None) != site]
            getattr(generator, listed).extend(moving)
    seen: set[int] = set()
    for name in names:
        items = getattr(generator, name, None)
        if not isinstance(items, list):
            continue
        items[:] = [c for c in items
                    if home_lang(settings, str(getattr(c, "lang", site))) == site]
        for content in items:
            for translation in getattr(content, "translations", None) or ():
                if id(translation) in seen:
                    continue
                seen.add(id(translation))
                if home_lang(settings, str(translation.lang)) != site:
                    translation.override_url = native_url(settings, translation)
                    translation.override_save_as = ""  # its own site writes it


def on_articles_pretaxonomy(generator) -> None:
    """Before categories, tags and feeds are made: this site's language only."""
    _keep_own(generator, ARTICLE_LISTS, "articles")


def on_pages_read(generator) -> None:
    """This site's pages only; note them for pages that fall back to the main language."""
    _keep_own(generator, PAGE_LISTS, "pages")
    lang = str(generator.settings.get("DEFAULT_LANG") or "en")
    known = session.current(generator.settings).keep("pages", dict)
    known[lang] = {page.slug: page.url for page in generator.pages}


def every_channel(generator) -> None:
    """Give every channel a page in this language, even before its first article."""
    settings = generator.settings
    channels = list(settings.get("CHANNELS") or ())
    present = {category.slug for category, _articles in generator.categories}
    for slug in channels:
        if slug not in present:
            generator.categories.append((Category(slug, settings), []))
    generator.context["categories"] = generator.categories


def note_site(generators) -> None:
    """Keep the site's template context for the root sitemap (written by the main site)."""
    generator = next((g for g in generators if hasattr(g, "context")), None)
    if generator is None:
        return
    build = session.current(generator.settings)
    sites = build.keep("sites", dict)
    sites[str(generator.settings.get("DEFAULT_LANG") or "en")] = generator.context
    generator.context["hub_sites"] = sites


def feed_language(context, feed) -> None:
    """A feed is in its site's language: it says so (``xml:lang``), links to that language's
    home page, and keeps only that site's entries (Pelican's all-articles feed also lists
    every translation, which another language's feeds carry)."""
    feed.feed["language"] = str(context.get("DEFAULT_LANG") or "en")
    siteurl = str(context.get("SITEURL") or "").rstrip("/")
    own = str(context.get(PREFIX) or "")
    feed.feed["link"] = f"{siteurl}/{own}"
    others = [f"{siteurl}/{entry['prefix']}" for entry in languages_of(context)
              if entry["prefix"] and entry["prefix"] != own]
    feed.items[:] = [item for item in feed.items
                     if str(item.get("link", "")).startswith(f"{siteurl}/{own}")
                     and not str(item.get("link", "")).startswith(tuple(others))]


def register() -> None:
    """Connect the languages plugin."""
    session.connect()
    signals.initialized.connect(on_initialized)
    signals.generator_init.connect(install_catalogue)
    signals.article_generator_pretaxonomy.connect(on_articles_pretaxonomy)
    signals.page_generator_finalized.connect(on_pages_read)
    signals.article_generator_finalized.connect(every_channel)
    signals.all_generators_finalized.connect(note_site)
    signals.feed_generated.connect(feed_language)
    signals.get_writer.connect(start_next)
