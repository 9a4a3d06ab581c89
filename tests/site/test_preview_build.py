"""Insider previews in the build: a `Preview: champions` article dated after the build is
written only to the previews folder beside the output (noindex, badge, no share links), never
into the output a static host serves, and named by no listing, feed, sitemap, search index,
manifest or "You asked, we did"; built at its date it is ordinary."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from datetime import timedelta

from sitebuild import ROOT, build_site

from tests.instant import TEST_NOW

SLUG = "larkspur-first-look"
TITLE = "Larkspur"
PREVIEW = f"news/{SLUG}.html"


def _previews(site):
    return site.with_name(f"{site.name}-previews")


def _public_files(site):
    for path in site.rglob("*"):
        if path.is_file() and path.suffix not in (".gz", ".br"):
            yield path


def test_the_preview_is_built_apart_with_badge_noindex_and_no_share_links(site):
    page = (_previews(site) / PREVIEW).read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page
    assert re.search(r'<p class="badge badge--preview" data-preview-badge>Preview for champions',
                     page)
    assert 'class="share"' not in page and "mailto:" not in page
    assert "data-pagefind-body" not in page  # so pagefind leaves it out of the index
    assert f"<h1>{TITLE}, our spring coffee: a first look</h1>" in page
    assert not (site / "news" / f"{SLUG}.html").exists()
    index = json.loads((_previews(site) / "index.json").read_text(encoding="utf-8"))
    [entry] = index["previews"]
    assert entry["path"] == f"news/{SLUG}.html" and entry["file"] == f"news/{SLUG}.html"
    assert entry["date"] == (TEST_NOW + timedelta(days=21)).strftime("%Y-%m-%dT09:00:00+00:00")


def test_no_public_file_names_the_preview(site):
    """Listings, archives, feeds, the sitemap, the manifest, the roadmap, every other page."""
    named = [p.relative_to(site).as_posix() for p in _public_files(site)
             if p.suffix in (".html", ".xml", ".json", ".txt", ".ics")
             and (SLUG in p.read_text(encoding="utf-8", errors="replace")
                  or TITLE in p.read_text(encoding="utf-8", errors="replace"))]
    assert named == []
    assert (site / "feeds" / "news.atom.xml").is_file() and (site / "sitemap.xml").is_file()


def test_the_search_index_leaves_the_preview_out(site):
    fragments = [gzip.decompress(f.read_bytes()) for f in (site / "pagefind" / "fragment")
                 .iterdir()]
    assert fragments and any(b"Refill pouches" in f for f in fragments)  # the check can see
    assert not [f for f in fragments if TITLE.encode() in f or SLUG.encode() in f]


def test_built_at_its_date_it_is_an_ordinary_article(tmp_path):
    at_date = (TEST_NOW + timedelta(days=21)).replace(hour=9, minute=0, second=0)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    # Relative dates follow the build day: pin this article's date to the original one.
    source = content / "news" / f"{SLUG}.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "{{ today+21 }} 09:00", at_date.strftime("%Y-%m-%d %H:%M")), encoding="utf-8")
    output = tmp_path / "output"
    built = build_site(content, output, tmp_path / "cache", HUB_NOW=at_date.isoformat())
    assert built.returncode == 0, built.stdout + built.stderr
    page = (output / "news" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "noindex" not in page and "data-preview-badge" not in page
    assert 'class="share"' in page and "data-pagefind-body" in page
    assert SLUG in (output / "feeds" / "news.atom.xml").read_text(encoding="utf-8")
    assert SLUG in (output / "sitemap.xml").read_text(encoding="utf-8")
    assert SLUG in (output / "news" / "index.html").read_text(encoding="utf-8")
    previews = _previews(output)
    assert json.loads((previews / "index.json").read_text()) == {"previews": []}
    assert not (previews / "news").exists()  # the stale preview was removed


def test_an_unknown_preview_audience_is_a_problem(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = content / "news" / f"{SLUG}.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Preview: champions", "Preview: friends"), encoding="utf-8")
    built = build_site(content, tmp_path / "output", tmp_path / "cache")
    assert built.returncode == 1
    assert "news/larkspur-first-look.md:4: preview: 'friends' is not a preview audience" in (
        built.stdout + built.stderr)
