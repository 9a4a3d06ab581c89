"""The language the domain's words are written in, for one request, mail or feed.

Server pages, flash messages, API error messages, mails and feeds are written with English
msgids (``_("...")`` in Python, ``{{ _("...") }}``/``{% trans %}`` in templates); a translator
edits ``pollserver/translations/<lang>/LC_MESSAGES/messages.po`` (``make translations``), which
``pollserver/web/po.py`` compiles and hands to :func:`install` (the domain imports nothing
but the standard library).

:func:`speaking` sets the language of the code below it (a mail for one follower, a feed):
:func:`gettext` and :func:`ngettext` translate into it, so the domain's wording functions
(``events.describe``) stay plain functions that the web pages and the mailer both call.
A language, or a string, without a translation gives the English text, never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from gettext import NullTranslations

__all__ = ["SOURCE_LANG", "current", "gettext", "install", "install_ambient", "ngettext",
           "speaking"]

#: The language the msgids are written in: it needs no catalogue.
SOURCE_LANG = "en"

_current: ContextVar[str | None] = ContextVar("pollserver_lang", default=None)
_loader: list[Callable[[str], NullTranslations]] = [lambda lang: NullTranslations()]
_ambient: list[Callable[[], str]] = [lambda: SOURCE_LANG]


def install(loader: Callable[[str], NullTranslations]) -> None:
    """Use ``loader(lang)`` for every language's translations (the ``.po`` files)."""
    _loader[0] = loader


def install_ambient(language: Callable[[], str]) -> None:
    """Use ``language()`` outside :func:`speaking` (the web layer: the request's language)."""
    _ambient[0] = language


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Make :func:`gettext` and :func:`ngettext` answer in ``lang`` inside the block."""
    token = _current.set(lang or SOURCE_LANG)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    """The language :func:`speaking` set, else the ambient one (a request's), else English."""
    return _current.get() or _ambient[0]()


def gettext(message: str, **values: object) -> str:
    """Translate ``message`` into the current language, then fill its ``%(name)s`` values."""
    text = _loader[0](current()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """Translate a message with a plural form (``n`` picks it and is ``%(n)s``)."""
    text = _loader[0](current()).ngettext(singular, plural, n)
    return text % {"n": n, **values}
