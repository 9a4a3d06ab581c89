"""Check Pelican's own date fields before Pelican reads the files.

A malformed `Date:` makes Pelican's reader raise, and under `--fatal errors` that ends the build
with a stack trace and no file name an editor can use. Reading just the Markdown header first
lets the hub say `content/news/x.md: date: '2026-13-45' is not a date` instead.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pelican.utils import get_date

from .relative import resolve

DATE_FIELDS = ("date", "modified")


def read_header(path: Path, now: datetime | None = None) -> dict[str, str]:
    """Return the `Key: value` lines at the top of a Markdown file, keys lower-cased, with
    relative-date tokens resolved against `now` as the build resolves them."""
    header: dict[str, str] = {}
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.strip():
                break
            key, sep, value = line.partition(":")
            if sep and key.strip() and not key.startswith((" ", "\t")):
                value = resolve(value, now) if now else value
                header[key.strip().lower()] = value.strip()
    return header


def date_problems(path: Path, now: datetime | None = None) -> list[str]:
    """Return a message for each date field in the header that Pelican could not parse."""
    problems = []
    for field, value in read_header(path, now).items():
        if field in DATE_FIELDS and value:
            try:
                get_date(value.replace("_", " "))
            except ValueError:
                problems.append(f"{field}: {value!r} is not a date (use YYYY-MM-DD HH:MM)")
    return problems


def scan(generator, paths_setting: str, excludes_setting: str,
         now: datetime | None = None) -> list[tuple[str, str]]:
    """Return (source, message) for every Markdown file of the generator with a bad date."""
    base = Path(generator.path)
    found = []
    files = generator.get_files(
        generator.settings[paths_setting], exclude=generator.settings[excludes_setting]
    )
    for name in files:
        if not name.endswith((".md", ".markdown", ".mkd", ".mdown")):
            continue
        path = base / name
        for message in date_problems(path, now):
            found.append((f"{base.name}/{Path(os.path.relpath(path, base)).as_posix()}", message))
    return found
