"""The checks behind ``make validate`` catch what they are there to catch."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from sitecheck.calendars import check_calendars
from sitecheck.feeds import check_feeds
from sitecheck.nu import check_html
from sitecheck.server import route_paths
from sitecheck.sitemap import check_sitemap, public_pages
from tests.conftest import make_item, need_service

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:feed</id>
<updated>2026-11-01T00:00:00Z</updated>{entries}</feed>"""
ENTRY = ("<entry><title>e</title><id>{id}</id><updated>2026-11-01T00:00:00Z</updated>"
         '<link href="http://h/x"/></entry>')


def atom(*ids: str) -> bytes:
    return ATOM.format(entries="".join(ENTRY.format(id=i) for i in ids)).encode()


def test_feeds_pass_when_well_formed_with_unique_stable_ids():
    result = check_feeds({"/a.xml": atom("1", "2")}, {"/a.xml": atom("1")})
    assert result.errors == [] and result.checked == 1 and result.detail == "2 entries"


def test_feeds_fail_on_duplicate_ids_broken_xml_and_lost_ids():
    result = check_feeds({"/dup.xml": atom("1", "1"), "/bad.xml": atom("1")[:-5],
                          "/moved.xml": atom("2")}, {"/moved.xml": atom("1")})
    assert len(result.errors) == 3
    assert any("/dup.xml: id '1' is used by 2 entries" in e for e in result.errors)
    assert any(e.startswith("/bad.xml: not a well-formed feed") for e in result.errors)
    assert any("/moved.xml: ids changed" in e for e in result.errors)


def calendar(rdate_zone: bool) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", "qa@test")
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    london = ZoneInfo("Europe/London" if rdate_zone else "UTC")
    event.add("dtstart", datetime(2026, 12, 2, 19, tzinfo=london))
    event.add("dtend", datetime(2026, 12, 2, 20, tzinfo=london))
    cal.add_component(event)
    if rdate_zone:
        cal.add_missing_timezones()  # one RDATE per year: vobject reads December as summer
    return cal.to_ical()


def test_calendars_agree_or_the_check_names_the_disagreement():
    assert check_calendars({"/ok.ics": calendar(False)}).errors == []
    result = check_calendars({"/rdate.ics": calendar(True), "/junk.ics": b"BEGIN:NOPE"})
    assert any(e.startswith("/rdate.ics: the readers disagree") and "vobject: 2026-12-02 18:00Z"
               in e for e in result.errors)
    assert any(e.startswith("/junk.ics: ") for e in result.errors)


SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>"""


def sitemap(*locs: str) -> bytes:
    return SITEMAP.format("".join(f"<url><loc>{loc}</loc></url>" for loc in locs)).encode()


def test_sitemap_lists_each_public_page_once_under_siteurl(tmp_path):
    for path, text in {"index.html": "", "news/index.html": "", "news/a.html": "",
                       "404.html": "", "engage/shell.html": '<meta name="robots" '
                       'content="noindex">', "pagefind/x.html": ""}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    pages = public_pages(tmp_path)
    assert pages == {"/", "/news/", "/news/a.html"}
    good = sitemap("https://h.example/", "https://h.example/news/", "https://h.example/news/a.html")
    assert check_sitemap(good, "https://h.example", pages).errors == []
    bad = sitemap("https://h.example/", "https://h.example/news/", "https://h.example/news/",
                  "http://other.example/news/a.html", "https://h.example/admin/",
                  "https://h.example/me")
    errors = check_sitemap(bad, "https://h.example", pages).errors
    assert "sitemap.xml: lists /news/ 2 times" in errors
    assert "sitemap.xml: the public page /news/a.html is missing" in errors
    assert any("'http://other.example/news/a.html' is not an absolute URL" in e for e in errors)
    assert "sitemap.xml: lists the private page https://h.example/admin/" in errors
    assert "sitemap.xml: lists the private page https://h.example/me" in errors


def test_a_new_route_without_a_sample_value_is_an_error_that_says_where_to_add_one(app):
    app.add_url_rule("/roadmap/<idea_slug>", "roadmap", lambda idea_slug: "")
    errors: list[str] = []
    paths = route_paths(app, {"jams": [{"id": "j1"}], "polls": [], "surveys": []}, errors)
    assert errors == ["/roadmap/<idea_slug>: no sample value for idea_slug; add one to ARGS "
                      "(or the endpoint to SKIP) in sitecheck/server.py"]
    assert ("reader", "/jams/j1") in paths and ("editor", "/admin/jams/j1") in paths
    assert ("editor", "/admin/") in paths and ("reader", "/me") in paths
    assert not any(path.startswith("/api/") for _who, path in paths)


def test_the_nu_checker_fails_obsolete_markup_and_passes_a_valid_page(tmp_path):
    if shutil.which("java") is None:
        need_service("java", "the Nu HTML checker runs on Java 17")
    head = '<!doctype html><html lang="en"><meta charset="utf-8"><title>t</title>'
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text(head + '<table><tr><td class="align-right">1</td></tr></table>')
    bad.write_text(head + '<table><tr><td align="right">1</td></tr></table>'
                   '<time datetime="2026-12-31T23:59:59.999999+00:00">x</time>')
    result = check_html({good: "/good.html", bad: "/bad.html"})
    assert result.checked == 2
    assert [e.split(":")[0] for e in result.errors] == ["/bad.html", "/bad.html"], result.errors
    assert any("“align” attribute on the “td” element is obsolete" in e for e in result.errors)


def test_an_idea_route_gets_an_idea_of_the_same_jam(app, store):
    store.sync_items([make_item("jam", id="j1", title="Jam one", prompt="Ideas?"),
                      make_item("jam", id="j2", title="Jam two", prompt="Ideas?")])
    idea = store.add_idea("j2", title="A good idea", body="", author=None, voter_id=None,
                          moderation="published", at=datetime(2026, 11, 1, tzinfo=UTC))
    app.add_url_rule("/jams/<jam_id>/ideas/<idea_id>", "idea", lambda jam_id, idea_id: "")
    errors: list[str] = []
    manifest = {"jams": [{"id": "j1"}, {"id": "j2"}]}
    paths = route_paths(app, manifest, errors)
    assert errors == []
    assert [p for _who, p in paths if p.startswith("/jams/") and "/ideas/" in p] == [
        f"/jams/j2/ideas/{idea.id}"]


def _page(lang: str, canonical: str, alternates: dict[str, str]) -> str:
    links = "".join(f'<link rel="alternate" hreflang="{k}" href="{v}">'
                    for k, v in alternates.items())
    return (f'<!doctype html><html lang="{lang}"><head><link rel="canonical" href="{canonical}">'
            f"{links}</head><body></body></html>")


def test_hreflang_passes_pairs_that_name_each_other_and_themselves(tmp_path):
    from sitecheck.hreflang import check_hreflang

    both = {"en": "http://h/a.html", "de": "http://h/de/a.html", "x-default": "http://h/a.html"}
    (tmp_path / "de").mkdir()
    (tmp_path / "a.html").write_text(_page("en", "http://h/a.html", both))
    (tmp_path / "de/a.html").write_text(_page("de", "http://h/de/a.html", both))
    result = check_hreflang(tmp_path, "http://h")
    assert result.errors == [] and result.checked == 2 and result.detail == "4 language pairs"


def test_hreflang_fails_one_way_pairs_missing_self_and_x_default_and_bad_targets(tmp_path):
    from sitecheck.hreflang import check_hreflang

    (tmp_path / "de").mkdir()
    (tmp_path / "a.html").write_text(_page("en", "http://h/a.html", {
        "en": "http://h/a.html", "de": "http://h/de/a.html", "x-default": "http://h/a.html",
        "fr": "http://h/fr/a.html", "english": "http://h/a.html"}))
    (tmp_path / "de/a.html").write_text(_page("de", "http://h/a.html", {
        "de": "http://h/de/a.html"}))
    errors = check_hreflang(tmp_path, "http://h").errors
    assert "/a.html: hreflang fr http://h/fr/a.html is not a built page absolute under " \
           "http://h" in errors
    assert "/a.html: 'english' is not a valid hreflang code" in errors
    assert any(e.startswith("/a.html: http://h/de/a.html does not name the same alternates")
               for e in errors)
    assert "/de/a.html: has hreflang alternates but no x-default" in errors
    assert any(e.startswith("/de/a.html: does not name itself") for e in errors)


def test_sitemap_alternates_must_be_listed_and_reciprocal():
    from sitecheck.hreflang import check_sitemap_alternates

    def url(loc: str, links: dict[str, str]) -> str:
        alts = "".join(f'<xhtml:link rel="alternate" hreflang="{k}" href="{v}"/>'
                       for k, v in links.items())
        return f"<url><loc>{loc}</loc>{alts}</url>"

    both = {"en": "http://h/", "de": "http://h/de/", "x-default": "http://h/"}
    head = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">')
    good = f"{head}{url('http://h/', both)}{url('http://h/de/', both)}</urlset>"
    assert check_sitemap_alternates(good.encode()).errors == []
    bad = f"{head}{url('http://h/', both)}{url('http://h/de/', {'de': 'http://h/de/'})}</urlset>"
    errors = check_sitemap_alternates(bad.encode()).errors
    assert "sitemap.xml: http://h/de/ does not list the alternates of http://h/" in errors
    assert "sitemap.xml: http://h/de/ has alternates but no x-default" in errors
