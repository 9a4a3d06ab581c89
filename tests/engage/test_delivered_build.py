"""``Ideas:`` metadata: checked against the results snapshot, credited on the article,
listed on the channel page, linked from the roadmap and written into the manifest."""

from __future__ import annotations

from tests.engage.conftest import ROOT
from tests.engage.test_roadmap_build import CARD

RESULTS = {"version": 1, "polls": {}, "roadmap": [CARD],
           "jams": {"build-next": {"winners": [], "ideas": [
               {"id": "12", "title": "Oat milk flat white", "author": "Marta", "votes": 412,
                "status": "in-progress", "winner": True},
               {"id": "14", "title": "Tasting flights", "author": None, "votes": 3,
                "status": "open", "winner": False}]}}}
SHIPPED = """\
Title: Oat milk flat whites are here
Date: 2026-11-21
Ideas: build-next/12, build-next/14
Ideas-Done: yes

They are on the menu.
"""
THEMED = {"plugins": ("engage", "assets", "languages"), "THEME": str(ROOT / "theme"),
          "DIRECT_TEMPLATES": ["roadmap"],
          "ROADMAP_SAVE_AS": "roadmap.html", "SITENAME": "Hub", "SITE_TAGLINE": "t",
          "FEED_ALL_ATOM": "feeds/all.atom.xml", "CATEGORY_SAVE_AS": "{slug}/index.html",
          "CHANNELS": {"news": ("News", "What changed.")}}


def test_article_credits_the_ideas_and_links_back(site):
    site.write("news/shipped.md", SHIPPED)
    site.write("news/other.md", "Title: Other news\nDate: 2026-11-01\n\nPlain.\n")
    site.results(RESULTS)
    build = site.build(**THEMED)
    assert build.process.returncode == 0, build.log
    article = build.page("news/oat-milk-flat-whites-are-here.html")
    assert ("This came from Marta’s idea, <a href=\"/ideas/build-next/12\">Oat milk flat "
            "white</a>: 412 of you voted for it.") in article
    assert "This came from a reader’s idea" in article and ": 3 of you voted" in article
    channel = build.page("news/index.html")
    listing = channel[channel.index('id="you-asked-we-did"'):channel.index("All news")]
    assert "Oat milk flat whites are here" in listing and "Other news" not in listing
    roadmap = build.page("roadmap.html")
    assert '<a href="/news/oat-milk-flat-whites-are-here.html">Oat milk flat whites are here' \
        in roadmap
    assert build.manifest()["announcements"] == {
        "build-next/12": [{"title": "Oat milk flat whites are here",
                           "url": "/news/oat-milk-flat-whites-are-here.html", "done": True}],
        "build-next/14": [{"title": "Oat milk flat whites are here",
                           "url": "/news/oat-milk-flat-whites-are-here.html", "done": True}]}


def test_unknown_idea_is_a_build_error_with_the_file(site):
    site.write("news/shipped.md", SHIPPED.replace("build-next/14", "september-jam/3"))
    site.results(RESULTS)
    build = site.build()
    assert build.process.returncode != 0
    assert ("news/shipped.md:3: ideas: there is no published idea 'september-jam/3'"
            in build.log)


def test_malformed_reference_is_a_build_error(site):
    site.write("news/shipped.md", SHIPPED.replace("build-next/14", "just some words"))
    site.results(RESULTS)
    build = site.build()
    assert build.process.returncode != 0
    assert "news/shipped.md:3: ideas: 'just some words' is not jam/idea" in build.log


def test_first_build_before_any_sync_checks_nothing_yet(site):
    site.write("news/shipped.md", SHIPPED)
    site.results({"version": 1, "polls": {}, "jams": {}, "roadmap": []})
    build = site.build(**THEMED)
    assert build.process.returncode == 0, build.log
    assert "This came from" not in build.page("news/oat-milk-flat-whites-are-here.html")


def _without_12(results: dict) -> dict:
    """The snapshot after idea 12 left the site (erased by its author, or hidden)."""
    jam = results["jams"]["build-next"]
    return {**results, "roadmap": [],
            "jams": {"build-next": {"winners": [], "removed": ["12"],
                                    "ideas": [i for i in jam["ideas"] if i["id"] != "12"]}}}


def test_a_removed_idea_still_builds_with_a_neutral_line_and_a_warning(site):
    site.write("news/shipped.md", SHIPPED)
    site.results(_without_12(RESULTS))
    build = site.build(**THEMED)
    assert build.process.returncode == 0, build.log
    assert ("news/shipped.md:3: warning: ideas: build-next/12 is no longer shown (hidden or "
            "rejected by an editor, or erased by its author)") in build.log
    article = build.page("news/oat-milk-flat-whites-are-here.html")
    assert "This came from an idea from a reader, since removed." in article
    assert "Marta" not in article and "Oat milk flat white<" not in article
    assert "/ideas/build-next/12" not in article
    assert ": 3 of you voted" in article  # the idea still shown keeps its credit


def test_make_check_lists_a_removed_idea_as_a_warning_only(site):
    site.write("news/shipped.md", SHIPPED.replace(", build-next/14", ""))
    site.results(_without_12(RESULTS))
    build = site.build(HUB_CHECK_ONLY=True)
    assert build.process.returncode == 0, build.log
    lines = build.process.stderr.splitlines()
    assert lines[-1] == "no problems, 1 warning", build.log
