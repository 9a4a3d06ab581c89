"""Real Pelican builds (``pelican --fatal errors``) of small sites with engage blocks."""

from __future__ import annotations

import copy
import csv
import os

import pytest
from pelican.settings import DEFAULT_CONFIG, read_settings

SAY = """\
Title: Your say: delivery day
Date: 2026-11-20
Slug: your-say

Tell us what suits you.

```poll
id: delivery-day
question: Which delivery day suits you best?
options: [Monday, Wednesday, Saturday]
closes: 2026-12-31T23:59:00Z
reward: winter-coupons
```
"""

IDEAS = """\
Title: Ideas

What should we roast next?

```jam
id: next-roast
title: What should we build next?
votes_per_person: 3
```

```survey
id: how-are-we-doing
review_links:
  - {name: Trustpilot, url: "https://reviews.example/tallowmere"}
```
"""

CLOSED = """\
Title: Grinder poll
Date: 2026-01-10

```poll
id: grinder
question: Which grinder should we stock?
options: [{key: burr, label: Burr grinder}, Blade grinder]
closes: 2026-02-01
```

```jam
id: winter-challenge
title: Winter challenge
closes: 2026-03-01
max_winners: 2
```
"""

RESULTS = {
    "polls": {"grinder": {"total": 8, "counts": {"burr": 6, "blade-grinder": 2}}},
    "jams": {"winter-challenge": {
        "winners": [{"id": "i1", "title": "Oat <b>latte</b> kit", "author": None, "votes": 9},
                    {"id": "i2", "title": "Decaf club", "author": "Ana", "votes": 5}],
        "ideas": [{"id": "i1"}, {"id": "i2"}, {"id": "i3"}]}},
}


def test_build_renders_forms_and_writes_the_manifest(site):
    site.write("news/say.md", SAY)
    site.write("pages/ideas.md", IDEAS)
    build = site.build()
    assert build.process.returncode == 0, build.log
    page = build.page("news/your-say.html")
    assert '<form method="post" action="/api/polls/delivery-day/vote"' in page
    assert '<label for="poll-delivery-day-opt-saturday">Saturday</label>' in page
    assert "<!-- engage-status poll delivery-day -->" in page
    ideas = build.page("pages/ideas.html")
    assert 'action="/api/jams/next-roast/ideas"' in ideas
    assert 'action="/api/surveys/how-are-we-doing/responses"' in ideas
    manifest = build.manifest()
    assert manifest["version"] == 1
    (poll,) = manifest["polls"]
    assert poll["id"] == "delivery-day" and poll["reward"] == "winter-coupons"
    assert poll["source"] == "content/news/say.md:7"
    assert poll["url"] == "/news/your-say.html"
    assert [o["key"] for o in poll["options"]] == ["monday", "wednesday", "saturday"]
    (jam,) = manifest["jams"]
    assert (jam["source"], jam["url"]) == ("content/pages/ideas.md:5", "/pages/ideas.html")
    assert jam["votes_per_person"] == 3 and jam["moderation"] == "post"
    (survey,) = manifest["surveys"]
    assert survey["source"] == "content/pages/ideas.md:11"
    assert survey["review_links"] == [
        {"name": "Trustpilot", "url": "https://reviews.example/tallowmere"}]


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_cached_rebuild_gives_the_same_manifest(site, layer):
    say = site.write("news/say.md", SAY)
    site.write("pages/ideas.md", IDEAS)
    first = site.build(CONTENT_CACHING_LAYER=layer)
    assert first.process.returncode == 0, first.log
    manifest = first.manifest()
    # Change the text but keep the file's mtime: only a build that really reads the cache
    # still shows the old question, so this proves the blocks come back from the cache.
    stamp = say.stat().st_mtime_ns
    say.write_text(SAY.replace("suits you best", "works for you"), encoding="utf-8")
    os.utime(say, ns=(stamp, stamp))
    second = site.build(CONTENT_CACHING_LAYER=layer)
    assert second.process.returncode == 0, second.log
    assert second.manifest() == manifest
    assert "Which delivery day suits you best?" in second.page("news/your-say.html")


