"""Read every content file to the end, whatever is wrong with it, so one run lists everything.

Pelican stops on the first file it cannot read: a `Date:` it cannot parse raises inside the
Markdown reader, a missing `Title:` or an unknown `Status:` is logged as an error (fatal under
`--fatal errors`), and any other exception while reading is logged with a traceback. Each of
these hid the other problems of that file, and, once fatal, of every file after it.

So the hub reads its content this way (all through Pelican's own plugin points):

* the header scan (hub/frontmatter.py) reports the fields Pelican would stop on, with their
  line, and marks the file;
* :class:`TolerantMarkdownReader` (``readers_init``) turns a date it cannot parse into a
  placeholder instead of raising, and a marked file is made with :class:`PlaceholderArticle`
  or :class:`PlaceholderPage`, which fill in what is missing; so the rest of the file (channel
  metadata, blocks, links, images) is read and checked like any other;
* the build then leaves the marked files out (hub/plugin.py moves them to ``hub_broken``), so a
  placeholder never reaches a page, listing or feed;
* anything else a reader raises becomes one line, `content/x.md:1: Pelican could not read this
  file: ...`, and the file is skipped, never a traceback.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import partial
from pathlib import Path

from pelican.contents import Article, Page, SkipStub
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime

from .frontmatter import DATE_FIELDS
from .report import add

__all__ = ["PLACEHOLDER_DATE", "PlaceholderArticle", "PlaceholderPage",
           "TolerantMarkdownReader", "guard", "use_tolerant_reader"]

#: The date a marked file is read with; it never reaches a page (the file is left out).
PLACEHOLDER_DATE = SafeDatetime(1970, 1, 1)
STATUSES = ("published", "hidden", "draft", "skip")


class TolerantMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, except that a date it cannot parse does not raise.

    The header scan has already reported that date (with its line) and marked the file.
    """

    def process_metadata(self, name: str, value: object) -> object:
        try:
            return super().process_metadata(name, value)
        except ValueError:
            if name in DATE_FIELDS:
                return PLACEHOLDER_DATE
            raise


def use_tolerant_reader(readers) -> None:
    """Signal receiver (``readers_init``): read Markdown with :class:`TolerantMarkdownReader`
    (only where Pelican's own Markdown reader would be used)."""
    for ext, cls in list(readers.reader_classes.items()):
        if cls is MarkdownReader:
            readers.reader_classes[ext] = TolerantMarkdownReader


def _fill_in(metadata: dict | None, source_path: str | None, dated: bool) -> dict:
    """Return the metadata with what Pelican requires filled in, for a marked file."""
    filled = dict(metadata or {})
    filled.setdefault("title", Path(source_path or "untitled").stem)
    if dated and not isinstance(filled.get("date"), datetime):
        filled["date"] = PLACEHOLDER_DATE
    if str(filled.get("status", "published")) not in STATUSES:
        filled["status"] = "draft"
    for key in ("save_as", "url"):
        filled.pop(key, None)  # a Save_as outside the output is refused at checking
    return filled


class PlaceholderArticle(Article):
    """An article whose file the scan marked: made whole enough to be checked, then left out."""

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        super().__init__(content, _fill_in(metadata, source_path, True), settings, source_path,
                         context)


class PlaceholderPage(Page):
    """A page whose file the scan marked: made whole enough to be checked, then left out."""

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        super().__init__(content, _fill_in(metadata, source_path, False), settings,
                         source_path, context)


def _read_file(read, generator, marked: set[str], **kwargs):
    path = kwargs.get("path", "")
    full = os.path.abspath(os.path.join(kwargs.get("base_path") or "", path))
    if full in marked:
        placeholder = PlaceholderArticle if kwargs.get("content_class") is Article \
            else PlaceholderPage
        kwargs["content_class"] = placeholder
    try:
        return read(**kwargs)
    except Exception as exc:  # any reader's failure: one line for the editor, no traceback
        settings = generator.settings
        base = Path(settings["PATH"])
        try:
            name = f"{base.name}/{Path(full).relative_to(os.path.abspath(base)).as_posix()}"
        except ValueError:
            name = full
        add(settings, name, 1, f"Pelican could not read this file: {exc.__class__.__name__}: "
                               f"{exc} (fix the file, or move it out of the content folder)")
        return SkipStub(None, source_path=full)


def guard(generator, marked: set[str]) -> None:
    """Make this generator read marked files with placeholders and report, not raise, any
    other reading failure. ``marked`` holds absolute source paths."""
    read = generator.readers.read_file
    generator.readers.read_file = partial(_read_file, read, generator, marked)
