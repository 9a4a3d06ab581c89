"""Check Pelican's own date fields before Pelican reads the files.

A malformed `Date:` makes Pelican's reader raise, and under `--fatal errors` that ends the build
with a stack trace and no file name an editor can use. Reading just the Markdown header first
lets the hub say `content/news/x.md: date: '2026-13-45' is not a date` instead.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from pelican.utils import get_date

from .relative import resolve
from .scaffold import PLACEHOLDER_BODY, PLACEHOLDER_CODE, PLACEHOLDER_SUMMARY

DATE_FIELDS = ("date", "modified")
#: The statuses Pelican knows (it compares them as written, so in lower case).
STATUSES = ("published", "draft", "hidden", "skip")
#: A language tag as `<html lang>` takes it (`en`, `fr`, `pt-BR`, `zh-Hant`).
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def read_header(path: Path, now: datetime | None = None) -> dict[str, tuple[int, str]]:
    """Return the `Key: value` lines at the top of a Markdown file: lower-cased key to
    (line, value), with relative-date tokens resolved against `now` as the build resolves them."""
    header: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8-sig", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                break
            key, sep, value = line.partition(":")
            if sep and key.strip() and not key.startswith((" ", "\t")):
                value = resolve(value, now) if now else value
                header[key.strip().lower()] = (number, value.strip())
    return header


def date_problems(path: Path, now: datetime | None = None) -> list[tuple[int, str]]:
    """Return (line, message) for each date field in the header Pelican could not parse."""
    problems = []
    for field, (line, value) in read_header(path, now).items():
        if field in DATE_FIELDS and value:
            try:
                get_date(value.replace("_", " "))
            except ValueError:
                problems.append((line, f"{field}: {value!r} is not a date "
                                       "(use YYYY-MM-DD HH:MM)"))
    return problems


def value_problems(path: Path, now: datetime | None = None) -> list[tuple[int, str]]:
    """Return (line, message) for a `Status:`, `Lang:`, `Save_as:` or `Url:` value Pelican
    would refuse (with an error, which ends the build) or write where it must not."""
    problems = []
    header = read_header(path, now)
    line, status = header.get("status", (0, ""))
    if status and status not in STATUSES:
        problems.append((line, f"status: {status!r} is not a status (write published, draft, "
                               "hidden or skip, in lower case)"))
    line, lang = header.get("lang", (0, ""))
    if lang and not LANG.match(lang):
        problems.append((line, f"lang: {lang!r} is not a language code (write one such as "
                               "en, fr or pt-BR)"))
    for field in ("save_as", "url"):
        line, value = header.get(field, (0, ""))
        parts = value.replace("\\", "/").split("/")
        if value and (value.startswith("/") or ".." in parts or "://" in value):
            problems.append((line, f"{field}: {value!r} must be a path inside the site, "
                                   "without a leading / or .. (for example "
                                   "news/special.html)"))
    return problems


def placeholder_problems(path: Path) -> list[tuple[int, str]]:
    """Return (line, message) for each placeholder `make new` wrote and the editor has not
    replaced yet (hub/scaffold.py): the code, the summary and the body line."""
    problems = []
    header = read_header(path)
    line, code = header.get("code", (0, ""))
    if code == PLACEHOLDER_CODE:
        problems.append((line, f"code: {code} is the placeholder make new wrote (write the "
                               "real coupon code, or remove the line)"))
    line, summary = header.get("summary", (0, ""))
    if summary == PLACEHOLDER_SUMMARY:
        problems.append((line, "summary: still the placeholder make new wrote (write one "
                               "sentence about this article)"))
    with path.open(encoding="utf-8-sig", errors="replace") as lines:
        for number, text in enumerate(lines, 1):
            if text.strip() == PLACEHOLDER_BODY:
                problems.append((number, f"{PLACEHOLDER_BODY!r} is the placeholder make new "
                                         "wrote (replace it with the article)"))
    return problems


def missing_problems(path: Path, required: tuple[str, ...],
                     now: datetime | None = None) -> list[tuple[int, str]]:
    """Return (1, message) when the header lacks a field Pelican requires (it would stop).

    A draft needs no date (Pelican dates it at the end of time, so it sorts last)."""
    header = read_header(path, now)
    if header.get("status", (0, ""))[1] == "draft":
        required = tuple(field for field in required if field != "date")
    missing = [field for field in required if not header.get(field, (0, ""))[1]]
    if not missing:
        return []
    example = {"title": "Title: A clear headline", "date": "Date: YYYY-MM-DD HH:MM"}
    return [(1, f"missing required metadata: {', '.join(missing)} (start the file with "
                f"{' and '.join(f'`{example[f]}`' for f in missing)})")]


def scan(generator, paths_setting: str, excludes_setting: str,
         required: tuple[str, ...] = (), now: datetime | None = None,
         ) -> list[tuple[str, int, str]]:
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
        if read_header(path, now).get("status", (0, ""))[1] == "skip":
            continue  # Pelican never reads past the header of a skipped file
        needed = required
        dated = re.match(generator.settings.get("FILENAME_METADATA") or "^$", path.stem)
        if dated and dated.groupdict().get("date"):
            needed = tuple(f for f in required if f != "date")  # Pelican takes it from the name
        for line, message in (missing_problems(path, needed, now) + date_problems(path, now)
                              + value_problems(path, now) + placeholder_problems(path)):
            source = f"{base.name}/{Path(os.path.relpath(path, base)).as_posix()}"
            found.append((source, line, message))
    return found
