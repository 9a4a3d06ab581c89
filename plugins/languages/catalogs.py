"""The theme's own words in gettext catalogues: one ``.po`` file per language, read with Babel.

Every string the theme prints (templates, the engage blocks, the widgets) is an English
``msgid`` marked in its source: ``{% trans %}...{% endtrans %}`` or ``_("...")`` in Jinja,
``_("...")`` in the widget inventory (``widgets.py``), later ``t("...")`` in the widgets'
JavaScript. :func:`extract` finds them with Babel's extractors (the ``SOURCES`` below, one
list for the build and for ``make translations``); a translator edits
``theme/translations/<lang>/LC_MESSAGES/messages.po``.

The build reads the ``.po`` files as they are (no compiled ``.mo`` to forget to update):
:func:`translations` compiles one in memory for Jinja's ``i18n`` extension, and
:func:`untranslated` lists the strings a language lacks, for ``make check``. A missing or
fuzzy translation shows the English text; the build never fails for it.

``python -m languages.catalogs update [--add LANG]`` (``make translations``) extracts the
strings into ``messages.pot`` and merges it into every language's ``.po`` (new strings empty,
changed ones marked fuzzy, removed ones kept as obsolete), or starts a new language.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

__all__ = ["DOMAIN", "SOURCES", "Message", "catalog", "directory_of", "extract", "po_digest",
           "po_path", "translations", "untranslated", "update"]

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "messages"
#: Where the theme's strings are (glob, Babel extraction method), from the project root;
#: ``{theme}`` is the site's ``THEME`` (``theme/`` here).
SOURCES = (
    ("{theme}/templates/**/*.html", "jinja2"),
    ("plugins/engage/templates/**/*.html", "jinja2"),
    ("plugins/languages/widgets.py", "python"),
    ("plugins/engage/roadmap.py", "python"),
    ("plugins/engage/plugin.py", "python"),
    ("{theme}/static/js/**/*.js", "javascript"),
    ("pollserver/public/static/embed.js", "javascript"),  # the embeds read the same catalogue
)
#: Jinja's ``{% trans %}`` blocks are trimmed (whitespace folded), in the build and here.
JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "t": None, "tn": (1, 2)}
HEADER = "Translations of the hub theme's own words (templates, blocks, widgets)."


@dataclass(frozen=True)
class Message:
    """One string of the theme: its ``msgid`` (a tuple with a plural) and where it is used."""

    msgid: str | tuple[str, str]
    locations: tuple[tuple[str, int], ...]

    @property
    def key(self) -> str:
        """Return the singular ``msgid``."""
        return self.msgid if isinstance(self.msgid, str) else self.msgid[0]


def directory_of(settings) -> Path:
    """Return the catalogues' folder: ``I18N_GETTEXT_LOCALEDIR``, else the theme's
    ``translations`` (the convention of ``pelican-i18n-subsites``)."""
    given = settings.get("I18N_GETTEXT_LOCALEDIR")
    return Path(given) if given else Path(settings.get("THEME") or "theme") / "translations"


def po_path(directory: Path, lang: str) -> Path:
    """Return ``<directory>/<lang>/LC_MESSAGES/messages.po``."""
    return directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _files(root: Path, theme: Path) -> Iterator[tuple[Path, str]]:
    for pattern, method in SOURCES:
        base, glob = (theme, pattern.removeprefix("{theme}/")) if pattern.startswith(
            "{theme}/") else (root, pattern)
        for path in sorted(base.glob(glob)):
            if path.is_file():
                yield path, method


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


@lru_cache(maxsize=256)
def _extract_file(path: Path, method: str, stamp: float) -> tuple[tuple[int, Any], ...]:
    """Babel's extraction of one file, kept while the file is unchanged (a build asks twice,
    and once more per language)."""
    del stamp
    options = JINJA_OPTIONS if method == "jinja2" else {}
    extractor = "jinja2.ext:babel_extract" if method == "jinja2" else method
    return tuple((line, message) for line, message, _comments, _context in extract_from_file(
        extractor, path, keywords=KEYWORDS, options=options))


def extract(root: Path = ROOT, theme: Path | None = None) -> list[Message]:
    """Return every marked string of the theme, in source order, each once."""
    found: dict[str | tuple[str, str], list[tuple[str, int]]] = {}
    for path, method in _files(root, (theme or root / "theme").resolve()):
        path = path.resolve()
        for line, message in _extract_file(path, method, _stamp(path)):
            msgid = message if isinstance(message, str) else (message[0], message[1])
            found.setdefault(msgid, []).append((_shown(path, root), line))
    return [Message(msgid, tuple(places)) for msgid, places in found.items()]


def _stamp(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=16)
def _read(path: Path, stamp: float, lang: str) -> Catalog | None:
    del stamp  # part of the cache key: an edited file is read again
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang.replace("-", "_"), domain=DOMAIN)


@lru_cache(maxsize=16)
def _digest(path: Path, stamp: float) -> str:
    del stamp
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


def po_digest(directory: Path, lang: str) -> str:
    """Return a short digest of a language's catalogue ("" when it has none): what a page
    rendered with it depends on."""
    path = po_path(directory, lang)
    return _digest(path, _stamp(path))


def catalog(directory: Path, lang: str) -> Catalog | None:
    """Return a language's catalogue, or None when it has none."""
    path = po_path(directory, lang)
    return _read(path, _stamp(path), lang)


