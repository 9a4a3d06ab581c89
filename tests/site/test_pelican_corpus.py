"""Pelican's own test articles, copied into a channel folder, build without a traceback.

The Markdown files that ship with the installed Pelican (`pelican/tests/content`: empty files, a
BOM, no date, duplicate tags and authors, nested and multi-line metadata, footnotes, metadata
in the file name, `Status:` draft, hidden and skip, other Markdown extensions) are what
Pelican itself accepts or refuses. Each one here either becomes a page, is left out by its
`Status:`, or is named in one clear `file:line: reason` line; nothing ends in a traceback.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pelican
import pytest
from markupsafe import escape
from sitebuild import build_site

from plugins.hub.frontmatter import read_header

CORPUS = Path(pelican.__file__).parent / "tests" / "content"
MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")
LINE = re.compile(r"^content/news/(?P<file>.+?):(?P<line>\d+): (?P<message>.+)$")


def corpus() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in MARKDOWN)


def _build(tmp: Path, files: list[Path], name: str):
    content = tmp / name / "content"
    for source in files:
        target = content / "news" / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (content / "pages" / "about.md").write_text("Title: About\n\nUs.\n", encoding="utf-8")
    built = build_site(content, tmp / name / "output", tmp / name / "cache",
                       ENGAGE_RESULTS=str(tmp / "no-results.json"))
    log = built.stdout + built.stderr
    assert "Traceback" not in log and "CRITICAL" not in log, log
    return built, tmp / name / "output"


def _built_titles(output: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html")
                     if p.parent.name not in ("tag", "author") and p.name != "index.html")


def test_the_corpus_is_there():
    assert len(corpus()) >= 15, f"Pelican's test content moved: {CORPUS}"


def test_pelicans_own_test_articles_build_or_are_named_with_a_reason(tmp_path):
    files = corpus()
    first, _output = _build(tmp_path, files, "all")
    named: dict[str, list[str]] = {}
    for text in first.stderr.splitlines():
        match = LINE.match(text)
        if match:
            named.setdefault(match["file"], []).append(match["message"])
    relative = {p.relative_to(CORPUS).as_posix(): p for p in files}
    assert set(named) <= set(relative), named
    if named:
        assert first.returncode == 1 and first.stderr.splitlines()[-1].endswith(
            f"in {len(named)} file{'' if len(named) == 1 else 's'}")
        for messages in named.values():
            assert all(len(m) > 20 and "(" in m for m in messages), messages  # says what to do
    # Everything not named builds on its own: a page each, or left out by its Status.
    rest = [p for name, p in relative.items() if name not in named]
    assert rest, "nothing of the corpus builds"
    second, output = _build(tmp_path, rest, "rest")
    assert second.returncode == 0, second.stdout + second.stderr
    pages = _built_titles(output)
    for source in rest:
        header = read_header(source)
        title = header["title"][1]
        status = header.get("status", (0, "published"))[1]
        heading = f"<h1>{escape(title)}</h1>"
        if status == "skip":
            assert heading not in pages, source.name
        else:
            assert heading in pages, f"{source.name}: no page titled {title!r}"


@pytest.mark.parametrize("name", ["empty.md", "empty_with_bom.md"])
def test_an_empty_file_is_named_with_what_it_lacks(tmp_path, name):
    source = CORPUS / name
    if not source.exists():
        pytest.skip(f"this Pelican has no {name}")
    built, _output = _build(tmp_path, [source], "empty")
    assert built.returncode == 1
    assert (f"content/news/{name}:1: missing required metadata: title, date (start the file "
            "with `Title: A clear headline` and `Date: YYYY-MM-DD HH:MM`)"
            in built.stderr.splitlines()), built.stderr
