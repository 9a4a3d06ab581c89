"""Report editors' mistakes as `content/path.md:LINE: what is wrong (how to fix it)`.

Pelican's FatalLogger raises on the first logged error under `--fatal errors`, and the rich log
handler wraps long lines with the logger's position in the middle. So no plugin logs an
editor's problem: each adds it to the build's list (:mod:`pollserver.domain.problems`, kept in
the settings and emptied when a build starts), and once every generator has read its content,
before any page is written (`get_writer`), the list is printed to stderr and stops the build
with exit status 1. A hub in several languages is several Pelican sites built in one run;
their lists are printed together, once every site has read (languages/session.py). With
HUB_CHECK_ONLY the build stops there even when all is well (`make check`: validate without
writing the site).
"""

from __future__ import annotations

from languages import session

from pollserver.domain.builds import source_name
from pollserver.domain.problems import add

__all__ = ["add", "connect", "header_line", "source_name"]


def header_line(source_path: str, field: str) -> int:
    """Return the line of `field:` in a file's metadata header, or 1 if it is not there."""
    try:
        with open(source_path, encoding="utf-8-sig", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    break
                if line.partition(":")[0].strip().lower() == field.lower():
                    return number
    except OSError:
        pass
    return 1


def connect() -> None:
    """Print the build's problems once all is read, all sites of the build together
    (languages/session.py; engage connects the same receivers)."""
    session.connect()
