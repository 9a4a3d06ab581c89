"""A sub-site per language, the way Pelican users know it from ``pelican-i18n-subsites``.

The settings are that plugin's: ``I18N_SUBSITES = {"de": {"SITENAME": ...}}`` gives each
extra language a sub-site built with the main settings plus its overrides, ``Lang:`` says an
article's language and the same ``Slug:`` links translations. Like that plugin, the main
site starts the first sub-site once it has read everything (``get_writer``), each sub-site
starts the next one, and all of them write once the last one has read: one build, every
problem reported before a page is written (session.py).

It is not that plugin: pelican-i18n-subsites 1.0.0 stops with a ``KeyError`` on content
Pelican itself accepts (a translation in a language without a sub-site beside one with a
sub-site, or ``Translation: true`` in a sub-site's own language), because it looks up every
translation's address in a table only its sub-sites fill. Here an address is computed from
the language's own URL settings, for any content, so nothing has to be looked up.

Every sub-site writes into the one output folder under ``<lang>/`` with the one ``SITEURL``
(the plugin's default is another output folder and ``SITEURL/<lang>``):

* every link the theme writes is ``/`` plus an address, in any language, so a page links to
  its translations, to the other language's home or to the shared theme files the same way;
* canonical URLs, feeds and calendars are absolute under the one ``SITEURL``;
* the theme's CSS and JS, images and the search index are shared, not copied per language.

What an editor writes in ``I18N_SUBSITES`` wins over these defaults.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from pelican.settings import configure_settings

from . import session
from .session import SUBSITE

__all__ = ["LANGUAGES", "PREFIX", "language_name", "native_url", "overrides_for", "prepare",
           "start_next"]

#: The languages of the build, main first: ``[{"lang", "name", "prefix", "addresses"}]``.
LANGUAGES = "HUB_LANGUAGES"
#: This site's part of every address: ``""`` for the main site, ``"de/"`` for German.
PREFIX = "HUB_PREFIX"
#: Addresses that are not pages of one language.
SHARED = frozenset({"SITEURL", "FEED_DOMAIN", "STATIC_URL", "STATIC_SAVE_AS"})
#: Written once, by the main site, for every language.
MAIN_ONLY = ("SITEMAP_SAVE_AS", "ROBOTS_SAVE_AS")
#: The session's list of sub-sites still to build: ``(lang, overrides)``.
PENDING = "languages: pending"


def language_name(lang: str) -> str:
    """Return a language's name in that language (``Deutsch``), for the switcher."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return lang
    return (name or lang)[:1].upper() + (name or lang)[1:]


def _is_address(key: str, value: Any) -> bool:
    if key in SHARED or key.startswith("ENGAGE_") or not isinstance(value, str) or not value:
        return False
    return key.endswith(("_URL", "_SAVE_AS", "_ATOM", "_RSS"))


def _addresses(settings: MutableMapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in settings.items() if _is_address(k, v) and k.endswith("_URL")}


def overrides_for(settings: MutableMapping[str, Any], lang: str,
                  given: MutableMapping[str, Any]) -> dict[str, Any]:
    """Return the sub-site's settings overrides: the editor's, then this hub's defaults."""
    prefix = f"{lang}/"
    defaults: dict[str, Any] = {
        key: prefix + value.lstrip("/") for key, value in settings.items()
        if _is_address(key, value) and key not in MAIN_ONLY
    }
    defaults.update({key: "" for key in MAIN_ONLY})
    defaults.update({
        SUBSITE: lang,
        PREFIX: prefix,
        "DEFAULT_LANG": lang,
        "SITEURL": settings.get("SITEURL", ""),
        "OUTPUT_PATH": settings.get("OUTPUT_PATH", "output"),
        "CACHE_PATH": f"{str(settings.get('CACHE_PATH') or 'cache').rstrip('/')}/{lang}",
        # The theme's files are the main site's (one copy, one hashed name per file).
        "THEME_STATIC_DIR": settings.get("THEME_STATIC_DIR", "theme"),
        "THEME_STATIC_PATHS": [],
    })
    return {**defaults, **given, "DEFAULT_LANG": lang, SUBSITE: lang}


def prepare(settings: MutableMapping[str, Any]) -> None:
    """Fill in each sub-site's overrides and the list of languages (main site only).

    Content without a ``Lang:`` line is in the main language, in every sub-site too
    (``DEFAULT_METADATA``), so a German sub-site never takes an English article for German.
    """
    main = str(settings.get("DEFAULT_LANG") or "en")
    metadata = dict(settings.get("DEFAULT_METADATA") or {})
    metadata.setdefault("lang", main)
    settings["DEFAULT_METADATA"] = metadata
    settings[PREFIX] = ""
    subsites = settings.get("I18N_SUBSITES") or {}
    languages = [{"lang": main, "name": language_name(main), "prefix": "",
                  "addresses": _addresses(settings)}]
    for lang in list(subsites):
        subsites[lang] = overrides_for(settings, lang, subsites[lang] or {})
        languages.append({"lang": lang, "name": language_name(lang), "prefix": f"{lang}/",
                          "addresses": _addresses({**settings, **subsites[lang]})})
    settings[LANGUAGES] = languages
    for lang in subsites:
        subsites[lang][LANGUAGES] = languages


def home_lang(settings: MutableMapping[str, Any], lang: str) -> str:
    """Return the language of the site that publishes content in ``lang`` (the main site
    publishes the languages that have no sub-site, beside their originals)."""
    langs = [entry["lang"] for entry in settings.get(LANGUAGES) or ()]
    if not langs:
        return str(settings.get("DEFAULT_LANG") or "en")
    return lang if lang in langs else langs[0]


def native_url(settings: MutableMapping[str, Any], content: Any) -> str:
    """Return the address at which the site of the content's language publishes it."""
    if "url" in getattr(content, "metadata", {}):
        return str(content.url)  # an editor's `Url:` is where it is, in any site
    lang = str(getattr(content, "lang", "") or "")
    home = home_lang(settings, lang)
    entry = next((e for e in settings.get(LANGUAGES) or () if e["lang"] == home), None)
    if entry is None:
        return str(content.url)
    kind = content.__class__.__name__.lower()
    if getattr(content, "status", "") == "draft":
        kind = "draft_page" if kind == "page" else "draft"
    key = f"{kind}_url" if lang == home else f"{kind}_lang_url"
    pattern = entry["addresses"].get(key.upper())
    return pattern.format(**content.url_format) if pattern else str(content.url)


def start_next(pelican: Any) -> None:
    """Signal receiver (``get_writer``): build the next language's sub-site, if any.

    Called at every site's ``get_writer``: the main site starts the first sub-site, which
    starts the next when it has read everything, and so on; each then writes on its way
    back, so nothing is written before every language has been read and checked.
    """
    build = session.current(pelican.settings)
    pending = build.keep(PENDING, lambda: list((build.main.get("I18N_SUBSITES") or {}).items()))
    if not pending:
        return
    lang, overrides = pending.pop(0)
    settings = dict(build.main)
    settings.update(overrides)
    settings = configure_settings(settings)
    cls = settings.get("PELICAN_CLASS") or type(pelican)
    if isinstance(cls, str):
        module, _dot, name = cls.rpartition(".")
        cls = getattr(__import__(module, fromlist=[name]), name)
    cls(settings).run()
    del lang  # the settings carry it (DEFAULT_LANG, HUB_SUBSITE)
