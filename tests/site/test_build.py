"""Build the sample site and check what readers, feed readers and crawlers get."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sitebuild import ROOT, build_site

from plugins.hub.frontmatter import read_header
from plugins.hub.relative import resolve
from sitecheck.calendars import read_events
from tests.instant import TEST_NOW

CHANNELS = ["news", "support", "events", "offers"]
ATOM = "{http://www.w3.org/2005/Atom}"
EXPIRED_OFFER = "offers/autumn-grinder-service.html"
CURRENT_OFFER = "offers/winter-welcome-15.html"


def on(token: str) -> str:
    """Return the sample's relative date (as written in content/) at the instant under test."""
    return resolve(token, TEST_NOW)


def html(site: Path, path: str) -> str:
    """Return a built page's HTML."""
    return (site / path).read_text(encoding="utf-8")


def section(page: str, section_id: str) -> str:
    """Return the HTML of the <section id=...> in `page`."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert match, f"no section #{section_id}"
    return match.group(0)


@pytest.mark.parametrize("slug", CHANNELS)
def test_channel_landing_page_lists_its_articles(site, slug):
    page = html(site, f"{slug}/index.html")
    assert "<h1>" in page and f'href="/feeds/{slug}.atom.xml"' in page
    articles = list((site / slug).glob("*.html"))
    assert len(articles) >= 4
    for article in articles:
        if article.name != "index.html":
            assert f'href="/{slug}/{article.name}"' in page


@pytest.mark.parametrize("slug", CHANNELS)
@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_channel_feed_parses_with_entries(site, slug, kind):
    root = ET.parse(site / "feeds" / f"{slug}.{kind}.xml").getroot()
    entries = root.findall(f"{ATOM}entry") if kind == "atom" else root.findall("channel/item")
    assert len(entries) >= 4
    first = entries[0]
    link = first.find(f"{ATOM}link").get("href") if kind == "atom" else first.findtext("link")
    assert link.startswith("http") and f"/{slug}/" in link


def test_sitemap_lists_every_article_and_page(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    # pagefind's UI, the 404 page and pollserver's page frame (engage/shell.html) are not pages.
    # (Champions' previews are built beside the site, not in it: tests/site/test_preview_build.py.)
    built = [p for p in site.rglob("*.html")
             if not {"pagefind", "engage"} & set(p.parts) and p.name != "404.html"]
    paths = {"/" + p.relative_to(site).as_posix().removesuffix("index.html") for p in built}
    # The roadmap's canonical address has no .html, in every language.
    paths = {p.removesuffix(".html") if p.endswith("/roadmap.html") else p for p in paths}
    assert {re.sub(r"^https?://[^/]+", "", loc) for loc in locs} == paths


def test_pollserver_frame_has_the_site_chrome_and_one_content_marker(site):
    frame = html(site, "engage/shell.html")
    assert frame.count("<!--pollserver:main-->") == 1
    assert "<!--pollserver:title-->" in frame and 'class="site-nav"' in frame
    assert '<meta name="robots" content="noindex">' in frame


def test_robots_txt_points_to_the_sitemap(site):
    robots = html(site, "robots.txt")
    assert "User-agent: *" in robots
    assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", robots, re.M)


def test_404_page_exists_at_the_root_with_absolute_links(site):
    page = html(site, "404.html")
    assert "could not find" in page
    assert re.search(r'href="/theme/css/main\.[0-9a-f]{10}\.css"', page)
    assert 'href="/pages/search.html"' in page


def test_pages_have_canonical_and_open_graph(site):
    page = html(site, "support/faq.html")
    assert re.search(r'<link rel="canonical" href="https?://[^"]+/support/faq\.html">', page)
    assert 'property="og:title" content="FAQ: freshness, delivery and subscriptions' in page
    assert 'property="og:type" content="article"' in page


def test_pages_have_no_inline_script_or_style(site):
    for path in site.rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert "<style" not in text and " style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path


def test_search_index_is_built(site):
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    assert any((site / "pagefind" / "index").iterdir())
    fragments = list((site / "pagefind" / "fragment").iterdir())
    # Only articles and content pages carry data-pagefind-body, not listings or the home page
    # (in both languages: 25 English pages, 15 German).
    assert 34 <= len(fragments) <= 50


@pytest.mark.parametrize(
    ("slug", "starts"),
    [("home-espresso-workshop", on("{{ saturday+14 }}T10:00")),
     ("brew-and-swap-meetup", on("{{ thursday+49 }}T18:30")),
     ("roaster-qa-online", on("{{ wednesday+7 }}T19:00")),
     ("october-cupping-night", "2026-10-15T18:30")],
)
def test_event_ics_has_the_right_start(site, slug, starts):
    cal = Calendar.from_ical((site / "events" / f"{slug}.ics").read_bytes())
    (event,) = cal.walk("VEVENT")
    london = ZoneInfo("Europe/London")  # the sample events' Timezone
    assert event.decoded("dtstart") == datetime.fromisoformat(starts).replace(tzinfo=london)
    assert event.decoded("dtend") > event.decoded("dtstart")
    assert str(event["uid"]).startswith(slug)
    assert cal.walk("VTIMEZONE"), "TZID without VTIMEZONE"


@pytest.mark.parametrize("path", ["events/roaster-qa-online.ics",
                                  "events/october-cupping-night.ics"])
def test_three_calendar_readers_agree_on_each_event(site, path):
    # December (GMT) and October (BST): the embedded zone must give the same instants in
    # every reader; the old RDATE-list zone put the December Q&A at 18:00 UTC in vobject.
    found = read_events((site / path).read_text(encoding="utf-8"))
    assert all(isinstance(events, list) for events in found.values()), found
    assert found["icalendar"] == found["ics"] == found["vobject"]
    assert "RRULE:FREQ=YEARLY" in (site / path).read_text(encoding="utf-8")


def test_table_alignment_is_a_class_not_an_obsolete_attribute(site):
    page = html(site, "news/price-update-250g.html")
    assert 'class="align-right"' in page
    for path in site.rglob("*.html"):
        assert not re.search(r"<t[hd][^>]*\salign=", path.read_text(encoding="utf-8")), path


def test_event_page_links_its_ics(site):
    page = html(site, "events/home-espresso-workshop.html")
    assert 'href="/events/home-espresso-workshop.ics"' in page


def test_events_page_splits_upcoming_and_past(site):
    page = html(site, "events/index.html")
    upcoming = page.split('id="past-title"')[0]
    past = page.split('id="past-title"')[1]
    assert "roaster-qa-online.html" in upcoming and "october-cupping-night.html" not in upcoming
    assert "october-cupping-night.html" in past
    assert upcoming.index("roaster-qa-online") < upcoming.index("home-espresso-workshop")


def test_expired_offer_is_marked_expired(site):
    page = html(site, EXPIRED_OFFER)
    assert "is-expired" in page and "Expired: this offer ended on" in page
    assert "AUTUMNTUNE" not in page.split('class="prose"')[0], "expired code offered for copying"


def test_expired_offer_is_not_a_current_offer(site):
    home = section(html(site, "index.html"), "current-offers")
    offers = section(html(site, "offers/index.html"), "current-offers")
    for current in (home, offers):
        assert "autumn-grinder-service" not in current
        assert "winter-welcome-15" in current
    assert "autumn-grinder-service" in section(html(site, "offers/index.html"), "expired-offers")


def test_current_offer_has_a_selectable_code_and_copy_button(site):
    page = html(site, CURRENT_OFFER)
    assert re.search(r'<input id="code-winter-welcome-15"[^>]*value="WINTER15"[^>]*readonly', page)
    assert re.search(r'<button type="button"[^>]*data-copy-from="code-winter-welcome-15"', page)
    # HTML allows at most three digits of fractions in <time datetime>.
    assert f'datetime="{on("{{ today+38 }}")}T23:59:59.999+00:00"' in page


def test_home_page_shows_every_channel_offers_event_and_have_your_say(site):
    page = html(site, "index.html")
    for slug in CHANNELS:
        assert f'href="/{slug}/' in page
    assert 'id="have-your-say"' in page
    assert "roaster-qa-online" in section(page, "next-event")
    news = {path.stem: read_header(path, TEST_NOW)["date"]
            for path in (ROOT / "content" / "news").glob("*.md")
            if "\nPreview: champions\n" not in path.read_text(encoding="utf-8")  # not yet out
            and "\nLang: " not in path.read_text(encoding="utf-8")}  # English (DEFAULT_LANG)
    newest = max(news, key=lambda slug: news[slug])
    assert f"news/{newest}.html" in page, "newest news article missing"


def test_home_page_carries_the_months_quick_poll_as_a_working_form(site):
    say = section(html(site, "index.html"), "have-your-say")
    assert '<form method="post" action="/api/polls/decaf-choice/vote"' in say
    assert say.count('name="choices"') == 4
    assert "<!-- engage-status poll decaf-choice -->" in say


def test_articles_have_plain_share_links(site):
    page = html(site, "news/refill-pouches.html")
    share = page[page.index('class="share"'):]
    targets = ("mailto:", "mastodonshare.com", "linkedin.com", "x.com/intent", "data-copy-text")
    for target in targets:
        assert target in share
    assert "<script" not in share and "<iframe" not in share


def test_no_third_party_assets(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag, attrs in re.findall(r"<(script|link|img|iframe)\b([^>]*)>", text):
            if tag == "link" and re.search(r'rel="(canonical|alternate)"', attrs):
                continue  # addresses of this site, not resources the browser loads
            src = re.search(r'(?:src|href)="([^"]*)"', attrs)
            assert src and src.group(1).startswith("/"), (path, tag, attrs)


BROKEN = {
    "malformed-date": ("news", "Title: Bad\nDate: 2026-13-45\n\nText.\n",
                       "date: '2026-13-45' is not a date"),
    "missing-expiry": ("offers", "Title: Bad\nDate: 2026-11-01\nCode: NOPE\n\nText.\n",
                       "missing required metadata: expires"),
    "malformed-expiry": ("offers", "Title: Bad\nDate: 2026-11-01\nExpires: 2026-13-45\n\nText.\n",
                         "expires: '2026-13-45' is not a date"),
    "event-without-start": ("events", "Title: Bad\nDate: 2026-11-01\nLocation: Here\n\nText.\n",
                            "missing required metadata: starts"),
    "event-ends-first": ("events", "Title: Bad\nDate: 2026-11-01\nLocation: Here\n"
                         "Starts: 2026-12-01 18:00\nEnds: 2026-12-01 17:00\n\nText.\n",
                         "ends (2026-12-01 17:00) is before starts (2026-12-01 18:00)"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_metadata_fails_the_build_with_a_clear_message(content_copy, tmp_path, case):
    folder, text, reason = BROKEN[case]
    (content_copy / folder / "x.md").write_text(text, encoding="utf-8")
    built = build_site(content_copy, tmp_path / "out", tmp_path / "cache")
    output = " ".join((built.stdout + built.stderr).split())
    assert built.returncode != 0
    line = {"malformed-date": 2, "malformed-expiry": 3, "event-ends-first": 5}.get(case, 1)
    assert f"content/{folder}/x.md:{line}: {reason}" in output
    assert "Traceback" not in output


def test_a_cached_rebuild_gives_the_same_pages(site, tmp_path):
    # The site fixture's cache is warm now; articles come back from Pelican's cache and must
    # still be checked and classified, not lose their offer and event state.
    cache = site.parent / "cache"
    assert any(cache.iterdir())
    rebuilt = build_site(ROOT / "content", tmp_path / "out", cache)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    for path in ("index.html", "offers/index.html", "events/index.html", EXPIRED_OFFER):
        assert html(tmp_path / "out", path) == html(site, path), path
