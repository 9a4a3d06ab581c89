"""Connect the engage Markdown extension, the results baking and the manifest to Pelican.

* ``initialized``: add :class:`EngageExtension` to a copy of ``settings["MARKDOWN"]`` (never
  Pelican's ``DEFAULT_CONFIG``), in non-strict mode: a broken block becomes an error box that
  carries its message, because Pelican would only log and skip an article that raises.
* ``all_generators_finalized``: every article and page is known, whether converted now or loaded
  from the content cache. Read the blocks back from their HTML, note mistakes as
  ``content/x.md:12: poll 'id': reason`` in the build's problem list (printed, all together,
  by :mod:`pollserver.domain.problems` before any page is written), render each block again
  for this build time and these results, and write ``engage/manifest.json`` and the closed
  polls' CSV files (not when a block is broken, nor when only checking).

Nothing is kept between signals or runs: each build starts from the settings and the HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Category, Content

from pollserver.domain import builds
from pollserver.domain.builds import source_name
from pollserver.domain.kinds import KINDS
from pollserver.domain.phases import phase_of
from pollserver.domain.problems import CHECK_ONLY, add, build_read, build_started
from pollserver.domain.specs import PollSpec
from pollserver.domain.statuses import DEFAULT_STATUSES, StatusError, parse_statuses, to_spec

from .delivered import Announcement, announcements_json, check_ideas, parse_ideas
from .harvest import Found, rewrite_blocks
from .manifest import Entry, build_manifest, duplicate_ids, write_manifest
from .markdown_ext import EngageExtension
from .render import render_block, render_key
from .results import ResultsError, load_results, poll_rows, write_poll_csv
from .roadmap import roadmap_context, write_roadmap_feed

DEFAULT_RESULTS = "var/results.json"
PUBLISHED = ("articles", "translations", "hidden_articles", "hidden_translations",
             "pages", "hidden_pages")
ARTICLES = ("articles", "translations")
#: Read and checked, never published: drafts, and what the hub plugin set aside as broken
#: (its blocks are still checked, so one run lists every problem of the file).
DRAFTS = ("drafts", "drafts_translations", "draft_pages", "draft_translations", "hub_broken")


def build_now(settings) -> datetime:
    """Return the build instant in UTC: ENGAGE_NOW, else the hub's HUB_NOW, else now."""
    return builds.build_now(settings, UTC, ("ENGAGE_NOW", "HUB_NOW")).astimezone(UTC)


def block_defaults(settings) -> dict[str, dict[str, object]]:
    """Return the block defaults that depend on this site's addresses.

    A survey's ``support_url`` (offered to unhappy respondents) defaults to the support
    channel's page as this site addresses it (``CATEGORY_URL``), or ``ENGAGE_SUPPORT_URL`` if
    set; with neither, the block must say where support is.
    """
    url = settings.get("ENGAGE_SUPPORT_URL")
    channels = [str(p).rstrip("/").rsplit("/", 1)[-1] for p in settings.get("ARTICLE_PATHS") or ()]
    if not url and "support" in channels and settings.get("CATEGORY_URL"):
        url = "/" + Category("support", settings).url.lstrip("/")
    return {"survey": {"support_url": url}} if url else {}


def add_extension(pelican) -> None:
    """Add the Markdown extension to this Pelican's own copy of the MARKDOWN setting, and
    give the templates ``ENGAGE_WIDGETS`` (widget -> ES module: each kind of block, from the
    kinds registry, and the roadmap) for ``engage_assets``."""
    settings = pelican.settings
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "ENGAGE_WIDGETS": {
        **{kind.name: kind.module for kind in KINDS}, "roadmap": "js/engage/roadmap.js"}}
    markdown = dict(settings.get("MARKDOWN") or {})
    extensions = [e for e in markdown.get("extensions", []) if not isinstance(e, EngageExtension)]
    extensions.append(EngageExtension(strict=False, now=build_now(settings),
                                      defaults=block_defaults(settings)))
    markdown["extensions"] = extensions
    settings["MARKDOWN"] = markdown


def _forget_rendered(touched: set[int]) -> None:
    """Drop memoized content/summary of pages whose HTML we changed.

    Pelican memoizes ``get_content``/``get_summary`` per object; if another plugin read them
    before us, the page would be written from the stale copy.
    """
    for method in (Content.get_content, Content.get_summary):
        for key in [k for k in method.cache if k and id(k[0]) in touched]:
            del method.cache[key]


def _announcement(content, path: str, url: str, settings) -> Announcement:
    """Read an article's ``Ideas:`` (and ``Ideas-Done:``) metadata; note malformed ones."""
    line = _metadata_line(content.source_path, "ideas")
    refs, bad = parse_ideas(content.metadata.get("ideas"))
    for problem in bad:
        add(settings, path, line, f"ideas: {problem}")
    done = str(content.metadata.get("ideas-done", "")).strip().lower() in ("yes", "true")
    return Announcement(title=str(content.title), url=url, source=path, refs=refs, done=done,
                        line=line)


