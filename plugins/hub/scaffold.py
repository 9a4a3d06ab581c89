"""`make new CHANNEL=offers TITLE="..."`: start an article with everything its channel needs.

Pelican has no `hugo new`. This writes `content/<channel>/<slug>.md` with the metadata the
channel requires already filled in (dates a week or a month after today, which the editor then
changes) and an example block inside an HTML comment, indented so that neither Markdown nor
engage reads it until the editor takes it out. It never overwrites a file. What the editor must
still write (the coupon code, the summary, the text) is a placeholder that `make check` and
`make html` report, with its line, until it is replaced.

Run as `PYTHONPATH=plugins python -m hub.scaffold --channel offers --title "Winter sale"`.
`--now` (or HUB_NOW) sets "today", so tests and scripts get the same file on any day.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

CHANNELS = ("news", "support", "events", "offers")
#: What `make new` writes for the editor to replace; `make check` reports each until it is.
PLACEHOLDER_CODE = "CHANGEME"
PLACEHOLDER_SUMMARY = "One sentence for cards and feeds."
PLACEHOLDER_BODY = "Write the article here."

EXAMPLE_POLL = """\
<!-- Example poll. To use it, delete this first line and the closing line of the comment,
     and the four spaces in front of each line of the block. See README.md, "Writing content".

    ```poll
    id: {slug}
    question: Which of these would you like next?
    options: [First idea, Second idea, Third idea]
    closes: {closes}
    results: after-vote
    ```
-->
"""


def slugify(title: str) -> str:
    """Return a URL slug: ASCII letters and digits joined by dashes."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "article"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def channel_metadata(channel: str, today: datetime) -> list[str]:
    """Return the metadata lines the channel requires (see plugins/hub/checks.py)."""
    if channel == "offers":
        return [f"Code: {PLACEHOLDER_CODE}", f"Expires: {today + timedelta(days=30):%Y-%m-%d}"]
    if channel == "events":
        starts = (today + timedelta(days=14)).replace(hour=18, minute=30)
        return [f"Starts: {starts:%Y-%m-%d %H:%M}",
                f"Ends: {starts + timedelta(hours=2):%Y-%m-%d %H:%M}",
                "Location: Tallowmere Roastery, 14 Fernhollow Lane, Tallowmere"]
    return []


def article_text(channel: str, title: str, today: datetime) -> str:
    """Return the new article's Markdown."""
    slug = slugify(title)
    header = [f"Title: {_one_line(title)}", f"Date: {today:%Y-%m-%d %H:%M}", f"Slug: {slug}",
              *channel_metadata(channel, today), f"Summary: {PLACEHOLDER_SUMMARY}"]
    closes = f"{today + timedelta(days=30):%Y-%m-%d}T23:59:00Z"
    return ("\n".join(header) + f"\n\n{PLACEHOLDER_BODY}\n\n"
            + EXAMPLE_POLL.format(slug=slug, closes=closes))


def today_from(value: str | None) -> datetime:
    """Return "now" from --now/HUB_NOW (ISO 8601), else the current time, to the minute."""
    moment = datetime.fromisoformat(value) if value else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(second=0, microsecond=0)


def create(content: Path, channel: str, title: str, today: datetime) -> Path:
    """Write the article and return its path; raise FileExistsError rather than overwrite."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r} (one of: {', '.join(CHANNELS)})")
    if not title.strip():
        raise ValueError("the title is empty")
    target = content / channel / f"{slugify(title)}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:  # "x": fail if it exists
        out.write(article_text(channel, title, today))
    return target


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, write the file, print its path; 1 if it cannot."""
    parser = argparse.ArgumentParser(prog="make new", description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--channel", required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--now", default=os.environ.get("HUB_NOW") or None)
    args = parser.parse_args(argv)
    try:
        path = create(args.content, args.channel, args.title, today_from(args.now))
    except FileExistsError as exc:
        print(f"{exc.filename}: already exists; not overwritten (choose another title)",
              file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"make new: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
