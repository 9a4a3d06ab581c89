"""The widgets' words: one JSON catalogue per language for the browser, from the ``.po`` files.

The engage widgets (``theme/static/js/engage/*.js``) and ``site.js`` build text in the
browser: vote counts, thank-yous, error messages. Their words are theme strings like the
templates' and live in the same ``.po`` file per language, so a translator has one file.
Every build writes ``engage/i18n/<lang>.json`` for each language of the hub::

    {"lang": "de", "plural": ["one", "other"],
     "messages": {"Vote": "Abstimmen", "Results so far": "Bisherige Ergebnisse", ...},
     "plurals": {"%(n)s vote": {"one": "%(n)s Stimme", "other": "%(n)s Stimmen"}}}

``messages`` maps each English ``msgid`` to its text (the English text itself where the
language has no translation yet, so a lookup never fails); ``plurals`` gives each plural
message per CLDR category, to pick with ``new Intl.PluralRules(lang).select(n)``.
Placeholders are Python's named ones (``%(n)s``, ``%(title)s``), to be filled in by the
widget. A widget string is any catalogue entry used in a ``.js`` file or listed below.

The engage widgets take their words from the catalogue (``t("Vote")``, ``tn("%(n)s vote",
"%(n)s votes", n)`` in ``engage/shared.js``: the extraction reads ``.js`` files with those
keywords); ``STRINGS`` lists the texts of the scripts that still hold English in their code
(``site.js``, ``search.js``), so their catalogues and translations exist before they read them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from babel import Locale

from . import catalogs

__all__ = ["STRINGS", "catalogue_for", "check_catalogues", "write_widget_catalogues"]

#: The language the theme's msgids are written in: it needs no catalogue.
SOURCE_LANG = "en"
INVENTORY = "plugins/languages/widgets.py"
#: Where the build writes the widgets' catalogues (``<lang>.json``), inside the output.
FOLDER = "engage/i18n"


def _(text: str) -> str:
    """Mark a widget string for extraction (``make translations``)."""
    return text


def ngettext(singular: str, plural: str, n: int = 2) -> str:
    """Mark a widget string with a plural form for extraction."""
    return singular if n == 1 else plural


#: The words of the scripts that do not ask the catalogue yet (site.js, search.js); the engage
#: widgets' own ``t()``/``tn()`` calls are extracted from their ``.js`` files.
STRINGS = [
    # site.js and search.js
    _("Copied"),
    _("Copy code"),
    _("Code %(code)s copied. Paste it at checkout."),
    _("Press Ctrl+C (or ⌘+C) to copy the selected code."),
    _("Link copied."),
    _("Expired"),
    _("Search roasts, brewing help, events, offers"),
    _("Search the hub"),
]

#: CLDR's plural categories in the order gettext's plural forms use them.
CATEGORY_ORDER = ("zero", "one", "two", "few", "many", "other")


def _is_widget(message: catalogs.Message) -> bool:
    return any(path == INVENTORY or path.endswith(".js") for path, _line in message.locations)


def plural_categories(lang: str) -> list[str]:
    """Return the language's CLDR plural categories, in gettext's plural-form order."""
    try:
        tags = Locale.parse(lang.replace("-", "_")).plural_form.tags
    except (ValueError, TypeError):
        tags = {"one", "other"}
    return [c for c in CATEGORY_ORDER if c in tags or c == "other"]


def catalogue_for(directory: Path, lang: str, messages: list[catalogs.Message]
                  ) -> dict[str, Any]:
    """Return the widgets' catalogue of one language (English text where untranslated)."""
    found = catalogs.catalog(directory, lang) if lang != SOURCE_LANG else None
    categories = plural_categories(lang)
    singular: dict[str, str] = {}
    plural: dict[str, dict[str, str]] = {}
    for message in messages:
        if not _is_widget(message):
            continue
        entry = found.get(message.key) if found is not None else None
        usable = entry is not None and not entry.fuzzy
        if isinstance(message.msgid, tuple):
            english = {"one": message.msgid[0], "other": message.msgid[1]}
            forms = list(entry.string) if usable and isinstance(entry.string, tuple) else []
            if forms and all(forms):
                plural[message.key] = dict(zip(categories, forms, strict=False))
            else:
                plural[message.key] = {c: english["one" if c == "one" else "other"]
                                       for c in categories}
        else:
            text = entry.string if usable and isinstance(entry.string, str) else ""
            singular[message.key] = text or message.key
    return {"lang": lang, "plural": categories, "messages": singular, "plurals": plural}


def _site_langs(build) -> list[str]:
    return [str(s.get("DEFAULT_LANG") or "en") for s in build.sites]


def check_catalogues(build) -> None:
    """Session hook: a warning per theme string a language's catalogue lacks, at the place
    the string is used, naming the ``.po`` to edit."""
    from pollserver.domain.problems import add

    settings = build.main
    directory = catalogs.directory_of(settings)
    langs = [lang for lang in dict.fromkeys(_site_langs(build)) if lang != SOURCE_LANG]
    if not langs:
        return
    messages = catalogs.extract(theme=Path(settings.get("THEME") or "theme"))
    for lang in langs:
        po = catalogs.po_path(directory, lang)
        try:
            shown = po.relative_to(Path.cwd()).as_posix()
        except ValueError:
            shown = str(po)
        for message, why in catalogs.untranslated(directory, lang, messages):
            path, line = message.locations[0]
            add(settings, path, line,
                f"theme string {message.key!r} has no {lang!r} translation ({why}) in {shown} "
                f"(run make translations, then translate it there)", warning=True)


def write_widget_catalogues(build) -> None:
    """Session hook: write ``engage/i18n/<lang>.json`` for every language of the hub."""
    settings = build.main
    directory = catalogs.directory_of(settings)
    messages = catalogs.extract(theme=Path(settings.get("THEME") or "theme"))
    folder = Path(settings["OUTPUT_PATH"]) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for lang in dict.fromkeys(_site_langs(build)):
        data = catalogue_for(directory, lang, messages)
        target = folder / f"{lang}.json"
        temporary = target.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                             + "\n", encoding="utf-8")
        os.replace(temporary, target)
