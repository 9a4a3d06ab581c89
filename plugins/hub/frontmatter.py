"""Check Pelican's own date fields before Pelican reads the files.

A malformed `Date:` makes Pelican's reader raise, and under `--fatal errors` that ends the build
with a stack trace and no file name an editor can use. Reading just the Markdown header first
lets the hub say `content/news/x.md: date: '2026-13-45' is not a date` instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pelican.utils import get_date

DATE_FIELDS = ("date", "modified")


def read_header(path: Path) -> dict[str, tuple[int, str]]:
    """Return the `Key: value` lines at the top of a Markdown file: lower-cased key to
    (line, value)."""
    header: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                break
            key, sep, value = line.partition(":")
            if sep and key.strip() and not key.startswith((" ", "\t")):
                header[key.strip().lower()] = (number, value.strip())
    return header


def date_problems(path: Path) -> list[tuple[int, str]]:
    """Return (line, message) for each date field in the header Pelican could not parse."""
    problems = []
    for field, (line, value) in read_header(path).items():
        if field in DATE_FIELDS and value:
            try:
                get_date(value.replace("_", " "))
            except ValueError:
                problems.append((line, f"{field}: {value!r} is not a date "
                                       "(use YYYY-MM-DD HH:MM)"))
    return problems


def missing_problems(path: Path, required: tuple[str, ...]) -> list[tuple[int, str]]:
    """Return (1, message) when the header lacks a field Pelican requires (it would stop)."""
    header = read_header(path)
    missing = [field for field in required if not header.get(field, (0, ""))[1]]
    if not missing:
        return []
    example = {"title": "Title: A clear headline", "date": "Date: YYYY-MM-DD HH:MM"}
    return [(1, f"missing required metadata: {', '.join(missing)} (start the file with "
                f"{' and '.join(f'`{example[f]}`' for f in missing)})")]


def scan(generator, paths_setting: str, excludes_setting: str,
         required: tuple[str, ...] = ()) -> list[tuple[str, int, str]]:
    """Return (source, line, message) for every Markdown file of the generator that Pelican's
    reader would stop on: a bad date, or a missing field in `required`."""
    base = Path(generator.path)
    found = []
    files = generator.get_files(
        generator.settings[paths_setting], exclude=generator.settings[excludes_setting]
    )
    for name in files:
        if not name.endswith((".md", ".markdown", ".mkd", ".mdown")):
            continue
        path = base / name
        needed = required
        dated = re.match(generator.settings.get("FILENAME_METADATA") or "^$", path.stem)
        if dated and dated.groupdict().get("date"):
            needed = tuple(f for f in required if f != "date")  # Pelican takes it from the name
        for line, message in missing_problems(path, needed) + date_problems(path):
            source = f"{base.name}/{Path(os.path.relpath(path, base)).as_posix()}"
            found.append((source, line, message))
    return found
