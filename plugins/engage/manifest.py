"""Collect every block of the site into ``output/engage/manifest.json`` for ``pollserver sync``.

The manifest is ``{"version": 1, "polls": [...], "jams": [...], "surveys": [...]}``; each item
is the validated block plus ``id``, ``source`` (``content/x.md:12``, the opening fence) and
``url`` (the page's path). Two more sections feed the admin's "needs your attention" list:
``offers`` (``title``, ``url``, ``source``, ``expires``) and ``channels`` (each channel's newest
article date); ``pollserver sync`` ignores them.

A block written in several translations of one article (same ``id``) is one item: the main
language's block as above, plus ``lang`` (its language) and ``texts`` (the words, page and
fence of each other language; ``pollserver/domain/blocktexts.py``), which ``sync`` ignores.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pollserver.domain.blocktexts import texts_of
from pollserver.domain.kinds import SECTIONS
from pollserver.domain.specs import Spec, iso_utc, spec_to_manifest

__all__ = ["VERSION", "Entry", "build_manifest", "content_sections", "duplicate_ids",
           "item_json", "merge", "write_manifest"]

VERSION = 1


@dataclass(frozen=True)
class Entry:
    """A block as published: the spec, where it was written and the page that shows it."""

    spec: Spec
    path: str
    line: int
    url: str
    #: The language of the page (``Lang:``) and its translation group (``article:slug``):
    #: a block shared by translations of one article is one item.
    lang: str = ""
    group: str = ""

    @property
    def source(self) -> str:
        """Return ``content/x.md:12``."""
        return f"{self.path}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        """Return the manifest item."""
        item = spec_to_manifest(self.spec)
        item.update(id=self.spec.id, source=self.source, url=self.url)
        return item


def _order(entry: Entry) -> tuple[str, int]:
    return entry.path, entry.line


def duplicate_ids(entries: list[Entry]) -> list[tuple[Entry, str]]:
    """Return (entry, message) per block whose id is already used by another of its kind.

    The same id in another language is no duplicate when both pages are translations of one
    article (the block is translated, see :func:`merge`).
    """
    by_lang: dict[tuple[str, str, str], Entry] = {}
    by_id: dict[tuple[str, str], Entry] = {}
    problems = []
    for entry in sorted(entries, key=_order):
        key = (entry.spec.kind, entry.spec.id)
        same_lang = by_lang.get((*key, entry.lang))
        other = by_id.get(key)
        if same_lang is not None:
            hint, earlier = "give one of them another id", same_lang
        elif other is not None and (not entry.group or entry.group != other.group):
            hint, earlier = ("a block in another language shares its id only in a translation "
                             "of the same article or page (same Slug:); elsewhere give it "
                             "another id"), other
        else:
            by_lang[(*key, entry.lang)] = entry
            by_id.setdefault(key, entry)
            continue
        problems.append((entry, f"{entry.spec.kind} '{entry.spec.id}': duplicate id, already "
                                f"used at {earlier.source} ({hint})"))
    return problems


def _utc(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    return iso_utc((value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC))


def content_sections(articles: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return ``offers`` and ``channels`` from published (source, article) pairs.

    An offer's ``expires`` is the hub plugin's parsed value (``hub_expires``), so the admin
    and the offer page agree on the instant.
    """
    offers, channels = [], {}
    for source, article in sorted(articles, key=lambda pair: pair[0]):
        category = getattr(getattr(article, "category", None), "slug", None)
        published = _utc(getattr(article, "date", None))
        if category and published and published > channels.get(category, ""):
            channels[category] = published
        expires = _utc(getattr(article, "hub_expires", None))
        if expires:
            offers.append({"title": str(getattr(article, "title", "")), "source": source,
                           "url": "/" + str(article.url).lstrip("/"), "expires": expires})
    return {"offers": offers, "channels": dict(sorted(channels.items()))}


def _rank(entry: Entry, langs: list[str]) -> tuple[int, str, int]:
    return (langs.index(entry.lang) if entry.lang in langs else len(langs), entry.path,
            entry.line)


def merge(entries: list[Entry], langs: list[str]) -> list[tuple[Entry, list[Entry]]]:
    """Group the blocks by kind and id: (the item's own block, its translations).

    The item's own block is the one in the first of ``langs`` (the main language) that has
    it; the others are translations, in the order of ``langs``.
    """
    grouped: dict[tuple[str, str], list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: _rank(e, langs)):
        grouped.setdefault((entry.spec.kind, entry.spec.id), []).append(entry)
    return [(found[0], found[1:]) for found in grouped.values()]


def item_json(own: Entry, translations: list[Entry]) -> dict[str, Any]:
    """Return one manifest item: the own block, and ``lang``/``texts`` when translated."""
    item = own.to_json()
    if own.lang:
        item["lang"] = own.lang
    texts = {}
    for other in translations:
        if other.lang and other.lang != own.lang and other.lang not in texts:
            texts[other.lang] = {**texts_of(other.spec.kind, other.to_json()),
                                 "url": other.url, "source": other.source}
    if texts:
        item["texts"] = texts
    return item


def build_manifest(entries: list[Entry], articles: list[tuple[str, Any]] | None = None,
                   langs: list[str] | None = None) -> dict[str, Any]:
    """Return the manifest, items in source order so every build writes the same file."""
    manifest: dict[str, Any] = {"version": VERSION, **{name: [] for name in SECTIONS.values()}}
    items = merge(entries, langs or [])
    for own, translations in sorted(items, key=lambda pair: _order(pair[0])):
        manifest[SECTIONS[own.spec.kind]].append(item_json(own, translations))
    manifest.update(content_sections(articles or []))
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, so a running ``pollserver sync`` never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, path)
