"""Insider previews: articles with `Preview: champions` are kept out of the public site until
their `Date`.

Before its date (the build's instant is HUB_NOW, else now) such an article is taken out of
the article list before Pelican builds categories, archives, feeds, the sitemap and the
engage manifest from it (`article_generator_pretaxonomy`), so no listing, feed, tag or
"You asked, we did" link can name it. It is then written with the article template, marked
as a preview (noindex, a "Preview for champions" badge, no share links, no search index
body), to `<its save_as>` in the previews folder, and listed in that folder's `index.json`
with its date. The previews folder is beside the output, never in it (`output-previews/` for
`output/`, or `HUB_PREVIEW_PATH`): the output is what goes to a static host, where any file
is anyone's to read. pollserver answers the article's own URL with the preview to champions
only (pollserver/public/previews.py) until the date, and to everyone after it. Built at or
after its date, the article is an ordinary article.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from languages import session

from pollserver.domain.champions import PREVIEW_AUDIENCE, PREVIEW_INDEX, previews_beside

from .report import add, header_line, source_name

__all__ = ["hold_previews", "is_preview", "preview_root", "write_previews"]


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


def preview_root(settings, output_path: str) -> Path:
    """The previews folder: `HUB_PREVIEW_PATH`, else beside the output."""
    given = settings.get("HUB_PREVIEW_PATH")
    return Path(given).absolute() if given else previews_beside(Path(output_path))


def write_previews(generator, writer) -> None:
    """Write the held previews and their index into the previews folder (stale ones removed).

    Rendered here rather than through Pelican's writer: the writer only writes inside the
    output, which is exactly where a preview must not be. Each language's site writes its
    own previews; the folder is emptied once per build and the index lists them all.
    """
    del writer  # Pelican's signal hands it over; see above
    root = preview_root(generator.settings, generator.output_path)
    done = session.current(generator.settings).keep("hub: previews", dict)
    if not done.get("cleared") and root.is_dir() and not root.is_symlink():
        shutil.rmtree(root)
    done["cleared"] = True
    entries = done.setdefault("entries", [])
    template = generator.get_template("article")
    for article in getattr(generator, "hub_previews", []):
        target = (root / article.save_as).resolve()
        if not target.is_relative_to(root.resolve()):
            continue  # a save_as climbing out of the folder: Pelican's own writer refuses too
        context = dict(generator.context, localsiteurl=None, output_file=article.save_as,
                       article=article, category=getattr(article, "category", None),
                       preview=True, url=article.url, blog=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(context), encoding="utf-8")
        entries.append({"path": article.url, "file": article.save_as,
                        "date": article.date.isoformat()})
    root.mkdir(parents=True, exist_ok=True)
    (root / PREVIEW_INDEX).write_text(json.dumps({"previews": entries}, indent=1) + "\n",
                                      encoding="utf-8")