def _metadata_line(source_path: str, field: str) -> int:
    """Return the header line of ``field`` in a Markdown file (1 when it cannot be found)."""
    try:
        with open(source_path, encoding="utf-8-sig", errors="replace") as lines:
            for number, text in enumerate(lines, 1):
                if not text.strip():
                    break
                if text.partition(":")[0].strip().lower() == field:
                    return number
    except OSError:
        pass
    return 1


def point_forms_at(html: str, api: str) -> str:
    """With ``ENGAGE_API_URL`` (pollserver on another host), make the no-JS forms post there.

    Done on the final HTML rather than in the block templates, so a block kept from the
    content cache gets it too; a form already pointed elsewhere is left alone.
    """
    if not api:
        return html
    return html.replace(' action="/api/', f' action="{api}/api/')


def process(generators) -> None:
    """Re-render every block for this build, report mistakes, write the manifest and CSVs."""
    generator = next((g for g in generators if hasattr(g, "settings")), None)
    if generator is None:
        return
    settings = generator.settings
    now = build_now(settings)
    api = str(settings.get("ENGAGE_API_URL") or "").rstrip("/")
    broken = False
    try:
        results = load_results(settings.get("ENGAGE_RESULTS", DEFAULT_RESULTS))
    except ResultsError as exc:
        path, _sep, message = str(exc).partition(": ")
        add(settings, path, 1, f"{message} (run pollserver results again)")
        broken, results = True, None
    entries: list[Entry] = []
    articles: list[tuple[str, Content]] = []
    announced: list[tuple[Any, Announcement]] = []
    touched: set[int] = set()
    seen: set[int] = set()
    for gen in generators:
        for name in PUBLISHED + DRAFTS:
            for content in getattr(gen, name, None) or ():
                if id(content) in seen or not hasattr(content, "_content"):
                    continue
                seen.add(id(content))
                path = source_name(content, settings["PATH"])
                url = "/" + content.url.lstrip("/")
                if name in ARTICLES:
                    articles.append((path, content))
                    if content.metadata.get("ideas"):
                        announced.append((content, _announcement(content, path, url, settings)))

                def render(found: Found, path=path, url=url, publish=name in PUBLISHED):
                    nonlocal broken
                    if found.error is not None:
                        add(settings, path, found.line, found.error)
                        broken = True
                        return None
                    if publish:
                        entries.append(Entry(found.spec, path, found.line, url))
                    if found.render_key == render_key(found.spec, now, results):
                        return None  # same state and results as when it was rendered
                    return render_block(found.spec, found.line, now=now, results=results)

                html, _found = rewrite_blocks(content._content or "", render)
                html = point_forms_at(html, api)
                if html != content._content:
                    content._content = html
                    touched.add(id(content))
    if touched:
        _forget_rendered(touched)
    for entry, message in duplicate_ids(entries):
        add(settings, entry.path, entry.line, message)
        broken = True
    for ann, message, warning in check_ideas([a for _, a in announced], results):
        add(settings, ann.source, ann.line, message, warning=warning)
        broken = broken or not warning
    for content, ann in announced:
        content.delivered = ann.delivered
    generator.context["delivered_articles"] = [c for c, a in announced if a.delivered]
    try:
        statuses = parse_statuses(settings.get("ENGAGE_STATUSES"))
    except StatusError as exc:
        add(settings, "pelicanconf.py", 1, str(exc))
        broken, statuses = True, DEFAULT_STATUSES
    links = announcements_json([a for _, a in announced])
    generator.context["roadmap"] = roadmap_context(results, statuses, links["announcements"])
    if broken or settings.get(CHECK_ONLY):
        return  # the build stops before writing; a half-right manifest must not be synced
    output = Path(generator.output_path) / "engage"
    write_manifest(output / "manifest.json",
                   {**build_manifest(entries, articles), **to_spec(statuses), **links})
    write_roadmap_feed(Path(generator.output_path), results, statuses, settings)
    _write_csvs(output / "polls", entries, now, results)


def _write_csvs(folder: Path, entries: list[Entry], now: datetime, results) -> None:
    """Write one CSV per closed poll with results; remove CSVs of polls no longer closed."""
    written = set()
    for entry in entries:
        spec = entry.spec
        if not isinstance(spec, PollSpec) or phase_of(None, spec, now) != "closed":
            continue
        table = poll_rows(spec, results)
        if table is not None:
            write_poll_csv(folder / f"{spec.id}.csv", table)
            written.add(f"{spec.id}.csv")
    if folder.is_dir():
        for stale in folder.glob("*.csv"):
            if stale.name not in written:
                stale.unlink()


def register() -> None:
    """Connect engage to Pelican."""
    signals.initialized.connect(add_extension)
    signals.get_generators.connect(build_started)
    signals.get_writer.connect(build_read)
    signals.all_generators_finalized.connect(process)
