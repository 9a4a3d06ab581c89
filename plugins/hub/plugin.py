"""Connect the hub's checks, offer and event states and calendar files to Pelican's signals.

Everything runs after all articles are read (`article_generator_finalized`), so articles loaded
from Pelican's content cache get the same checks and a fresh expired/upcoming state every build.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals

from pollserver.domain.builds import build_now

from .checks import check_article, past_at_publish
from .dates import MetadataError
from .events import classify_events
from .frontmatter import scan
from .ics import ics_url, write_event_calendars
from .links import check_links
from .offers import classify_offers
from .previews import hold_previews, write_previews
from .relative import RelativeDatesExtension, day_cache_path
from .report import add, connect, header_line, source_name
from .tables import TableAlignExtension

ARTICLE_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles")


def _zone(settings) -> ZoneInfo:
    return ZoneInfo(settings.get("TIMEZONE") or "UTC")


def add_relative_dates(pelican) -> None:
    """Resolve `{{ today+N }}` tokens (hub/relative.py) in this Pelican's Markdown, with the
    content cache kept per build day so cached pages never carry another day's dates."""
    settings = pelican.settings
    now = build_now(settings, _zone(settings))
    markdown = dict(settings.get("MARKDOWN") or {})
    extensions = [e for e in markdown.get("extensions", [])
                  if not isinstance(e, RelativeDatesExtension)]
    markdown["extensions"] = [*extensions, RelativeDatesExtension(now)]
    settings["MARKDOWN"] = markdown
    if settings.get("CACHE_PATH"):
        settings["CACHE_PATH"] = day_cache_path(settings["CACHE_PATH"], now)


def _in_channel(articles, slug: str) -> list:
    return [a for a in articles if a.category.slug == slug]


def _drop(generator, broken: set) -> None:
    """Remove broken articles in place, so a non-fatal build still renders every template.

    They stay in `hub_broken`, so their links and images are still checked in this run.
    """
    everything = [a for name in ARTICLE_LISTS for a in getattr(generator, name, [])]
    generator.hub_broken = [a for a in everything if id(a) in broken]
    for name in ARTICLE_LISTS:
        items = getattr(generator, name, None)
        if isinstance(items, list):
            items[:] = [a for a in items if id(a) not in broken]
    generator.dates[:] = [a for a in generator.dates if id(a) not in broken]
    for _category, items in generator.categories:
        items[:] = [a for a in items if id(a) not in broken]


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
    for article in everything:
        name = source_name(article, settings["PATH"])
        try:
            check_article(article, zone)
        except MetadataError as exc:
            message = str(exc)
            add(settings, name, header_line(article.source_path, _field_of(message)), message)
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


def _skip_unreadable(generator, paths_setting: str, excludes_setting: str,
                     required: tuple[str, ...]) -> None:
    """Note files Pelican cannot read (a malformed date, no title) and keep them out of the build.

    Pelican's reader raises on such a file and, with errors fatal, ends the build there; the
    file is left out of this build (only this generator object is changed) so the rest of the
    content is still checked and every problem is listed together.
    """
    now = build_now(generator.settings, _zone(generator.settings))
    found = scan(generator, paths_setting, excludes_setting, required, now)
    for source, line, message in found:
        add(generator.settings, source, line, message)
    if not found:
        return
    base = Path(generator.path)
    skip = {(base.parent / source).resolve() for source, _line, _message in found}
    read_files = generator.get_files

    def get_files(paths, exclude=None, extensions=None):
        files = read_files(paths, exclude=exclude, extensions=extensions)
        return {f for f in files if (base / f).resolve() not in skip}

    generator.get_files = get_files


def add_table_align(pelican) -> None:
    """Add the table-alignment extension to this Pelican's own copy of the MARKDOWN setting."""
    markdown = dict(pelican.settings.get("MARKDOWN") or {})
    extensions = [e for e in markdown.get("extensions", [])
                  if not isinstance(e, TableAlignExtension)]
    markdown["extensions"] = [*extensions, TableAlignExtension()]
    pelican.settings["MARKDOWN"] = markdown


def on_articles_init(generator) -> None:
    """Report malformed Pelican dates in articles before Pelican's reader trips over them."""
    required = ("title",) if generator.settings.get("DEFAULT_DATE") else ("title", "date")
    _skip_unreadable(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES", required)


def on_pages_init(generator) -> None:
    """Report malformed Pelican dates in pages before Pelican's reader trips over them."""
    _skip_unreadable(generator, "PAGE_PATHS", "PAGE_EXCLUDES", ("title",))


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
    """Hold back `Preview: champions` articles dated after the build (hub/previews.py)."""
    hold_previews(generator, build_now(generator.settings, _zone(generator.settings)))


def register() -> None:
    """Connect the hub to Pelican."""
    connect()
    signals.initialized.connect(add_relative_dates)
    signals.initialized.connect(add_table_align)
    signals.article_generator_init.connect(on_articles_init)
    signals.page_generator_init.connect(on_pages_init)
    signals.article_generator_pretaxonomy.connect(on_articles_pretaxonomy)
    signals.article_generator_finalized.connect(on_articles_read)
    signals.article_writer_finalized.connect(on_articles_written)
    signals.all_generators_finalized.connect(on_all_read)
