"""Connect the hub's checks, offer and event states and calendar files to Pelican's signals.

Everything runs after all articles are read (`article_generator_finalized`), so articles loaded
from Pelican's content cache get the same checks and a fresh expired/upcoming state every build.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pelican import signals

from .checks import check_article
from .dates import MetadataError, parse_moment
from .events import classify_events
from .frontmatter import scan
from .ics import ics_url, write_event_calendars
from .offers import classify_offers
from .report import report_problems, source_name
from .tables import TableAlignExtension

ARTICLE_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles")


def build_now(settings, zone: ZoneInfo) -> datetime:
    """Return the instant offers and events are compared with: HUB_NOW if set, else now."""
    value = settings.get("HUB_NOW")
    return parse_moment("HUB_NOW", value, zone) if value else datetime.now(zone)


def _in_channel(articles, slug: str) -> list:
    return [a for a in articles if a.category.slug == slug]


def _drop(generator, broken: set) -> None:
    """Remove broken articles in place, so a non-fatal build still renders every template."""
    for name in ARTICLE_LISTS:
        items = getattr(generator, name, None)
        if isinstance(items, list):
            items[:] = [a for a in items if id(a) not in broken]
    generator.dates[:] = [a for a in generator.dates if id(a) not in broken]
    for _category, items in generator.categories:
        items[:] = [a for a in items if id(a) not in broken]


def on_articles_read(generator) -> None:
    """Check channel metadata, then publish current offers and upcoming events to the context."""
    settings = generator.settings
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    problems, broken = [], set()
    everything = [a for name in ARTICLE_LISTS for a in getattr(generator, name, [])]
    for article in everything:
        try:
            check_article(article, zone)
        except MetadataError as exc:
            problems.append((source_name(article, settings["PATH"]), str(exc)))
            broken.add(id(article))
    if problems:
        _drop(generator, broken)
        report_problems(problems)
    now = build_now(settings, zone)
    offers = _in_channel(generator.articles, "offers")
    events = _in_channel(generator.articles, "events")
    for event in events:
        event.hub_ics_url = ics_url(event)
    generator.context.update(classify_offers(offers, now))
    generator.context.update(classify_events(events, now))
    generator.context["hub_build_time"] = now


def add_table_align(pelican) -> None:
    """Add the table-alignment extension to this Pelican's own copy of the MARKDOWN setting."""
    markdown = dict(pelican.settings.get("MARKDOWN") or {})
    extensions = [e for e in markdown.get("extensions", [])
                  if not isinstance(e, TableAlignExtension)]
    markdown["extensions"] = [*extensions, TableAlignExtension()]
    pelican.settings["MARKDOWN"] = markdown


def on_articles_init(generator) -> None:
    """Report malformed Pelican dates in articles before Pelican's reader trips over them."""
    report_problems(scan(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES"))


def on_pages_init(generator) -> None:
    """Report malformed Pelican dates in pages before Pelican's reader trips over them."""
    report_problems(scan(generator, "PAGE_PATHS", "PAGE_EXCLUDES"))


def on_articles_written(generator, writer) -> None:
    """Write the .ics files once the article pages exist (after any output cleaning)."""
    events = _in_channel(generator.articles, "events")
    write_event_calendars(events, generator.output_path, generator.settings.get("SITEURL", ""))


def register() -> None:
    """Connect the hub to Pelican."""
    signals.initialized.connect(add_table_align)
    signals.article_generator_init.connect(on_articles_init)
    signals.page_generator_init.connect(on_pages_init)
    signals.article_generator_finalized.connect(on_articles_read)
    signals.article_writer_finalized.connect(on_articles_written)
