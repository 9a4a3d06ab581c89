"""Insider previews: articles with `Preview: champions` are kept out of the public site until
their `Date`.

Before its date (the build's instant is HUB_NOW, else now) such an article is taken out of
the article list before Pelican builds categories, archives, feeds, the sitemap and the
engage manifest from it (`article_generator_pretaxonomy`), so no listing, feed, tag or
"You asked, we did" link can name it. It is then written with the article template, marked
as a preview (noindex, a "Preview for champions" badge, no share links, no search index
body), to `_previews/<its save_as>`, and listed in `_previews/index.json` with its date.
pollserver never serves that folder as files: it answers the article's own URL with the
preview to champions only (pollserver/public/previews.py) until the date, and to everyone
after it. Built at or after its date, the article is an ordinary article.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from pollserver.domain.champions import PREVIEW_AUDIENCE, PREVIEW_DIR, PREVIEW_INDEX

from .report import add, header_line, source_name

__all__ = ["hold_previews", "is_preview", "write_previews"]


def is_preview(article) -> bool:
    """Whether the article asks to be a champions' preview (`Preview: champions`)."""
    value = str(article.metadata.get("preview", "")).strip().lower()
    return value == PREVIEW_AUDIENCE


def hold_previews(generator, now: datetime) -> None:
    """Take previews dated after `now` out of every list Pelican publishes from."""
    held = []
    for name in ("articles", "translations"):
        items = getattr(generator, name, None)
        if not isinstance(items, list):
            continue
        keep = []
        for article in items:
            if is_preview(article) and article.date > now:
                held.append(article)
            else:
                keep.append(article)
        items[:] = keep
    for article in getattr(generator, "articles", []):
        value = str(article.metadata.get("preview", "")).strip()
        if value and not is_preview(article):
            add(generator.settings, source_name(article, generator.settings["PATH"]),
                header_line(article.source_path, "preview"),
                f"preview: {value!r} is not a preview audience (use Preview: champions)")
    generator.hub_previews = sorted(held, key=lambda a: a.date)


def write_previews(generator, writer) -> None:
    """Write the held previews and their index into `_previews/` (stale ones removed)."""
    root = Path(generator.output_path) / PREVIEW_DIR
    if root.is_dir() and not root.is_symlink():
        shutil.rmtree(root)
    entries = []
    template = generator.get_template("article")
    for article in getattr(generator, "hub_previews", []):
        name = f"{PREVIEW_DIR}/{article.save_as}"
        writer.write_file(name, template, generator.context, article=article,
                          category=getattr(article, "category", None), preview=True,
                          url=article.url, blog=True)
        entries.append({"path": article.url, "file": article.save_as,
                        "date": article.date.isoformat()})
    root.mkdir(parents=True, exist_ok=True)
    (root / PREVIEW_INDEX).write_text(json.dumps({"previews": entries}, indent=1) + "\n",
                                      encoding="utf-8")
