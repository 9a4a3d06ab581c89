"""Connect the hub's checks, offer and event states and calendar files to Pelican's signals.

Everything runs after all articles are read (`article_generator_finalized`), so articles loaded
from Pelican's content cache get the same checks and a fresh expired/upcoming state every build.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals

from pollserver.domain.builds import build_now

from . import cache, reading
from .channels import ARTICLE_LISTS, check_templates, one_of_each, stray_files, take_channels
from .checks import check_article, past_at_publish
from .dates import MetadataError
from .events import classify_events
from .frontmatter import scan
from .ics import ics_url, write_event_calendars
from .links import check_links
from .offers import classify_offers
from .previews import hold_previews, write_previews
from .reading import use_tolerant_reader
from .relative import RelativeDatesExtension
from .report import add, connect, header_line, source_name
from .tables import TableAlignExtension

PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
              "draft_translations")


def _zone(settings) -> ZoneInfo:
    return ZoneInfo(settings.get("TIMEZONE") or "UTC")


def prepare_cache(pelican) -> None:
    """Keep the content cache per build day, code and settings, loaded and saved safely
    (hub/cache.py). Connected first: the stamp is taken before plugins add objects."""
    settings = pelican.settings
    cache.prepare(settings, build_now(settings, _zone(settings)))


def add_relative_dates(pelican) -> None:
    """Resolve `{{ today+N }}` tokens (hub/relative.py) in this Pelican's Markdown (the content
    cache is kept per build day, so cached pages never carry another day's dates)."""
    settings = pelican.settings
    now = build_now(settings, _zone(settings))
    markdown = dict(settings.get("MARKDOWN") or {})
    extensions = [e for e in markdown.get("extensions", [])
                  if not isinstance(e, RelativeDatesExtension)]
    lang = str(settings.get("DEFAULT_LANG") or "en")  # the site's: a sub-site's own language
    markdown["extensions"] = [*extensions, RelativeDatesExtension(now, lang)]
    settings["MARKDOWN"] = markdown


def _in_channel(articles, slug: str) -> list:
    return [a for a in articles if a.category.slug == slug]


def _set_aside(generator, broken: set[int], names: tuple[str, ...]) -> None:
    """Move broken contents out of the generator's lists, in place, into `hub_broken`.

    A non-fatal build (or `make check`) then renders every template without them, while
    their links, images and blocks are still checked in this run.
    """
    aside = getattr(generator, "hub_broken", None)
    if not isinstance(aside, list):
        aside = generator.hub_broken = []
    seen = {id(c) for c in aside}
    for name in names:
        items = getattr(generator, name, None)
        if isinstance(items, list):
            for content in items:
                if id(content) in broken and id(content) not in seen:
                    seen.add(id(content))
                    aside.append(content)
            items[:] = [c for c in items if id(c) not in broken]


def _drop(generator, broken: set) -> None:
    """Set broken articles aside after the taxonomies were made (categories, dates too)."""
    _set_aside(generator, broken, ARTICLE_LISTS)
    generator.dates[:] = [a for a in generator.dates if id(a) not in broken]
    for _category, items in generator.categories:  # a channel page stays, even if empty
        items[:] = [a for a in items if id(a) not in broken]
    for tag, items in list(generator.tags.items()):  # a tag or author of none goes
        items[:] = [a for a in items if id(a) not in broken]
        if not items:
            del generator.tags[tag]
    generator.context["tags"] = list(generator.tags.items())
    generator.authors[:] = [(author, kept) for author, items in generator.authors
                            if (kept := [a for a in items if id(a) not in broken])]


def _field_of(message: str) -> str:
    """Return the metadata field a message starts with (`expires: ...`), to find its line."""
    head = message.partition(":")[0].split()
    return head[0] if head else ""


def on_articles_read(generator) -> None:
    """Check channel metadata, then publish current offers and upcoming events to the context."""
    settings = generator.settings
    zone = _zone(settings)
    now = build_now(settings, zone)
    broken = set()
    everything = [a for name in ARTICLE_LISTS for a in getattr(generator, name, [])]
    for article in everything + list(getattr(generator, "hub_broken", [])):
        name = source_name(article, settings["PATH"])
        try:
            check_article(article, zone)
        except MetadataError as exc:
            message = str(exc)
            add(settings, name, header_line(article.source_path, _field_of(message)), message)
            if article in everything:
                broken.add(id(article))
            continue
        warning = past_at_publish(article, now)
        if warning:
            add(settings, name, header_line(article.source_path, "ends"
                                            if "ends" in article.metadata else "starts"),
                warning, warning=True)
    if broken:
        _drop(generator, broken)
    offers = _in_channel(generator.articles, "offers")
    events = _in_channel(generator.articles, "events")
    for event in events:
        event.hub_ics_url = ics_url(event)
    generator.context.update(classify_offers(offers, now))
    generator.context.update(classify_events(events, now))
    generator.context["hub_build_time"] = now


