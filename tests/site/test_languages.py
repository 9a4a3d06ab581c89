"""The sample hub in two languages: English at /, German at /de/, built as one site.

Every translated page names each of its versions (itself included) with hreflang, both ways,
plus x-default; the sitemap says the same; each language has its own feeds, search index and
widget catalogue; a block written in both translations of an article is one item.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from pollserver.domain.blocktexts import localized
from pollserver.ops.sync import load_manifest, sync_manifest
from pollserver.store.memory import MemoryStore
from pollserver.store.roadmap import site_statuses

SITEURL = "http://127.0.0.1:8000"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Head(HTMLParser):
    """The language, canonical URL, hreflang links and switcher of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.canonical = ""
        self.alternates: dict[str, str] = {}
        self.noindex = False
        self.switcher: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical = found.get("href") or ""
        elif tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            self.alternates[str(found["hreflang"])] = str(found.get("href"))
        elif tag == "meta" and found.get("name") == "robots":
            self.noindex = "noindex" in (found.get("content") or "")
        elif tag == "a" and "data-lang" in found:
            self.switcher.append(found)


def head(site: Path, path: str) -> Head:
    parsed = Head()
    parsed.feed((site / path).read_text(encoding="utf-8"))
    return parsed


def to_file(site: Path, url: str) -> Path:
    path = urlsplit(url).path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif not path.endswith((".html", ".xml")):
        path += ".html"  # /roadmap
    return site / path


def indexable(site: Path) -> list[Path]:
    pages = []
    for path in site.rglob("*.html"):
        parts = path.relative_to(site).parts
        if {"pagefind", "engage"} & set(parts) or path.name == "404.html":
            continue
        if not head(site, path.relative_to(site).as_posix()).noindex:
            pages.append(path)
    return pages


def test_each_language_is_its_own_site_with_its_own_html_lang(site):
    assert head(site, "index.html").lang == "en"
    assert head(site, "de/index.html").lang == "de"
    for path in (site / "de").rglob("*.html"):
        assert head(site, path.relative_to(site).as_posix()).lang == "de", path
    german = (site / "de/index.html").read_text(encoding="utf-8")
    assert "Guter Kaffee, erklärt und geteilt." in german
    assert "1.284 von euch" in german  # numbers the German way
    assert 'href="/de/news/"' in german and 'href="/news/"' not in german
    assert "Dezember 2026" in (site / "de/offers/winter-welcome-15.html").read_text("utf-8")


def test_hreflang_pairs_are_valid_both_ways_with_x_default_and_own_canonical(site):
    checked = 0
    for page in indexable(site):
        path = page.relative_to(site).as_posix()
        mine = head(site, path)
        assert urlsplit(mine.canonical).path.lstrip("/") in (
            path, path.removesuffix("index.html"), path.removesuffix(".html")), path
        if not mine.alternates:
            continue
        checked += 1
        assert mine.alternates[mine.lang] == mine.canonical, path  # names itself
        assert mine.alternates["x-default"] == mine.alternates["en"], path
        for lang, url in mine.alternates.items():
            assert url.startswith(SITEURL + "/"), (path, url)
            other = to_file(site, url)
            assert other.is_file(), (path, url)
            theirs = head(site, other.relative_to(site).as_posix())
            if lang != "x-default":
                assert theirs.lang == lang, (path, url)
                assert theirs.alternates.get(mine.lang) == mine.canonical, (path, url)
    # Home, four channels, archive, roadmap, eight articles, seven pages; in both languages.
    assert checked >= 2 * (1 + 4 + 1 + 1 + 8 + 7)


def test_the_switcher_goes_to_the_translation_or_that_languages_home(site):
    translated = head(site, "news/refill-pouches.html").switcher
    assert [(a["data-lang"], a["href"]) for a in translated] == [
        ("en", "/news/refill-pouches.html"), ("de", "/de/news/refill-pouches.html")]
    assert translated[0].get("aria-current") == "true"
    english_only = head(site, "news/october-poll-results.html")
    assert "de" not in english_only.alternates
    [german] = [a for a in english_only.switcher if a["data-lang"] == "de"]
    assert german["href"] == "/de/" and "data-lang-home" in german
    channel = head(site, "de/offers/index.html").switcher
    assert [a["href"] for a in channel] == ["/offers/", "/de/offers/"]


