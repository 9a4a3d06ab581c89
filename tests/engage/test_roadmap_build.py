"""The build bakes the roadmap (page and Atom feed) from results.json and writes the site's
statuses into the manifest; a malformed ``ENGAGE_STATUSES`` fails the build."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.engage.conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"

CARD = {
    "id": "12", "jam": "build-next", "jam_title": "What next?", "title": "Oat milk flat white",
    "author": "Marta", "votes": 412, "status": "in-progress", "winner": True,
    "note": "Brewing: first batch in March", "changed_at": "2026-11-20T10:00:00Z",
    "url": "/ideas/build-next/12",
    "history": [{"status": "planned", "at": "2026-11-01T10:00:00Z", "note": "Soon"},
                {"status": "in-progress", "at": "2026-11-20T10:00:00Z",
                 "note": "Brewing: first batch in March"}],
}
DECLINED = dict(CARD, id="13", title="Decaf espresso", author=None, votes=7,
                status="declined", note="Our roaster cannot do decaf safely.",
                changed_at="2026-11-10T10:00:00Z", url="/ideas/build-next/13",
                history=[{"status": "declined", "at": "2026-11-10T10:00:00Z",
                          "note": "Our roaster cannot do decaf safely."}])
BREWING = [
    {"key": "open", "label": "Open", "css": "status-open", "meaning": "open"},
    {"key": "planned", "label": "Planned", "css": "status-planned", "meaning": "active"},
    {"key": "in-progress", "label": "Brewing", "css": "status-progress", "meaning": "active"},
    {"key": "done", "label": "Done", "css": "status-done", "meaning": "done"},
    {"key": "declined", "label": "Declined", "css": "status-declined", "meaning": "closed"},
]
THEMED = {"plugins": ("engage", "assets", "languages"), "THEME": str(ROOT / "theme"),
          "DIRECT_TEMPLATES": ["roadmap"],
          "ROADMAP_SAVE_AS": "roadmap.html", "CHANNELS": {}, "SITENAME": "Hub",
          "SITE_TAGLINE": "t", "FEED_ALL_ATOM": "feeds/all.atom.xml"}


def _site(site):
    site.write("pages/about.md", "Title: About\n\nHello.\n")
    site.results({"version": 1, "polls": {}, "jams": {}, "roadmap": [CARD, DECLINED]})


def test_roadmap_page_is_baked_with_the_sites_labels(site):
    _site(site)
    build = site.build(ENGAGE_STATUSES=BREWING, **THEMED)
    assert build.process.returncode == 0, build.log
    html = build.page("roadmap.html")
    brewing = html.index('id="rm-in-progress"')
    declined = html.index('id="rm-declined"')
    assert html.index('id="rm-planned"') < brewing < html.index('id="rm-done"') < declined
    assert '<span class="status-badge status-progress">Brewing</span>' in html
    card = html[brewing:declined]
    assert '<a href="/ideas/build-next/12">Oat milk flat white</a>' in card
    assert "by Marta · 412 votes · What next?" in card
    assert '<time datetime="2026-11-20T10:00:00Z">2026-11-20</time>' in card
    assert "Brewing: first batch in March" in card
    assert "Why: Our roaster cannot do decaf safely." in html[declined:]
    assert "data-pagefind-body" in html and 'href="/feeds/roadmap.atom.xml"' in html
    assert '<div class="roadmap__board" data-engage-kind="roadmap"' in html
    assert [s["label"] for s in build.manifest()["statuses"]][2] == "Brewing"


def test_roadmap_feed_has_one_entry_per_change_newest_first(site):
    _site(site)
    build = site.build(ENGAGE_STATUSES=BREWING, SITEURL="https://hub.example")
    assert build.process.returncode == 0, build.log
    feed = ET.parse(build.output / "feeds" / "roadmap.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Oat milk flat white: Brewing", "Decaf espresso: Declined",
        "Oat milk flat white: Planned"]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://hub.example/ideas/build-next/12"
    assert entries[1].findtext(f"{ATOM}summary") == "Our roaster cannot do decaf safely."
    assert entries[0].findtext(f"{ATOM}updated").startswith("2026-11-20T10:00:00")


def test_no_results_means_an_empty_roadmap_not_an_error(site):
    site.write("pages/about.md", "Title: About\n\nHello.\n")
    build = site.build(**THEMED)
    assert build.process.returncode == 0, build.log
    assert "No idea has moved along the roadmap yet" in build.page("roadmap.html")
    assert [s["key"] for s in build.manifest()["statuses"]][-1] == "declined"


def test_malformed_statuses_fail_the_build(site):
    _site(site)
    bad = [dict(s, meaning="soon") if s["key"] == "planned" else s for s in BREWING]
    build = site.build(ENGAGE_STATUSES=bad)
    assert build.process.returncode != 0
    assert "pelicanconf.py:1: ENGAGE_STATUSES[1]: meaning must be one of" in build.log
