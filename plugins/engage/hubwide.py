"""What engage writes once for the whole hub, whatever its languages: the manifest, the CSVs.

Each site of a build (the main one and a sub-site per language, see
``plugins/languages/session.py``) renders its own pages' blocks and notes them here with
:func:`note`. Once every site has read its content, before the report:

* a block id used twice in one language, or in another language outside a translation of
  the same article, is a duplicate;
* a block shared by translations (same id) may differ in its words only
  (``pollserver/domain/blocktexts.py``): anything else is reported at the translation's
  fence line.

After a clean report (never for ``make check``): ``engage/manifest.json`` with one item per
block id (its translations' words under ``texts``), the open-data CSV of each closed poll, and
the roadmap feed of each language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from languages import catalogs, session

from pollserver.domain.blocktexts import differences
from pollserver.domain.phases import phase_of
from pollserver.domain.problems import add
from pollserver.domain.specs import PollSpec
from pollserver.domain.statuses import Status, label_of, to_spec

from .delivered import Announcement, announcements_json
from .manifest import Entry, build_manifest, duplicate_ids, merge, write_manifest
from .results import poll_rows, write_poll_csv
from .roadmap import write_roadmap_feed

__all__ = ["SiteBlocks", "check_blocks", "note", "write_outputs"]

KEY = "engage"


@dataclass
class SiteBlocks:
    """One site's blocks and what engage writes from them."""

    lang: str
    settings: Any
    output: Path
    now: datetime
    results: dict[str, Any] | None
    entries: list[Entry]
    articles: list[tuple[str, Any]]
    announcements: list[Announcement]
    statuses: tuple[Status, ...]


def note(blocks: SiteBlocks) -> None:
    """Keep a site's blocks for the checks and files made once per build."""
    build = session.current(blocks.settings)
    build.keep(KEY, dict)[blocks.lang] = blocks
    build.before_report.setdefault("engage: blocks", check_blocks)
    build.after_report.setdefault("engage: manifest", write_outputs)


def _sites(build: session.Session) -> list[SiteBlocks]:
    noted: dict[str, SiteBlocks] = build.shared.get(KEY, {})
    order = [str(s.get("DEFAULT_LANG") or "en") for s in build.sites]
    return [noted[lang] for lang in order if lang in noted]


def _entries(build: session.Session) -> tuple[list[Entry], list[str]]:
    sites = _sites(build)
    return [e for site in sites for e in site.entries], [site.lang for site in sites]


def check_blocks(build: session.Session) -> None:
    """Session hook: duplicates across the hub, and translated blocks that differ in more
    than their words."""
    settings = build.main
    entries, langs = _entries(build)
    duplicates = duplicate_ids(entries)
    for entry, message in duplicates:
        add(settings, entry.path, entry.line, message)
    reported = {id(entry) for entry, _message in duplicates}
    for own, translations in merge(entries, langs):
        for other in translations:
            if id(other) in reported or other.group != own.group:
                continue
            changed = differences(own.spec.kind, own.to_json(), other.to_json())
            if changed:
                add(settings, other.path, other.line,
                    f"{other.spec.kind} '{other.spec.id}': differs from the block it "
                    f"translates ({own.source}) in more than its words: {'; '.join(changed)} "
                    f"(a translation changes only the words, and keeps each option's key: "
                    f"{{key: monday, label: Montag}})")


def _announcements(sites: list[SiteBlocks]) -> dict[str, Any]:
    """The main language's "You asked, we did" links, then another language's for ideas the
    main language announces nowhere."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for site in sites:
        for ref, articles in announcements_json(site.announcements)["announcements"].items():
            merged.setdefault(ref, articles)
    return {"announcements": dict(sorted(merged.items()))}


def status_labels(sites: list[SiteBlocks]) -> dict[str, dict[str, str]]:
    """Each other language's status labels: its site's ``ENGAGE_STATUSES`` label where it
    renames the status, else the theme catalogue's translation of the main label (what the
    widgets show), so the server words statuses as the pages do."""
    main, found = sites[0], {}
    for site in sites[1:]:
        words = catalogs.translations(catalogs.directory_of(site.settings), site.lang)
        labels = {}
        for status in main.statuses:
            own = label_of(site.statuses, status.key).label
            labels[status.key] = own if own != status.label else words.gettext(status.label)
        found[site.lang] = labels
    return found


def _offers_once(sites: list[SiteBlocks]) -> list[tuple[str, Any]]:
    """Every site's articles, a translated offer once (in the first language that has it)."""
    seen: set[str] = set()
    found = []
    for site in sites:
        for source, article in site.articles:
            group = str(getattr(article, "slug", source))
            if getattr(article, "hub_expires", None) is not None and group in seen:
                continue
            seen.add(group)
            found.append((source, article))
    return found


def write_outputs(build: session.Session) -> None:
    """Session hook (after a clean report): the manifest, the CSVs, each language's roadmap
    feed."""
    sites = _sites(build)
    if not sites:
        return
    main = sites[0]
    entries, langs = _entries(build)
    output = main.output / "engage"
    manifest = build_manifest(entries, _offers_once(sites), langs)
    # The brand's name travels with the manifest: pollserver signs mails and names the admin
    # with it (never the software's name).
    brand = {"site": {"name": str(main.settings.get("SITENAME") or "")}}
    write_manifest(output / "manifest.json",
                   {**manifest, **to_spec(main.statuses, status_labels(sites)),
                    **_announcements(sites), **brand})
    _write_csvs(output / "polls", [own for own, _t in merge(entries, langs)], main.now,
                main.results)
    for site in sites:
        write_roadmap_feed(site.output, site.results, site.statuses, site.settings)


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