def test_bad_block_fails_the_build_with_file_and_line(site):
    site.write("news/say.md", SAY.replace("[Monday, Wednesday, Saturday]", "[Monday]"))
    build = site.build()
    assert build.process.returncode != 0
    assert ("content/news/say.md:7: poll 'delivery-day': "
            "options must have 2-12 entries\n") in build.process.stderr
    assert "Traceback" not in build.log


def test_duplicate_id_fails_the_build_naming_both_sources(site):
    site.write("news/say.md", SAY)
    site.write("news/again.md", SAY.replace("Slug: your-say", "Slug: again"))
    build = site.build()
    assert build.process.returncode != 0
    assert ("content/news/say.md:7: poll 'delivery-day': duplicate id, "
            "already used at content/news/again.md:7") in build.log
    assert "Traceback" not in build.log


def test_closed_poll_without_results_says_they_will_follow(site):
    site.write("news/grinder.md", CLOSED)
    build = site.build()
    assert build.process.returncode == 0, build.log
    page = build.page("news/grinder-poll.html")
    assert "Final results will appear here shortly." in page
    assert "The winners will be announced here shortly." in page
    assert 'action="/api/polls/grinder/vote"' not in page
    # Winners still to come: a plain form (no JavaScript needed) asks to be told about them.
    follow = page.split('id="jam-winter-challenge-follow"', 1)[1].split("</form>", 1)[0]
    assert 'name="kind" value="jam"' in follow and 'name="id" value="winter-challenge"' in follow
    assert 'action="/api/follows"' in page.split('id="jam-winter-challenge-follow"', 1)[0][-200:]
    assert not (build.output / "engage" / "polls" / "grinder.csv").exists()


def test_closed_items_get_results_baked_in_even_from_the_cache(site):
    site.write("news/grinder.md", CLOSED)
    assert site.build().process.returncode == 0
    site.results(RESULTS)
    build = site.build()  # the article itself comes from Pelican's cache now
    assert build.process.returncode == 0, build.log
    page = build.page("news/grinder-poll.html")
    assert "Final results will appear here shortly." not in page
    assert "<caption>Final results: 8 people voted</caption>" in page
    assert '<th scope="row">Burr grinder</th>' in page and ">75%</span>" in page
    assert 'width="75.0%"' in page and "style=" not in page
    assert "Oat &lt;b&gt;latte&lt;/b&gt; kit" in page and "by Ana" in page
    assert 'id="jam-winter-challenge-follow"' not in page  # the winners are known
    with (build.output / "engage" / "polls" / "grinder.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["option", "label", "votes", "percent"],
                    ["burr", "Burr grinder", "6", "75.0"],
                    ["blade-grinder", "Blade grinder", "2", "25.0"]]


def test_poll_that_closed_since_the_last_build_is_closed_in_the_page(site):
    site.write("news/say.md", SAY)
    assert site.build(now="2026-12-01T00:00:00Z").process.returncode == 0
    build = site.build(now="2027-01-02T00:00:00Z")
    assert build.process.returncode == 0, build.log
    page = build.page("news/your-say.html")
    assert "This poll closed on" in page and "<form" not in page.split("engage:begin")[1]


def test_plugin_does_not_touch_pelicans_default_markdown_settings(tmp_path):
    from engage.markdown_ext import EngageExtension
    from engage.plugin import add_extension

    before = copy.deepcopy(DEFAULT_CONFIG["MARKDOWN"])
    settings = read_settings(
        override={"PATH": str(tmp_path), "MARKDOWN": DEFAULT_CONFIG["MARKDOWN"]})

    class FakePelican:
        pass

    pelican = FakePelican()
    pelican.settings = settings
    add_extension(pelican)
    add_extension(pelican)  # autoreload: a second run must not stack a second copy
    assert DEFAULT_CONFIG["MARKDOWN"] == before
    extensions = settings["MARKDOWN"]["extensions"]
    assert sum(isinstance(e, EngageExtension) for e in extensions) == 1


def test_engage_api_url_points_the_no_js_forms_at_pollserver(site):
    site.write("news/say.md", SAY)
    build = site.build(ENGAGE_API_URL="http://localhost:8110/")
    assert build.process.returncode == 0, build.log
    page = build.page("news/your-say.html")
    assert 'action="http://localhost:8110/api/polls/delivery-day/vote"' in page
    assert 'action="/api/' not in page
