"""Report editors' mistakes as `content/path.md: what is wrong`, without a stack trace.

Pelican's FatalLogger raises RuntimeError on the first error under `--fatal errors`, and its
main() then logs that exception with a traceback. We want every problem listed and no traceback,
so each error is logged, the RuntimeError is noted, and the build stops with SystemExit(1) after
the last one (SystemExit is not an Exception, so main() lets it through quietly).
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def source_name(article, content_path: str) -> str:
    """Return the article's path as an editor sees it, for example `content/offers/x.md`."""
    base = Path(content_path)
    try:
        return f"{base.name}/{Path(article.source_path).relative_to(base).as_posix()}"
    except ValueError:
        return str(article.source_path)


def report_problems(problems: list[tuple[str, str]]) -> None:
    """Log each (source, message) as an error; stop the build if Pelican made errors fatal."""
    fatal = False
    for source, message in problems:
        try:
            log.error("hub: %s: %s", source, message)
        except RuntimeError:
            fatal = True
    if fatal:
        raise SystemExit(1)