def test_the_sitemap_lists_every_language_with_alternates_both_ways(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    alternates: dict[str, dict[str, str]] = {}
    for url in root.iter(f"{SITEMAP}url"):
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc not in alternates, loc
        alternates[loc] = {link.get("hreflang"): link.get("href")
                           for link in url.iter(f"{XHTML}link")}
    assert f"{SITEURL}/de/news/refill-pouches.html" in alternates
    assert f"{SITEURL}/de/pages/privacy.html" in alternates
    pairs = 0
    for loc, links in alternates.items():
        if not links:
            continue
        assert loc in links.values(), loc
        assert links["x-default"] == links["en"], loc
        for lang, href in links.items():
            assert href in alternates, (loc, href)
            if lang != "x-default":
                assert alternates[href] == links, (loc, href)  # the same set from each side
                pairs += 1
    assert pairs >= 2 * 22
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots
    assert not (site / "de/sitemap.xml").exists() and not (site / "de/robots.txt").exists()


def test_each_language_has_its_own_feeds(site):
    for lang, prefix in (("en", ""), ("de", "de/")):
        for feed in ("all.atom.xml", "news.atom.xml", "offers.atom.xml"):
            root = ET.parse(site / prefix / "feeds" / feed).getroot()
            assert root.get(XML_LANG) == lang, (prefix, feed)
            links = [e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")]
            assert links, (prefix, feed)
            for link in links:
                assert link.startswith(f"{SITEURL}/{prefix}"), (feed, link)
                assert lang == "de" or not link.startswith(f"{SITEURL}/de/"), (feed, link)
            home = [link.get("href") for link in root.findall(f"{ATOM}link")
                    if link.get("rel") == "alternate"]
            assert home == [f"{SITEURL}/{prefix}"], (prefix, feed)
    german = ET.parse(site / "de/feeds/all.atom.xml").getroot()
    titles = {e.findtext(f"{ATOM}title") for e in german.iter(f"{ATOM}entry")}
    assert "Die Nachfüllbeutel sind da, und die Idee kam von euch" in titles
    assert (site / "de/feeds/roadmap.atom.xml").is_file()


def test_the_search_index_has_one_index_per_language(site):
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    counts = {lang: data["page_count"] for lang, data in entry["languages"].items()}
    body = re.compile("data-pagefind-body")
    searchable = {"en": 0, "de": 0}
    for page in site.rglob("*.html"):
        if "pagefind" not in page.parts and body.search(page.read_text(encoding="utf-8")):
            searchable["de" if page.relative_to(site).parts[0] == "de" else "en"] += 1
    assert counts == searchable and counts["de"] >= 15


def test_a_block_in_two_translations_is_one_item_with_its_words_per_language(site, tmp_path):
    manifest = json.loads((site / "engage/manifest.json").read_text(encoding="utf-8"))
    polls = [p for p in manifest["polls"] if p["id"] == "decaf-choice"]
    assert len(polls) == 1
    [poll] = polls
    assert poll["lang"] == "en" and poll["url"] == "/pages/have-your-say.html"
    assert poll["question"] == "Which decaf should we roast next?"
    german = poll["texts"]["de"]
    assert german["url"] == "/de/pages/have-your-say.html"
    assert german["source"].startswith("content/pages/have-your-say.de.md:")
    assert list(german["options"]) == [o["key"] for o in poll["options"]]
    shown = localized("poll", poll, "de")
    assert shown["question"] == german["question"] and shown["closes"] == poll["closes"]
    assert {j["id"] for j in manifest["jams"]} == {"build-next", "september-jam", "improve"}
    [survey] = manifest["surveys"]
    assert survey["texts"]["de"]["support_url"] == "/de/support/"
    # pollserver reads the manifest as before: one item, so one tally, per block.
    store = MemoryStore()
    report = sync_manifest(store, load_manifest(site / "engage/manifest.json"))
    assert report is not None
    assert [i.id for i in store.list_items("poll")].count("decaf-choice") == 1
    # The statuses' German labels (the German site's ENGAGE_STATUSES) reach the server.
    assert manifest["status_labels"]["de"]["in-progress"] == "In der Röstung"
    assert "en" not in manifest["status_labels"]
    assert site_statuses(store, "de")[3].label == "In der Röstung"
    assert site_statuses(store, "en")[3].label == "Brewing"
    store.close()


def test_the_widgets_get_a_catalogue_per_language(site):
    german = json.loads((site / "engage/i18n/de.json").read_text(encoding="utf-8"))
    english = json.loads((site / "engage/i18n/en.json").read_text(encoding="utf-8"))
    assert german["lang"] == "de" and german["plural"] == ["one", "other"]
    assert german["messages"]["Vote"] == "Abstimmen"
    assert german["plurals"]["%(n)s vote"] == {"one": "%(n)s Stimme", "other": "%(n)s Stimmen"}
    assert english["messages"]["Vote"] == "Vote"
    assert set(german["messages"]) == set(english["messages"])
