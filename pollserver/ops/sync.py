"""Load the build manifest into the store: create, update wording, archive; never lose votes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pollserver.domain.kinds import KINDS, spec_from_manifest
from pollserver.domain.problems import Problem
from pollserver.domain.records import Item, SyncReport
from pollserver.domain.specs import SpecError, spec_to_manifest
from pollserver.domain.statuses import (
    ANNOUNCEMENTS,
    SITE_ITEM,
    StatusError,
    parse_statuses,
    to_spec,
)
from pollserver.store.base import Store
from pollserver.store.roadmap import roadmap_cards_of, site_statuses

__all__ = ["SyncError", "announcements", "empty_pools", "load_manifest", "manifest_content",
           "sync_manifest"]


class SyncError(Exception):
    """The manifest cannot be applied; the message says what to fix."""


def load_manifest(path: Path) -> list[Item]:
    """Read and re-validate ``manifest.json`` into items."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SyncError(f"{path}: no manifest; build the site first (make html)") from None
    except json.JSONDecodeError as error:
        raise SyncError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise SyncError(f"{path}: expected a version 1 manifest")
    items = []
    for plural, kind in ((k.section, k.name) for k in KINDS):
        for entry in data.get(plural, []):
            source = entry.get("source", str(path))
            try:
                spec = spec_from_manifest(kind, entry)
            except (SpecError, KeyError, TypeError) as error:
                raise SyncError(f"{source}: {kind} {entry.get('id', '?')!r}: {error}") from None
            stored = spec_to_manifest(spec)
            if isinstance(entry.get("texts"), dict):  # translations' words and page URLs
                stored["texts"] = entry["texts"]
            items.append(Item(kind=kind, id=spec.id, spec=stored,
                              source=source, url=str(entry.get("url", ""))))
    if "statuses" in data:  # the site's ENGAGE_STATUSES, kept as one item of its own
        try:
            spec = to_spec(parse_statuses(data["statuses"]), _labels(data))
        except StatusError as error:
            raise SyncError(f"{path}: {error}") from None
        items.append(Item(kind=SITE_ITEM[0], id=SITE_ITEM[1], spec=spec, source=str(path)))
    if "announcements" in data:  # "You asked, we did": jam/idea -> the articles naming it
        items.append(Item(kind=ANNOUNCEMENTS[0], id=ANNOUNCEMENTS[1], source=str(path),
                          spec={"announcements": announcements(data["announcements"])}))
    return items


def _labels(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The statuses' labels in the site's other languages (``{lang: {key: label}}``)."""
    raw = data.get("status_labels")
    if not isinstance(raw, dict):
        return {}
    return {str(lang): {str(k): v for k, v in words.items() if isinstance(v, str)}
            for lang, words in raw.items() if isinstance(words, dict)}


def empty_pools(store: Store, items: list[Item]) -> list[Problem]:
    """Return a warning for each block naming a reward pool that has no codes loaded.

    The block works, but every participant would be told there is no reward left.
    """
    loaded = store.pool_stats()
    warnings = []
    for item in items:
        pool = item.spec.get("reward")
        if pool and not loaded.get(pool, (0, 0))[0]:
            path, _sep, line = item.source.rpartition(":")
            warnings.append(Problem(
                path or item.source, int(line) if line.isdigit() else 1,
                f"{item.kind} '{item.id}': reward pool '{pool}' has no codes loaded "
                f"(load them: pollserver codes load {pool} FILE)", warning=True))
    return sorted(warnings)


def manifest_content(path: Path | None) -> dict[str, Any]:
    """Return the manifest's ``offers`` and ``channels`` (empty when there is no build yet)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: data[key] for key in ("offers", "channels") if key in data}


def announcements(raw: Any) -> dict[str, list[dict[str, Any]]]:
    """Keep the well-formed part of the manifest's ``announcements`` (the build checked it)."""
    if not isinstance(raw, dict):
        return {}
    return {str(ref): [{"title": str(a.get("title", "")), "url": str(a.get("url", "")),
                        "done": a.get("done") is True}
                       for a in articles if isinstance(a, dict)]
            for ref, articles in raw.items() if isinstance(articles, list)}


def _removed_options_with_votes(store: Store, new: Item) -> list[tuple[str, int]]:
    """Return ``(key, votes)`` for each option the new wording drops although it has votes."""
    old = store.get_item("poll", new.id)
    if old is None:
        return []
    old_keys = {o["key"] for o in old.spec.get("options", [])}
    new_keys = {o["key"] for o in new.spec.get("options", [])}
    counts = store.tally(new.id).counts
    return sorted((k, counts[k]) for k in old_keys - new_keys if counts.get(k))


def sync_manifest(store: Store, items: list[Item]) -> SyncReport:
    """Apply the items; refuse (changing nothing) to drop a poll option that has votes."""
    problems: list[str] = []
    for item in items:
        if item.kind == "poll":
            for key, n in _removed_options_with_votes(store, item):
                problems.append(f"{item.source}: poll {item.id!r}: option {key!r} has {n} "
                                f"vote{'s' if n != 1 else ''} and cannot be removed; keep it "
                                "or close the poll and start a new one")
    if problems:
        raise SyncError("\n".join(problems))
    return store.sync_items(items)


def results_snapshot(store: Store) -> dict[str, Any]:
    """Return the results file the build bakes into closed polls and finished jams."""
    polls = {}
    for item in store.list_items("poll"):
        tally = store.tally(item.id)
        polls[item.id] = {"total": tally.total, "counts": dict(tally.counts)}
    jams = {}
    for item in store.list_items("jam"):
        every = store.list_ideas(item.id)
        ideas = [i for i in every if i.moderation == "published" and i.status != "merged"]
        ideas.sort(key=lambda i: (-i.votes, int(i.id) if i.id.isdigit() else 0))
        rows = [{"id": i.id, "title": i.title, "author": i.author, "votes": i.votes,
                 "status": i.status, "winner": i.winner} for i in ideas]
        # Ideas that exist but are not shown (hidden, rejected, pending, merged, erased): an
        # article's `Ideas:` may still name one, and the build says "since removed" for it.
        shown = {i.id for i in ideas}
        removed = sorted((i.id for i in every if i.id not in shown),
                         key=lambda n: int(n) if n.isdigit() else 0)
        jams[item.id] = {"winners": [r for r in rows if r["winner"]], "ideas": rows,
                         "removed": removed}
    roadmap = roadmap_cards_of(store, site_statuses(store))
    # Offers show their stock baked ("37 of 100 left"); the widget keeps it live.
    pools = {pool: {"total": total, "left": total - claimed}
             for pool, (total, claimed) in store.pool_stats().items()}
    return {"version": 1, "polls": polls, "jams": jams, "roadmap": roadmap, "pools": pools}
