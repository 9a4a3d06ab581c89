"""The reader's language for every request (Flask-Babel), from the page the request came from.

Order: a ``lang`` field or query argument (forms and links of a page in that language), the
``Referer`` (a static page under ``/<lang>/``, or a server page that carries ``?lang=``),
the language of the item the page shows (``g.page_lang``, a jam written only in German),
then ``Accept-Language`` (the widgets send their page's language there), then the site's
main language (``POLLSERVER_LANGUAGE``). Only languages with a catalogue under
``pollserver/translations`` count; the catalogues are compiled in memory
(:mod:`pollserver.web.po`), so Flask-Babel's own ``.mo`` loading is not used.
The admin stays English (editors' pages are not translated).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask, g, has_request_context, request
from flask_babel import Babel, Domain, get_locale
from flask_babel import gettext as _flask_gettext

from pollserver.domain import catalogues
from pollserver.web import po
from pollserver.web.context import services, services_of

__all__ = ["current_lang", "gettext", "init_app", "lang_query", "languages", "select"]


class _CatalogueDomain(Domain):
    """Flask-Babel's domain, with the translations compiled from the ``.po`` in memory."""

    def get_translations(self) -> object:  # type: ignore[override]
        locale = get_locale()
        return po.translations(str(locale) if locale else None)


def languages() -> tuple[str, ...]:
    """The languages the server speaks: the site's main one and every catalogue's."""
    main = services().settings.language
    return (main, *(lang for lang in po.available() if lang != main))


def _known(value: str | None) -> str | None:
    if not value:
        return None
    base = value.strip().replace("_", "-").split("-")[0].lower()
    return base if base in languages() else None


def _from_referer() -> str | None:
    referer = request.headers.get("Referer", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    first = parts.path.lstrip("/").split("/", 1)[0]
    if first and (found := _known(first)):
        return found
    return _known((parse_qs(parts.query).get("lang") or [""])[0])


def select() -> str:
    """Pick the request's language (see the module docstring for the order)."""
    if not has_request_context():  # a template rendered by a background job
        return services().settings.language
    if request.blueprint == "admin":
        return catalogues.SOURCE_LANG
    explicit = request.args.get("lang")
    # A form's field only once the view has parsed the body: choosing a language must never
    # read a body itself (it may be too large or broken, and errors are worded here too).
    if not explicit and "form" in request.__dict__:
        explicit = request.form.get("lang")
    for candidate in (explicit, _from_referer() if not explicit else None, g.get("page_lang")):
        if found := _known(candidate):
            return found
    best = request.accept_languages.best_match(languages())
    return best or services().settings.language


def current_lang() -> str:
    """The request's language (the main language outside a request)."""
    if not has_request_context():
        return services().settings.language
    locale = get_locale()
    return locale.language if locale else services().settings.language


def lang_query(sep: str = "?") -> str:
    """``?lang=de`` (or ``&lang=de``) for a link on a page not in the main language."""
    lang = current_lang()
    return "" if lang == services().settings.language else f"{sep}lang={lang}"


def _ambient() -> str:
    """The domain's language outside ``speaking``: the request's, else English."""
    return current_lang() if has_request_context() else catalogues.SOURCE_LANG


def gettext(message: str, **values: object) -> str:
    """Translate ``message`` into the request's language (Flask-Babel's ``gettext``)."""
    return str(_flask_gettext(message, **values))


def init_app(app: Flask) -> None:
    """Install Flask-Babel (Jinja's ``_``/``ngettext``) with the in-memory catalogues."""
    babel = Babel(app, locale_selector=select,
                  default_locale=services_of(app).settings.language)
    babel.domain_instance = _CatalogueDomain()  # type: ignore[misc]
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as the extraction reads them
    app.jinja_env.globals.update(lang=current_lang, lang_query=lang_query)
    # The domain's words (status labels, event descriptions) in the request's language too.
    catalogues.install_ambient(_ambient)

    @app.after_request
    def _vary(response):  # type: ignore[no-untyped-def]
        """A response whose words were chosen by language varies by what chose it."""
        chosen = g.get("_flask_babel")
        if chosen is not None and getattr(chosen, "babel_locale", None) is not None:
            response.vary.update(("Accept-Language", "Referer"))
        return response
