"""Connect the engage Markdown extension, the results baking and the manifest to Pelican.

* ``initialized``: add :class:`EngageExtension` to a copy of ``settings["MARKDOWN"]`` (never
  Pelican's ``DEFAULT_CONFIG``), in non-strict mode: a broken block becomes an error box that
  carries its message, because Pelican would only log and skip an article that raises.
* ``all_generators_finalized``: every article and page is known, whether converted now or loaded
  from the content cache. Read the blocks back from their HTML, note mistakes as
  ``content/x.md:12: poll 'id': reason`` in the build's problem list (printed, all together,
  before any page is written), and render each block again for this build time, these
  results and its page's language.
* Once every site of the build (one per language) has read: the hub-wide checks and, after a
  clean report (never when only checking), ``engage/manifest.json`` and the closed polls' CSV
  files (hubwide.py).

Nothing is kept between runs: each build starts from the settings and the HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from languages import session
from languages.catalogs import directory_of, translations
from pelican import signals
from pelican.contents import Category, Content

from pollserver.domain import builds
from pollserver.domain.builds import source_name
from pollserver.domain.kinds import KINDS
from pollserver.domain.problems import add
from pollserver.domain.specs import DEFAULT_SURVEY_QUESTION
from pollserver.domain.statuses import DEFAULT_STATUSES, StatusError, parse_statuses

from .delivered import Announcement, announcements_json, check_ideas, parse_ideas
from .harvest import Found, rewrite_blocks
from .hubwide import SiteBlocks, note
from .manifest import Entry
from .markdown_ext import EngageExtension
from .origins import rewrite_output
from .outcomes import bake_output
from .render import render_block, render_key
from .results import ResultsError, load_results
from .roadmap import roadmap_context

DEFAULT_RESULTS = "var/results.json"


def _(text: str) -> str:
    """Mark a theme string for extraction (``make translations``)."""
    return text


#: A survey's question when its block has none, in the theme's catalogues.
SURVEY_QUESTION = _("How likely are you to recommend us to a friend?")
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
    survey: dict[str, object] = {"support_url": url} if url else {}
    folder = catalogue_folder(settings)
    if folder:  # a survey without a question asks the standard one in the site's language
        question = translations(Path(folder), str(settings.get("DEFAULT_LANG") or "en")
                                ).gettext(SURVEY_QUESTION)
        if question != DEFAULT_SURVEY_QUESTION:
            survey["question"] = question
    return {"survey": survey} if survey else {}


def catalogue_folder(settings) -> str:
    """Return the folder of the theme's catalogues as a string ("" when there is none)."""
    folder = directory_of(settings)
    return str(folder.resolve()) if folder.is_dir() else ""


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
                                      defaults=block_defaults(settings),
                                      lang=str(settings.get("DEFAULT_LANG") or "en"),
                                      catalogues=catalogue_folder(settings)))
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


def _group(content) -> str:
    """Return the translation group of a page: translations share their ``Slug:``."""
    kind = "page" if content.__class__.__name__.endswith("Page") else "article"
    return f"{kind}:{getattr(content, 'slug', '')}"


def process(generators) -> None:
    """Re-render every block of this site for this build, in its page's language; note the
    blocks for the manifest, which is written once every site of the build has read
    (hubwide.py)."""
    generator = next((g for g in generators if hasattr(g, "settings")), None)
    if generator is None:
        return
    settings = generator.settings
    now = build_now(settings)
    api = str(settings.get("ENGAGE_API_URL") or "").rstrip("/")
    catalogues = catalogue_folder(settings)
    try:
        results = load_results(settings.get("ENGAGE_RESULTS", DEFAULT_RESULTS))
    except ResultsError as exc:
        path, _sep, message = str(exc).partition(": ")
        add(settings, path, 1, f"{message} (run pollserver results again)")
        results = None
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
                lang = str(getattr(content, "lang", "") or settings.get("DEFAULT_LANG") or "en")
                if name in ARTICLES:
                    articles.append((path, content))
                    if content.metadata.get("ideas"):
                        announced.append((content, _announcement(content, path, url, settings)))

                def render(found: Found, path=path, url=url, lang=lang, content=content,
                           publish=name in PUBLISHED):
                    if found.error is not None:
                        add(settings, path, found.line, found.error)
                        return None
                    if publish:
                        entries.append(Entry(found.spec, path, found.line, url, lang,
                                             _group(content)))
                    if found.render_key == render_key(found.spec, now, results, lang,
                                                      catalogues):
                        return None  # same state, results and words as when it was rendered
                    return render_block(found.spec, found.line, now=now, results=results,
                                        lang=lang, catalogues=catalogues)

                html, _found = rewrite_blocks(content._content or "", render)
                html = point_forms_at(html, api)
                if html != content._content:
                    content._content = html
                    touched.add(id(content))
    if touched:
        _forget_rendered(touched)
    for ann, message, warning in check_ideas([a for _, a in announced], results):
        add(settings, ann.source, ann.line, message, warning=warning)
    for content, ann in announced:
        content.delivered = ann.delivered
    generator.context["delivered_articles"] = [c for c, a in announced if a.delivered]
    try:
        statuses = parse_statuses(settings.get("ENGAGE_STATUSES"))
    except StatusError as exc:
        add(settings, "pelicanconf.py", 1, str(exc))
        statuses = DEFAULT_STATUSES
    links = announcements_json([a for _, a in announced])
    generator.context["roadmap"] = roadmap_context(results, statuses, links["announcements"])
    note(SiteBlocks(lang=str(settings.get("DEFAULT_LANG") or "en"), settings=settings,
                    output=Path(generator.output_path), now=now, results=results,
                    entries=entries, articles=articles,
                    announcements=[a for _, a in announced], statuses=statuses))


def link_server_pages(pelican) -> None:
    """With ``ENGAGE_API_URL``, point the written pages' links to pollserver's own pages
    (``/me``, ``/jams/...``) at its origin (``origins.py``)."""
    api = str(pelican.settings.get("ENGAGE_API_URL") or "").rstrip("/")
    rewrite_output(Path(pelican.output_path), api)
    # ... and bake the no-JS outcome messages a form post comes back to (outcomes.py).
    bake_output(Path(pelican.output_path), api, catalogue_folder(pelican.settings),
                str(pelican.settings.get("DEFAULT_LANG") or "en"))


def register() -> None:
    """Connect engage to Pelican."""
    signals.initialized.connect(add_extension)
    session.connect()
    signals.all_generators_finalized.connect(process)
    signals.finalized.connect(link_server_pages)
