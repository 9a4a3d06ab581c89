"""Collect every block of the site into ``output/engage/manifest.json`` for ``pollserver sync``.

The manifest is ``{"version": 1, "polls": [...], "jams": [...], "surveys": [...]}``; each item
is the validated block plus ``id``, ``source`` (``content/x.md:12``, the opening fence) and
``url`` (the page's path).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pollserver.domain.specs import Spec, spec_to_manifest

__all__ = ["VERSION", "Entry", "build_manifest", "duplicate_ids", "write_manifest"]

VERSION = 1
SECTIONS = {"poll": "polls", "jam": "jams", "survey": "surveys"}


@dataclass(frozen=True)
class Entry:
    """A block as published: the spec, where it was written and the page that shows it."""

    spec: Spec
    path: str
    line: int
    url: str

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
    """Return (entry, message) per block whose id is already used by another of its kind."""
    first: dict[tuple[str, str], Entry] = {}
    problems = []
    for entry in sorted(entries, key=_order):
        key = (entry.spec.kind, entry.spec.id)
        if key in first:
            problems.append((
                entry,
                f"{entry.spec.kind} '{entry.spec.id}': duplicate id, already used at "
                f"{first[key].source} (give one of them another id)",
            ))
        else:
            first[key] = entry
    return problems


def build_manifest(entries: list[Entry]) -> dict[str, Any]:
    """Return the manifest, items in source order so every build writes the same file."""
    manifest: dict[str, Any] = {"version": VERSION, **{name: [] for name in SECTIONS.values()}}
    for entry in sorted(entries, key=_order):
        manifest[SECTIONS[entry.spec.kind]].append(entry.to_json())
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, so a running ``pollserver sync`` never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, path)
