"""Each item's words and page in the site's other languages, from the built site's manifest.

``pollserver sync`` stores the main language's block (one item per id) with the translations'
pages in its spec, which ``api/guards.py`` reads first for where a form goes back to; the
manifest's ``lang`` and ``texts`` (``pollserver/domain/blocktexts.py``) say
which language the block was written in and, per translation, its question, option labels
and page (``url``). The server reads them here, re-read when the manifest changes, to send
a no-JS form back to the page it came from and to label options in the reader's language.
Without a built site everything falls back to the stored item (the main language).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pollserver.domain.kinds import SECTIONS
from pollserver.domain.paths import local_path
from pollserver.web.context import services

__all__ = ["in_language", "item_lang", "item_texts", "option_labels", "url_in"]

MANIFEST = Path("engage") / "manifest.json"
_cache: dict[str, tuple[int, dict[tuple[str, str], dict[str, Any]]]] = {}


def _items() -> dict[tuple[str, str], dict[str, Any]]:
    site_dir = services().settings.site_dir
    if not site_dir:
        return {}
    path = Path(site_dir) / MANIFEST
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    cached = _cache.get(str(path))
    if cached is None or cached[0] != mtime:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        found = {}
        for kind, section in SECTIONS.items():
            for entry in data.get(section, []) if isinstance(data, dict) else []:
                if isinstance(entry, dict) and "id" in entry:
                    found[kind, str(entry["id"])] = {"lang": entry.get("lang"),
                                                     "texts": entry.get("texts") or {}}
        cached = _cache[str(path)] = (mtime, found)
    return cached[1]


def item_lang(kind: str, item_id: str) -> str:
    """The language the item's block was written in (the site's main one if unknown)."""
    return str(_items().get((kind, item_id), {}).get("lang") or services().settings.language)


def item_texts(kind: str, item_id: str, lang: str) -> dict[str, Any]:
    """The item's words in ``lang`` (empty when the block has no translation there)."""
    if lang == item_lang(kind, item_id):
        return {}
    texts = _items().get((kind, item_id), {}).get("texts", {})
    found = texts.get(lang) if isinstance(texts, dict) else None
    return found if isinstance(found, dict) else {}


def url_in(kind: str, item_id: str, lang: str, default: str) -> str:
    """The page that shows the item in ``lang``, else ``default`` (its main page)."""
    return local_path(item_texts(kind, item_id, lang).get("url")) or default


def option_labels(kind: str, item_id: str, lang: str) -> dict[str, str]:
    """Option key to label in ``lang`` (empty: use the stored labels)."""
    options = item_texts(kind, item_id, lang).get("options")
    return {str(k): str(v) for k, v in options.items()} if isinstance(options, dict) else {}


def in_language(view: dict[str, Any], lang: str) -> dict[str, Any]:
    """A poll's API view with its question and option labels in ``lang`` where the block was
    translated (keys, counts and order unchanged: the tally is the same in every language)."""
    texts = item_texts("poll", str(view.get("id", "")), lang)
    if not texts:
        return view
    labels = texts.get("options") if isinstance(texts.get("options"), dict) else {}
    shown = dict(view)
    if isinstance(texts.get("question"), str):
        shown["question"] = texts["question"]
    shown["options"] = [dict(o, label=str(labels.get(o.get("key"), o.get("label"))))
                        for o in view.get("options", [])]
    return shown
