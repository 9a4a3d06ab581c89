"""One build of the whole hub: the main Pelican site and its language sub-sites, as one run.

The languages plugin builds a sub-site per language by starting another Pelican from inside
the main one (at ``get_writer``, once all content is read), as ``pelican-i18n-subsites``
does: every sub-site reads all content, keeps what is in its language and, once the last one
has read everything, all of them write, the last sub-site first and the main site last. Left
alone, that would print each site's problems separately (and stop after the first), write a
manifest per language, and let one language's previews wipe the others'.

A :class:`Session` ties the sites of one run together: it starts with the main site
(``initialized`` without :data:`SUBSITE`), every sub-site joins it, and once every site has
read its content it runs, exactly once:

1. the checks that need every site (links to pages of any language, blocks shared by
   translations): ``before_report`` hooks;
2. the report of all sites' problems together (one list, each problem once), stopping the
   build when there are any, or when only checking (``make check``);
3. what is written once for the whole hub (the manifest, the widget catalogues):
   ``after_report`` hooks.

With no sub-sites (a plain Pelican build, the plugin tests) the session has one site and the
same steps run at that site's ``get_writer``. The hub and engage plugins connect these
receivers themselves, so they work with or without the languages plugin.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pelican import signals

from pollserver.domain.problems import (
    CHECK_ONLY,
    Problem,
    build_started,
    print_report,
    problems_of,
)

__all__ = ["SUBSITE", "Session", "all_read", "begin", "build_read", "connect", "current",
           "running", "site_read"]

#: The setting a language sub-site carries (its language); the main site has none.
SUBSITE = "HUB_SUBSITE"

Hook = Callable[["Session"], None]


@dataclass
class Session:
    """The sites of one build and what they share until it ends."""

    main: MutableMapping[str, Any]
    expected: int = 1
    sites: list[MutableMapping[str, Any]] = field(default_factory=list)
    read: list[int] = field(default_factory=list)
    reported: bool = False
    before_report: dict[str, Hook] = field(default_factory=dict)
    after_report: dict[str, Hook] = field(default_factory=dict)
    #: Anything a plugin keeps for the whole build, by its own key (hub: previews, links).
    shared: dict[str, Any] = field(default_factory=dict)

    def lang_of(self, settings: MutableMapping[str, Any]) -> str:
        """Return the language a site is written in."""
        return str(settings.get("DEFAULT_LANG") or "en")

    @property
    def main_lang(self) -> str:
        """Return the main site's language (Pelican's ``DEFAULT_LANG``)."""
        return self.lang_of(self.main)

    def problems(self) -> list[Problem]:
        """Return every site's problems, each once, in the order first noted."""
        merged: list[Problem] = []
        for settings in self.sites:
            for problem in problems_of(settings):
                if problem not in merged:
                    merged.append(problem)
        return merged

    def keep(self, key: str, factory: Callable[[], Any]) -> Any:
        """Return the build-wide value under ``key``, made by ``factory`` on first use."""
        if key not in self.shared:
            self.shared[key] = factory()
        return self.shared[key]


_current: Session | None = None


def _subsites(settings: MutableMapping[str, Any]) -> int:
    """Return how many language sub-sites the languages plugin will build."""
    plugins = [str(getattr(p, "__name__", p)) for p in settings.get("PLUGINS") or ()]
    if not any(name.split(".")[-1] == "languages" for name in plugins):
        return 0
    return len(settings.get("I18N_SUBSITES") or {})


def begin(pelican: Any) -> None:
    """Signal receiver (``initialized``): the main site starts a session, a sub-site joins."""
    global _current  # noqa: PLW0603 - one build per process at a time, as Pelican's own
    settings = pelican.settings
    if settings.get(SUBSITE) and _current is not None:
        if not any(s is settings for s in _current.sites):
            _current.sites.append(settings)
        return
    _current = Session(main=settings, expected=1 + _subsites(settings), sites=[settings])


def running() -> bool:
    """Whether a build is under way in this process."""
    return _current is not None


def current(settings: MutableMapping[str, Any] | None = None) -> Session:
    """Return this build's session (a one-site session for a build that began none)."""
    global _current  # noqa: PLW0603
    if _current is None or (settings is not None and not any(s is settings
                                                             for s in _current.sites)):
        if settings is None:
            raise RuntimeError("no build is running")
        _current = Session(main=settings, sites=[settings])
    return _current


def site_read(generators: Any) -> None:
    """Signal receiver (``all_generators_finalized``): this site has read all its content."""
    generator = next((g for g in generators if hasattr(g, "settings")), None)
    if generator is None:
        return
    session = current(generator.settings)
    marker = id(generator.settings)
    if marker not in session.read:
        session.read.append(marker)


def all_read(session: Session) -> bool:
    """Whether every site of the build has read its content."""
    return len(session.read) >= session.expected


def build_read(pelican: Any) -> None:
    """Signal receiver (``get_writer``): once every site has read, check, report, write once.

    Called at each site's ``get_writer``; the first call after the last site has read does
    the work (the sub-sites are built inside the main site's ``get_writer``, so the last
    sub-site gets there first). Stops the build with 1 when there are problems, with 0 when
    only checking.
    """
    session = current(pelican.settings)
    if session.reported or not all_read(session):
        return
    session.reported = True
    for hook in list(session.before_report.values()):
        hook(session)
    found = session.problems()
    status = print_report(found, sys.stderr)
    if status:
        raise SystemExit(status)
    if any(settings.get(CHECK_ONLY) for settings in session.sites):
        if not found:
            print("no problems", file=sys.stderr)
        raise SystemExit(0)
    for hook in list(session.after_report.values()):
        hook(session)


def connect() -> None:
    """Connect the session's receivers (each plugin calls this; every receiver is kept once)."""
    signals.initialized.connect(begin)
    signals.get_generators.connect(build_started)
    signals.all_generators_finalized.connect(site_read)
    signals.get_writer.connect(build_read)
