"""Reader text baked into rebuilt pages and feeds stays text: in <head>, in attributes, in
the body and in every feed.

A jam's winners (titles and authors written by readers) are baked into the article, and an
article without a ``Summary:`` gets its description from that HTML; the roadmap page and its
Atom feed carry idea titles, authors and editors' notes. The site is built twice from the
same editor content, once with plain reader text and once with hostile text; parsed as a
browser parses them (html5lib), both builds must have exactly the same elements and
attributes, and the hostile text must come out as text. Each feed's HTML fields
(``type="html"`` in Atom, ``description`` in RSS) are decoded once, as a feed reader does,
and must hold the same elements in both builds.
"""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest
from sitebuild import build_site

from tests.feedcheck import feed_shape, html_fields, text_fields

ARTICLE = """Title: The hostile jam's winners
Date: 2026-10-06 09:00
Slug: hostile

```jam
id: hostile-jam
title: Hostile jam
prompt: Ideas please.
closes: 2026-09-30T23:59:00Z
max_winners: 5
```
"""
QUOTED = """Title: A "quoted" summary & more
Date: 2026-10-07 09:00
Slug: quoted
Summary: 1,284 of you answered "Which delivery day?" & <em>Saturday</em> won.

Text.
"""
HOSTILE = [
    ('Refill"><meta http-equiv="refresh" content="0;url=/pages/about.html?pwned=1">',
     '"><meta http-equiv="refresh" content="0;url=/?by=author">'),
    ("<script>alert(1)</script>", "</title><svg onload=alert(1)>"),
    ("<img src=x onerror=alert(1)>", "'><a href=\"javascript:alert(1)\">x</a>"),
    ("&lt;b&gt;pre-escaped&lt;/b&gt; &amp;lt;i&amp;gt;", "--><!-- <iframe src=//evil>"),
    ("</textarea></noscript><style>*{}</style>", "<base href=\"//evil/\">"),
]
# Text a page cannot carry: a lone surrogate (the UTF-8 output would fail), NUL, ESC.
UNWRITABLE = ("Lone \ud800 surrogate", "NUL\x00 and ESC\x1b[31m")
SHOWN_AS = ("Lone \ufffd surrogate", "NUL\ufffd and ESC\ufffd[31m")
PLAIN = [(f"Plain idea {n}", f"Plain author {n}") for n in range(len(HOSTILE) + 1)]


def build(tmp_path: Path, name: str, winners: list[tuple[str, str]]) -> Path:
    """Build a two-article site whose jam has ``winners``; return its output folder."""
    base = tmp_path / name
    content = base / "content"
    (content / "news").mkdir(parents=True)
    (content / "news" / "hostile.md").write_text(ARTICLE, encoding="utf-8")
    (content / "news" / "quoted.md").write_text(QUOTED, encoding="utf-8")
    rows = [{"id": str(n), "title": title, "author": author, "votes": 10 - n}
            for n, (title, author) in enumerate(winners)]
    results = base / "results.json"
    roadmap = [{"id": str(n), "jam": "hostile-jam", "jam_title": "Hostile jam", "title": title,
                "author": author, "votes": 3, "status": "planned", "winner": False,
                "note": title, "url": f"/ideas/hostile-jam/{n}",
                "changed_at": f"2026-10-0{1 + n % 5}T09:00:00Z",
                "history": [{"status": "under-consideration", "at": "2026-09-20T09:00:00Z",
                             "note": author},
                            {"status": "planned", "at": f"2026-10-0{1 + n % 5}T09:00:00Z",
                             "note": title}]}
               for n, (title, author) in enumerate(winners)]
    results.write_text(json.dumps({"jams": {"hostile-jam": {"winners": rows, "ideas": rows}},
                                   "roadmap": roadmap}), encoding="utf-8")
    # The whole article as its summary: cards and descriptions then carry every winner.
    built = build_site(content, base / "output", base / "cache", ENGAGE_RESULTS=str(results),
                       SUMMARY_MAX_LENGTH=None)
    assert built.returncode == 0, built.stdout + built.stderr
    return base / "output"


def shape(page: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Return every element of the parsed page with its attribute names, in order."""
    tree = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    return [(el.tag, tuple(sorted(el.attrib))) for el in tree.iter() if isinstance(el.tag, str)]


def attributes(page: Path, tag: str) -> list[dict[str, str]]:
    tree = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    return [dict(el.attrib) for el in tree.iter(tag)]


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    tmp_path = tmp_path_factory.mktemp("escaping")
    return build(tmp_path, "plain", PLAIN), build(tmp_path, "hostile", [*HOSTILE, UNWRITABLE])


def test_hostile_winners_add_no_element_or_attribute_anywhere(builds):
    plain, hostile = builds
    pages = sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    assert Path("news/hostile.html") in pages and Path("index.html") in pages
    for page in pages:
        assert shape(hostile / page) == shape(plain / page), page


def test_hostile_winners_are_text_in_the_description_and_the_body(builds):
    _, hostile = builds
    page = hostile / "news" / "hostile.html"
    metas = {m.get("name") or m.get("property"): m.get("content", "")
             for m in attributes(page, "meta")}
    assert not any(m.get("http-equiv") for m in attributes(page, "meta"))
    title, author = HOSTILE[0]
    assert title in metas["description"] and title in metas["og:description"]
    tree = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    shown = [" ".join("".join(el.itertext()).split()) for el in tree.iter("li")]
    for title, author in [*HOSTILE, SHOWN_AS]:
        assert any(title in text and f"by {author}" in text for text in shown), title


def test_an_editors_summary_with_quotes_stays_inside_its_attribute(builds):
    _, hostile = builds
    metas = {m.get("name") or m.get("property"): m.get("content", "")
             for m in attributes(hostile / "news" / "quoted.html", "meta")}
    assert metas["description"] == '1,284 of you answered "Which delivery day?" & Saturday won.'
    assert metas["og:title"] == 'A "quoted" summary & more · Tallowmere Coffee Hub'


def test_every_feed_holds_reader_text_as_text(builds):
    plain, hostile = builds
    feeds = sorted(p.relative_to(plain) for p in (plain / "feeds").glob("*.xml"))
    names = {p.name for p in feeds}
    assert {"all.atom.xml", "all.rss.xml", "roadmap.atom.xml", "news.atom.xml"} <= names
    for feed in feeds:
        assert (hostile / feed).is_file(), feed
        assert feed_shape((hostile / feed).read_bytes()) == \
            feed_shape((plain / feed).read_bytes()), feed
    # The roadmap feed's notes hold no markup at all, and the hostile text is there as text.
    roadmap = (hostile / "feeds" / "roadmap.atom.xml").read_bytes()
    fields = html_fields(roadmap)
    assert len(fields) == 2 * len([*HOSTILE, UNWRITABLE])
    assert all(not shape for shape in feed_shape(roadmap))
    decoded = [html5lib.parseFragment(f, treebuilder="etree", namespaceHTMLElements=False)
               for f in fields]
    shown = {"".join(fragment.itertext()) for fragment in decoded}
    texts = " ".join(text_fields(roadmap))
    for title, author in HOSTILE:
        assert title in shown and author in shown
        assert f"{title}: Planned" in texts and author in texts
