"""The folder is the channel: what a Pelican `Category:` line means here, and files no channel
reads.

Editors who know Pelican write `Category: news`. The hub's channels are its article folders
(`ARTICLE_PATHS`), so:

* a `Category:` equal to the folder's channel (in any case: `News`, `NEWS`) is accepted silently;
* a different one is a `file:line` problem that says the folder decides, and the article is
  left out of the build (a page at `/recipes/x.html` would belong to no channel, navigation or
  feed);
* an article in a sub-folder of a channel (`news/2026/x.md`) belongs to that channel, not to a
  category named after the sub-folder as plain Pelican would make it;
* a Markdown file in a folder that is no channel and no page folder (`content/recipes/x.md`,
  or beside the channel folders) is reported: Pelican would silently leave it out.

A `Template:` line naming a template the theme does not have is reported too, before Pelican
would stop the build at writing time with a traceback.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePosixPath

from pelican.contents import Category
from pelican.generators import PelicanTemplateNotFound

from .frontmatter import read_header
from .report import add, header_line, source_name

__all__ = ["ARTICLE_LISTS", "channel_of", "check_templates", "one_of_each", "stray_files",
           "take_channels"]

ARTICLE_LISTS = ("articles", "translations", "drafts", "drafts_translations",
                 "hidden_articles", "hidden_translations")


def _relative(source_path: str, settings) -> PurePosixPath | None:
    try:
        rel = Path(os.path.abspath(source_path)).relative_to(os.path.abspath(settings["PATH"]))
    except ValueError:
        return None
    return PurePosixPath(rel.as_posix())


def channel_of(source_path: str, settings) -> str | None:
    """Return the channel (article folder) a file is in, or None outside every one."""
    rel = _relative(source_path, settings)
    if rel is None:
        return None
    for folder in settings.get("ARTICLE_PATHS") or ():
        parts = PurePosixPath(folder).parts
        if rel.parts[: len(parts)] == parts and len(rel.parts) > len(parts):
            return parts[-1]
    return None


def _channel_names(settings) -> str:
    return ", ".join(PurePosixPath(f).parts[-1] for f in settings.get("ARTICLE_PATHS") or ())


def _folders(settings) -> str:
    names = [f"{n}/" for n in _channel_names(settings).split(", ") if n]
    return " or ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else "?"


def _explicit_category(article) -> tuple[int, str] | None:
    """Return (line, value) of the file's own `Category:` line, if it has one."""
    try:
        found = read_header(Path(article.source_path)).get("category")
    except OSError:
        return None
    if found is not None:
        return found
    folder = Path(article.source_path).parent.name
    name = getattr(getattr(article, "category", None), "name", folder)
    return None if name == folder else (1, name)  # another reader's metadata named it


def take_channels(generator) -> set[int]:
    """Give every article its folder's channel; report a `Category:` naming another one.

    Returns the ids of the articles to leave out (each reported once).
    """
    settings = generator.settings
    broken: set[int] = set()
    channels: dict[str, Category] = {}
    for name in ARTICLE_LISTS:
        for article in getattr(generator, name, None) or ():
            channel = channel_of(article.source_path, settings)
            if channel is None:
                continue
            wanted = channels.setdefault(channel, Category(channel, settings))
            explicit = _explicit_category(article)
            current = getattr(article, "category", None)
            if explicit is not None and Category(explicit[1], settings).slug != wanted.slug:
                line, value = explicit
                add(settings, source_name(article, settings["PATH"]), line,
                    f"category: {value!r} does not match the folder: the folder decides the "
                    f"channel, here {channel} (remove the Category line, or move the file to "
                    f"the folder of its channel: {_folders(settings)})")
                broken.add(id(article))
                continue
            if current is None or current.name != wanted.name:
                article.category = wanted
                article.metadata["category"] = wanted
    return broken


def one_of_each(generator) -> None:
    """Name each tag and author once per article: `Tags: espresso, Espresso` is one tag (one
    page, one slug), as Pelican's own pages would have it; the first spelling stays. A name
    with nothing to make an address of (`Tags: !!!`) is left out, with a warning."""
    settings = generator.settings
    for name in ARTICLE_LISTS:
        for article in getattr(generator, name, None) or ():
            for field in ("tags", "authors"):
                items = getattr(article, field, None)
                if not isinstance(items, list):
                    continue
                for item in items:
                    if not item.slug:
                        add(settings, source_name(article, settings["PATH"]),
                            header_line(article.source_path, field), f"{field}: {str(item)!r} "
                            "has no letter or digit to make its page's address of, so it is "
                            "left out (reword it)", warning=True)
                slugs: set[str] = {""}
                unique = [i for i in items if not (i.slug in slugs or slugs.add(i.slug))]
                if len(unique) != len(items):
                    setattr(article, field, unique)
                    article.metadata[field] = unique


def _ignored(name: str, settings) -> bool:
    return name.startswith(".") or any(fnmatch.fnmatch(name, pattern)
                                       for pattern in settings.get("IGNORE_FILES") or ())


def stray_files(generator) -> None:
    """Report content files in no channel or page folder (Pelican would skip them silently)."""
    settings = generator.settings
    base = Path(settings["PATH"])
    read = [PurePosixPath(p).parts for key in ("ARTICLE_PATHS", "PAGE_PATHS", "STATIC_PATHS")
            for p in settings.get(key) or ()]
    read += [PurePosixPath(p).parts for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES",
                                                 "STATIC_EXCLUDES")
             for p in settings.get(key) or ()]
    if not base.is_dir() or () in read:
        return  # the content folder itself is read: no file is left out
    extensions = tuple(f".{e}" for e in generator.readers.extensions)
    output = Path(settings.get("OUTPUT_PATH") or base / "output").resolve()
    channels = ", ".join(f"{base.name}/{c}/" for c in _channel_names(settings).split(", ") if c)
    pages = next(iter(settings.get("PAGE_PATHS") or ()), "pages")
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not _ignored(d, settings)
                         and Path(folder, d).resolve() != output)
        for file in sorted(files):
            if not file.lower().endswith(extensions) or _ignored(file, settings):
                continue
            rel = PurePosixPath(Path(folder, file).relative_to(base).as_posix())
            if any(rel.parts[: len(p)] == p for p in read):
                continue
            add(settings, f"{base.name}/{rel}", 1,
                f"this file is in no channel folder, so it is not built (move it to one of "
                f"{channels} for an article, or {base.name}/{pages}/ for a page)")


def check_templates(generator, contents) -> set[int]:
    """Report `Template:` lines naming a template the theme does not have; return their ids."""
    settings = generator.settings
    broken: set[int] = set()
    for content in contents:
        name = getattr(content, "template", None)
        if not name or name == getattr(content, "default_template", None):
            continue
        try:
            generator.get_template(name)
        except PelicanTemplateNotFound:
            add(settings, source_name(content, settings["PATH"]),
                header_line(content.source_path, "template"),
                f"template: {name!r} is not a template of this theme (remove the line, or add "
                f"theme/templates/{name}.html)")
            broken.add(id(content))
    return broken