def _mark_unreadable(generator, paths_setting: str, excludes_setting: str,
                     required: tuple[str, ...]) -> None:
    """Note what Pelican's reader would stop on (a malformed date, no title, an unknown
    status), with its line, and have those files read with placeholders (hub/reading.py), so
    the rest of each is checked too; they are set aside before anything is listed."""
    now = build_now(generator.settings, _zone(generator.settings))
    found = scan(generator, paths_setting, excludes_setting, required, now)
    for source, line, message in found:
        add(generator.settings, source, line, message)
    base = Path(generator.path)
    generator.hub_marked = {os.path.abspath(base.parent / source) for source, _l, _m in found}
    reading.guard(generator, generator.hub_marked)


def _marked(generator, contents) -> set[int]:
    marked = getattr(generator, "hub_marked", set())
    return {id(c) for c in contents if os.path.abspath(c.source_path) in marked}


def add_table_align(pelican) -> None:
    """Add the table-alignment extension to this Pelican's own copy of the MARKDOWN setting."""
    markdown = dict(pelican.settings.get("MARKDOWN") or {})
    extensions = [e for e in markdown.get("extensions", [])
                  if not isinstance(e, TableAlignExtension)]
    markdown["extensions"] = [*extensions, TableAlignExtension()]
    pelican.settings["MARKDOWN"] = markdown


def on_articles_init(generator) -> None:
    """Report what would stop Pelican's reader in articles, and files no channel reads."""
    required = ("title",) if generator.settings.get("DEFAULT_DATE") else ("title", "date")
    _mark_unreadable(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES", required)
    stray_files(generator)


def on_pages_init(generator) -> None:
    """Report what would stop Pelican's reader in pages."""
    _mark_unreadable(generator, "PAGE_PATHS", "PAGE_EXCLUDES", ("title",))


def on_pages_read(generator) -> None:
    """Set aside pages read with placeholders or naming a template the theme lacks."""
    pages = [p for name in PAGE_LISTS for p in getattr(generator, name, None) or ()]
    broken = _marked(generator, pages) | check_templates(generator, pages)
    _set_aside(generator, broken, PAGE_LISTS)


def on_all_read(generators) -> None:
    """Check links and images once every article, page and static file is known."""
    generator = next((g for g in generators if hasattr(g, "settings")), None)
    if generator is not None:
        check_links(generators, generator.settings)


def on_articles_written(generator, writer) -> None:
    """Write the .ics files and the champions' previews once the article pages exist (after
    any output cleaning)."""
    events = _in_channel(generator.articles, "events")
    write_event_calendars(events, generator.output_path, generator.settings.get("SITEURL", ""))
    write_previews(generator, writer)


def on_articles_pretaxonomy(generator) -> None:
    """Before categories, tags, feeds and archives are made from the articles: set aside the
    ones read with placeholders, a `Category:` naming another channel or an unknown
    `Template:` (hub/channels.py), and hold back previews (hub/previews.py)."""
    everything = [a for name in ARTICLE_LISTS for a in getattr(generator, name, None) or ()]
    broken = _marked(generator, everything) | take_channels(generator)
    broken |= check_templates(generator, everything)
    _set_aside(generator, broken, ARTICLE_LISTS)
    one_of_each(generator)
    hold_previews(generator, build_now(generator.settings, _zone(generator.settings)))


def register() -> None:
    """Connect the hub to Pelican."""
    connect()
    signals.initialized.connect(prepare_cache)
    signals.initialized.connect(add_relative_dates)
    signals.initialized.connect(add_table_align)
    signals.article_generator_init.connect(cache.take_over)
    signals.page_generator_init.connect(cache.take_over)
    signals.article_generator_init.connect(on_articles_init)
    signals.page_generator_init.connect(on_pages_init)
    signals.article_generator_pretaxonomy.connect(on_articles_pretaxonomy)
    signals.readers_init.connect(use_tolerant_reader)
    signals.page_generator_finalized.connect(on_pages_read)
    signals.article_generator_finalized.connect(on_articles_read)
    signals.article_writer_finalized.connect(on_articles_written)
    signals.all_generators_finalized.connect(on_all_read)
