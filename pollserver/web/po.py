"""pollserver's catalogues on disk: ``pollserver/translations/<lang>/LC_MESSAGES/messages.po``.

As the theme's catalogues, each ``.po`` file is compiled in memory when first needed and again
when it changes (no ``.mo`` to forget on a fresh clone or after an edit); a missing language,
a missing or fuzzy string gives the English text and never fails. Importing this module hands
:func:`translations` to :mod:`pollserver.domain.catalogues`, whose ``gettext`` the domain's
wording and the mails use; Flask-Babel (``web/locale.py``) reads the same translations.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from pollserver.domain import catalogues

__all__ = ["FOLDER", "available", "translations"]

#: Where the catalogues are: ``<lang>/LC_MESSAGES/messages.po`` (``make translations``).
FOLDER = Path(__file__).resolve().parents[1] / "translations"
DOMAIN = "messages"


def _po_path(lang: str) -> Path:
    return FOLDER / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def available() -> tuple[str, ...]:
    """The languages with a catalogue, plus the source language, sorted."""
    found = {p.parents[1].name for p in FOLDER.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {catalogues.SOURCE_LANG}))


@lru_cache(maxsize=16)
def _compiled(lang: str, mtime: int) -> NullTranslations:
    with _po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry shows the English text
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(lang: str | None) -> NullTranslations:
    """Return ``lang``'s translations (English text for anything it lacks), never failing."""
    base = (lang or catalogues.SOURCE_LANG).replace("_", "-").split("-")[0].lower()
    try:
        mtime = _po_path(base).stat().st_mtime_ns
    except OSError:
        return NullTranslations()
    return _compiled(base, mtime)


catalogues.install(translations)
