"""Every standard Pelican metadata line builds, in a channel folder, the way Pelican users expect.

One article per field, and one with all of them, built once into a small site; then the
lines the hub refuses (with one clear `file:line`), each in a build of its own.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sitebuild import build_site, index_site

from sitecheck.feeds import check_feeds
from sitecheck.nu import check_html
from sitecheck.sitemap import check_sitemap, public_pages
from tests.conftest import need_service

ATOM = "{http://www.w3.org/2005/Atom}"

ARTICLES = {
    "news/title-date.md": "Title: Only a title & a date\nDate: 2026-10-01 09:00\n\nPlain.\n",
    "news/modified.md": ("Title: Changed later\nDate: 2026-10-02 09:00\n"
                         "Modified: 2026-10-20 16:30\n\nUpdated text.\n"),
    "news/category.md": "Title: Says its channel\nDate: 2026-10-03 09:00\nCategory: NEWS\n\nX.\n",
    "news/tags.md": ("Title: Tagged twice\nDate: 2026-10-04 09:00\nTags: Espresso, Grinders, "
                     "espresso\n\nX.\n"),
    "news/author.md": "Title: One writer\nDate: 2026-10-05 09:00\nAuthor: Priya Shah\n\nX.\n",
    "news/authors.md": ("Title: Two writers\nDate: 2026-10-06 09:00\n"
                        "Authors: Shah, Priya; Ode, Ben\n\nX.\n"),
    "news/slug.md": "Title: A long title\nDate: 2026-10-07 09:00\nSlug: short\n\nX.\n",
    "news/summary.md": ("Title: With a summary\nDate: 2026-10-08 09:00\nSummary: Beans, "
                        "\"quoted\" & roasted.\n\nBody text not in the summary.\n"),
    "news/draft.md": "Title: Secret draft\nStatus: draft\n\nNot yet.\n",
    "news/hidden.md": "Title: Unlisted note\nDate: 2026-10-09 09:00\nStatus: hidden\n\nQuiet.\n",
    "news/published.md": ("Title: Said published\nDate: 2026-10-10 09:00\nStatus: published\n\n"
                          "Out.\n"),
    "news/skip.md": "Title: Never read\nDate: 2026-10-11 09:00\nStatus: skip\n\nGone.\n",
    "news/lang-en.md": ("Title: Roast day\nDate: 2026-10-12 09:00\nSlug: roast-day\nLang: en\n\n"
                        "English.\n"),
    "news/lang-fr.md": ("Title: Jour de torréfaction\nDate: 2026-10-12 09:00\nSlug: roast-day\n"
                        "Lang: fr\n\nFrançais.\n"),
    "news/translation-de.md": ("Title: Rösttag\nDate: 2026-10-12 09:00\nSlug: roast-day\n"
                               "Lang: de\nTranslation: true\n\nDeutsch.\n"),
    "news/template.md": ("Title: A wide page\nDate: 2026-10-13 09:00\nTemplate: wide\n\n"
                         "Wide.\n"),
    "news/save-as.md": ("Title: Special edition\nDate: 2026-10-14 09:00\n"
                        "Save_as: news/special-edition.html\nUrl: news/special-edition.html\n\n"
                        "Special.\n"),
    "news/custom.md": ("Title: With a custom field\nDate: 2026-10-15 09:00\nMood: cheerful\n"
                       "Nested:\n    two lines\n    of value\n\nX.\n"),
    "support/sub/in-a-subfolder.md": "Title: In a sub-folder\nDate: 2026-10-16 09:00\n\nX.\n",
    "support/everything.md": (
        "Title: Everything at once\nDate: 2026-10-17 09:00\nModified: 2026-10-18 10:00\n"
        "Category: Support\nTags: Espresso, Milk\nAuthors: Priya Shah, Ben Ode\n"
        "Slug: everything\nSummary: All the lines Pelican knows.\nStatus: published\nLang: en\n"
        "Template: article\nMood: busy\n\nThe body.\n"),
}
PAGES = {
    "pages/about.md": "Title: About\n\nWho we are.\n",
    "pages/hidden-page.md": "Title: Thanks for joining\nStatus: hidden\n\nThanks.\n",
    "pages/draft-page.md": "Title: Draft page\nStatus: draft\n\nSoon.\n",
}
WIDE = """{% extends "article.html" %}
{% block content %}<div class="wide-layout">{{ super() }}</div>{% endblock %}
"""


def write(content: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def small_build(tmp: Path, files: dict[str, str], **settings: object):
    content = tmp / "content"
    write(content, files)
    templates = tmp / "templates"
    write(templates, {"wide.html": WIDE})
    return build_site(content, tmp / "output", tmp / "cache",
                      ENGAGE_RESULTS=str(tmp / "no-results.json"),
                      THEME_TEMPLATES_OVERRIDES=[str(templates)], **settings)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("metadata")
    built = small_build(tmp, {**ARTICLES, **PAGES})
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    assert index_site(tmp / "output").returncode == 0
    return tmp / "output"


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def listings(site: Path) -> str:
    """Everything that lists articles: home, channels, archive, tags, authors, feeds,
    sitemap, manifest."""
    paths = [p for p in site.rglob("*") if p.is_file() and (
        p.name in ("index.html", "archives.html", "sitemap.xml", "manifest.json")
        or p.suffix == ".xml")]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def test_title_date_modified_slug_and_summary(site):
    assert "Only a title &amp; a date" in page(site, "news/only-a-title-a-date.html")
    changed = page(site, "news/changed-later.html")
    assert 'updated <time datetime="2026-10-20T16:30:00+00:00">' in changed
    assert (site / "news/short.html").is_file() and not (site / "news/a-long-title.html").exists()
    news = page(site, "news/index.html")
    assert 'Beans, "quoted" &amp; roasted.' in news and "not in the summary" not in news
    feed = ET.parse(site / "feeds/news.atom.xml").getroot()
    entry = next(e for e in feed.iter(f"{ATOM}entry")
                 if e.findtext(f"{ATOM}title") == "Changed later")
    assert entry.findtext(f"{ATOM}updated").startswith("2026-10-20T16:30")


def test_a_category_equal_to_the_folder_in_any_case_is_the_channel(site):
    assert (site / "news/says-its-channel.html").is_file()
    assert 'class="tag tag--news"' in page(site, "news/says-its-channel.html")
    assert not (site / "NEWS").exists() and "says-its-channel" in page(site, "news/index.html")


def test_an_article_in_a_sub_folder_belongs_to_the_channel(site):
    assert (site / "support/in-a-sub-folder.html").is_file()
    assert not (site / "sub").exists()
    assert "in-a-sub-folder.html" in page(site, "support/index.html")


def test_tags_show_on_the_article_and_cards_and_get_a_page_each(site):
    article = page(site, "news/tagged-twice.html")
    topics = re.search(r'<ul class="topics".*?</ul>', article, re.S).group(0)
    assert topics.count('class="topic"') == 2  # "espresso" twice is one tag
    assert 'href="/tag/espresso/"' in topics and 'href="/tag/grinders/"' in topics
    assert 'href="/tag/espresso/"' in page(site, "news/index.html")  # on its card
    tag_page = page(site, "tag/espresso/index.html")
    assert "Tagged twice" in tag_page and "Everything at once" in tag_page
    assert '<link rel="canonical" href="http://127.0.0.1:8000/tag/espresso/">' in tag_page
    archive = page(site, "archives.html")
    assert 'href="/tag/milk/"' in archive and 'href="/tag/grinders/"' in archive


def test_authors_show_on_the_article_with_a_page_and_feeds_each(site):
    one = page(site, "news/one-writer.html")
    assert 'By <a href="/author/priya-shah/" rel="author">Priya Shah</a>' in one
    two = page(site, "news/two-writers.html")
    assert ('By <a href="/author/shah-priya/" rel="author">Shah, Priya</a> and '
            '<a href="/author/ode-ben/" rel="author">Ode, Ben</a>') in two
    default = page(site, "news/said-published.html")
    assert 'href="/author/tallowmere-coffee/"' in default  # AUTHOR when the file names none
    author = page(site, "author/priya-shah/index.html")
    assert "One writer" in author and "Everything at once" in author
    assert 'href="/feeds/author/priya-shah.atom.xml"' in author
    feed = ET.parse(site / "feeds/author/priya-shah.atom.xml").getroot()
    titles = {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")}
    assert titles == {"One writer", "Everything at once"}
    assert (site / "feeds/author/priya-shah.rss.xml").is_file()


def test_drafts_and_hidden_articles_reach_no_listing_feed_sitemap_search_or_manifest(site):
    listed = listings(site)
    for title, path in (("Secret draft", "drafts/secret-draft.html"),
                        ("Unlisted note", "news/unlisted-note.html"),
                        ("Thanks for joining", "pages/thanks-for-joining.html"),
                        ("Draft page", "drafts/pages/draft-page.html")):
        built = page(site, path)
        assert '<meta name="robots" content="noindex">' in built, path
        assert "data-pagefind-body" not in built, path
        assert title not in listed and path.rsplit("/", 1)[1] not in listed, path
    assert "Draft: not published" in page(site, "drafts/secret-draft.html")
    entry = json.loads(page(site, "pagefind/pagefind-entry.json"))
    searchable = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text(
        encoding="utf-8")]
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(searchable)


def test_status_published_and_skip(site):
    assert "said-published.html" in page(site, "news/index.html")
    assert not list(site.rglob("never-read*"))
    assert "Never read" not in listings(site)


def test_translations_sit_beside_the_article_and_link_each_other(site):
    """A language without a sub-site (fr) sits beside the original; one with a sub-site (de,
    in pelicanconf) is in it, also when its metadata calls it a translation."""
    english = page(site, "news/roast-day.html")
    assert english.startswith('<!doctype html>\n<html lang="en">')
    french = page(site, "news/roast-day-fr.html")
    assert '<html lang="fr">' in french and "Français" in french
    german = page(site, "de/news/roast-day.html")
    assert '<html lang="de">' in german and "Deutsch." in german
    assert not (site / "news/roast-day-de.html").exists()
    assert 'href="/news/roast-day-fr.html" hreflang="fr"' in english
    assert 'hreflang="de" href="http://127.0.0.1:8000/de/news/roast-day.html"' in english
    assert 'hreflang="en" href="http://127.0.0.1:8000/news/roast-day.html"' in german
    news = page(site, "news/index.html")
    assert "roast-day.html" in news and "roast-day-fr.html" not in news
    assert "roast-day.html" in page(site, "de/news/index.html")
    sitemap = page(site, "sitemap.xml")
    assert "/news/roast-day-fr.html</loc>" in sitemap
    assert "/de/news/roast-day.html</loc>" in sitemap


def test_template_save_as_url_and_custom_fields(site):
    assert '<div class="wide-layout">' in page(site, "news/a-wide-page.html")
    assert "Special." in page(site, "news/special-edition.html")
    assert 'href="/news/special-edition.html"' in page(site, "news/index.html")
    assert (site / "news/with-a-custom-field.html").is_file()


def test_an_article_with_every_line_at_once(site):
    built = page(site, "support/everything.html")
    assert "Everything at once" in built and 'class="tag tag--support"' in built
    assert 'updated <time datetime="2026-10-18T10:00:00+00:00">' in built
    assert 'href="/tag/milk/"' in built and 'href="/author/ben-ode/"' in built
    assert "All the lines Pelican knows." in page(site, "support/index.html")


REFUSED = [
    ("news/elsewhere.md", "Title: Wrong channel\nDate: 2026-10-01 09:00\nCategory: Recipes\n\nX.\n",
     "content/news/elsewhere.md:3: category: 'Recipes' does not match the folder: the folder "
     "decides the channel, here news (remove the Category line, or move the file to the folder "
     "of its channel: news/, support/, events/ or offers/)"),
    ("news/no-template.md", "Title: T\nDate: 2026-10-01 09:00\nTemplate: nowhere\n\nX.\n",
     "content/news/no-template.md:3: template: 'nowhere' is not a template of this theme "
     "(remove the line, or add theme/templates/nowhere.html)"),
    ("news/bad-status.md", "Title: T\nDate: 2026-10-01 09:00\nStatus: Private\n\nX.\n",
     "content/news/bad-status.md:3: status: 'Private' is not a status (write published, draft, "
     "hidden or skip, in lower case)"),
    ("news/bad-lang.md", "Title: T\nDate: 2026-10-01 09:00\nLang: english please\n\nX.\n",
     "content/news/bad-lang.md:3: lang: 'english please' is not a language code (write one "
     "such as en, fr or pt-BR)"),
    ("news/outside.md", "Title: T\nDate: 2026-10-01 09:00\nSave_as: ../../etc/x.html\n\nX.\n",
     "content/news/outside.md:3: save_as: '../../etc/x.html' must be a path inside the site, "
     "without a leading / or .. (for example news/special.html)"),
    ("recipes/stray.md", "Title: Not in a channel\nDate: 2026-10-01 09:00\n\nX.\n",
     "content/recipes/stray.md:1: this file is in no channel folder, so it is not built (move "
     "it to one of content/news/, content/support/, content/events/, content/offers/ for an "
     "article, or content/pages/ for a page)"),
]


@pytest.mark.parametrize(("name", "text", "line"), REFUSED, ids=[r[0] for r in REFUSED])
def test_what_the_hub_refuses_is_one_clear_line(tmp_path, name, text, line):
    built = small_build(tmp_path, {name: text, "news/fine.md": ARTICLES["news/modified.md"]})
    log = built.stdout + built.stderr
    assert built.returncode == 1, log
    assert "Traceback" not in log and "CRITICAL" not in log
    assert line in built.stderr.splitlines(), built.stderr
    assert built.stderr.splitlines()[-1] == "1 problem in 1 file"


def test_every_page_feed_and_the_sitemap_pass_the_validators(site):
    """Tag, author, translated, draft and hidden pages, author feeds and the sitemap pass
    what `make validate` runs on the sample."""
    if shutil.which("java") is None:
        need_service("java", "the Nu HTML checker runs on Java 17")
    pages = {p: "/" + p.relative_to(site).as_posix() for p in site.rglob("*.html")
             if "pagefind" not in p.parts}
    html = check_html(pages)
    assert html.errors == [], html.errors
    feeds = {p.name: p.read_bytes() for p in (site / "feeds").rglob("*.xml")}
    assert "priya-shah.atom.xml" in feeds
    assert check_feeds(feeds).errors == []
    sitemap = check_sitemap((site / "sitemap.xml").read_bytes(), "http://127.0.0.1:8000",
                            public_pages(site))
    assert sitemap.errors == [], sitemap.errors


def test_a_tag_with_nothing_to_make_an_address_of_is_left_out_with_a_warning(tmp_path):
    built = small_build(tmp_path, {"news/odd.md": "Title: Odd\nDate: 2026-10-01 09:00\n"
                                                  "Tags: !!!, beans\n\nX.\n"})
    assert built.returncode == 0, built.stdout + built.stderr
    assert built.stderr.splitlines()[0] == (
        "content/news/odd.md:3: warning: tags: '!!!' has no letter or digit to make its page's "
        "address of, so it is left out (reword it)")
    assert [p.name for p in (tmp_path / "output" / "tag").iterdir()] == ["beans"]