@lru_cache(maxsize=16)
def _compiled(path: Path, stamp: float, lang: str) -> Translations:
    found = _read(path, stamp, lang)
    if found is None:
        return Translations()  # no catalogue: every string in English
    buffer = io.BytesIO()
    write_mo(buffer, found, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(directory: Path, lang: str) -> Translations:
    """Return the gettext translations of a language (English text where one is missing)."""
    path = po_path(directory, lang)
    return _compiled(path, _stamp(path), lang)


def untranslated(directory: Path, lang: str, messages: list[Message]
                 ) -> list[tuple[Message, str]]:
    """Return (message, why) for each theme string the language's catalogue does not
    translate: missing from the ``.po``, empty, or fuzzy (a changed English text)."""
    found = catalog(directory, lang)
    missing = []
    for message in messages:
        entry = found.get(message.key) if found is not None else None
        strings = [] if entry is None else (
            list(entry.string) if isinstance(entry.string, tuple) else [entry.string])
        if entry is None:
            missing.append((message, "not in the catalogue"))
        elif entry.fuzzy:
            missing.append((message, "marked fuzzy (the English text changed)"))
        elif not strings or not all(strings):
            missing.append((message, "not translated yet"))
    return missing


def template_catalog(messages: list[Message]) -> Catalog:
    """Return the ``messages.pot`` template of the extracted strings."""
    pot = Catalog(domain=DOMAIN, project="valuehub theme", header_comment=f"# {HEADER}\n#",
                  fuzzy=False)
    for message in messages:
        pot.add(message.msgid, locations=list(message.locations))
    return pot


def _po_bytes(po: Catalog, **options: object) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, po, width=100, sort_output=False, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless only its header's dates differ from the file's."""
    def body(raw: bytes) -> list[bytes]:
        return [line for line in raw.splitlines()
                if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))]
    if path.is_file() and body(path.read_bytes()) == body(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(directory: Path, add: list[str], root: Path = ROOT) -> list[str]:
    """Extract the strings, write ``messages.pot`` and merge it into every ``.po``; return
    what changed. ``add`` starts catalogues for new languages."""
    messages = extract(root)
    pot = template_catalog(messages)
    changed = []
    if _write_if_changed(directory / f"{DOMAIN}.pot", _po_bytes(pot)):
        changed.append(f"{directory / (DOMAIN + '.pot')}: {len(messages)} strings")
    langs = sorted({p.parent.parent.name for p in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
                   | set(add))
    for lang in langs:
        path = po_path(directory, lang)
        if path.is_file():
            with path.open("rb") as handle:
                po = read_po(handle, locale=lang.replace("-", "_"), domain=DOMAIN)
        else:
            po = Catalog(locale=Locale.parse(lang.replace("-", "_")), domain=DOMAIN,
                         project="valuehub theme", header_comment=f"# {HEADER}\n#")
        po.update(pot, no_fuzzy_matching=False, update_creation_date=False)
        if _write_if_changed(path, _po_bytes(po, ignore_obsolete=False)):
            left = len(untranslated(directory, lang, messages)) if path.is_file() else 0
            changed.append(f"{path}: {left} to translate")
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m languages.catalogs update [--add LANG]`` (``make translations``)."""
    parser = argparse.ArgumentParser(prog="python -m languages.catalogs")
    parser.add_argument("command", choices=["update"])
    parser.add_argument("--dir", type=Path, default=ROOT / "theme" / "translations")
    parser.add_argument("--add", action="append", default=[], metavar="LANG",
                        help="start the catalogue of a new language (for example fr)")
    args = parser.parse_args(argv)
    changed = update(args.dir, args.add)
    for line in changed or ["catalogues up to date"]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
