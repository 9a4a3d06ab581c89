"""Editors' content problems: one plain line each, collected over a whole build, printed once.

The hub and engage Pelican plugins (and ``pollserver sync`` for its warnings) write the same
format, so an editor, a pre-commit hook or a CI log reads every mistake of a run together::

    content/offers/x.md:4: expires: '2026-13-01' is not a date (use YYYY-MM-DD)
    content/news/y.md:12: warning: poll 'p': reward pool 'spring' has no codes loaded (...)
    1 problem in 1 file

A build keeps its list in its settings mapping under :data:`KEY`, so both plugins add to the
same list without importing each other, and nothing survives from one build to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["CHECK_ONLY", "KEY", "Problem", "add", "build_started", "exit_status",
           "print_report", "problems_of", "summary"]

KEY = "HUB_PROBLEMS"
#: A build setting: stop after checking, write nothing (``make check``).
CHECK_ONLY = "HUB_CHECK_ONLY"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix (or, for a warning, should look at)."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


def problems_of(settings: MutableMapping[str, Any]) -> list[Problem]:
    """Return this build's list (created on first use)."""
    found = settings.get(KEY)
    if not isinstance(found, list):
        found = settings[KEY] = []
    return found


def add(settings: MutableMapping[str, Any], path: str, line: int, message: str, *,
        warning: bool = False) -> None:
    """Note a problem in ``path`` at ``line`` (1 when it concerns the whole file)."""
    problem = Problem(path, max(int(line), 1), message, warning)
    found = problems_of(settings)
    if problem not in found:
        found.append(problem)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(found: Iterable[Problem]) -> list[str]:
    """Return the lines to print: problems by file and line, then warnings, then the count."""
    found = list(found)
    errors = sorted(p for p in found if not p.warning)
    warnings = sorted(p for p in found if p.warning)
    lines = [str(p) for p in errors + warnings]
    if errors:
        lines.append(f"{_plural(len(errors), 'problem')} in "
                     f"{_plural(len({p.path for p in errors}), 'file')}")
    elif warnings:
        lines.append(f"no problems, {_plural(len(warnings), 'warning')}")
    return lines


def exit_status(found: Iterable[Problem]) -> int:
    """Return 1 if any problem is not a warning, else 0."""
    return 1 if any(not p.warning for p in found) else 0


def print_report(found: Iterable[Problem], stream: TextIO) -> int:
    """Print :func:`summary` to ``stream`` unwrapped; return the exit status."""
    found = list(found)
    for line in summary(found):
        stream.write(line + "\n")
    stream.flush()
    return exit_status(found)


def build_started(pelican: Any) -> None:
    """Signal receiver (``get_generators``): empty the list, one process may run many builds.

    The build's report is printed by the plugins' session (``plugins/languages/session.py``)
    once every site of the build has read its content.
    """
    pelican.settings[KEY] = []
