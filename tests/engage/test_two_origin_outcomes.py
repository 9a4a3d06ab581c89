"""No-JS outcomes on two origins: built with ``ENGAGE_API_URL``, each block bakes its outcome
messages (hidden until targeted), and a form posted from the static origin gets a 303 back to
the block's own page (the manifest's, in the form's language; never the Referer) with the
outcome in the fragment. Same-origin posts keep their cookie flash and plain anchor."""

from __future__ import annotations

import json
import re

import pytest

from pollserver import create_app
from pollserver.config import Settings
from pollserver.ops.sync import load_manifest, sync_manifest
from pollserver.web.context import services_of
from tests.engage.test_roadmap_build import THEMED
from tests.instant import TEST_NOW

API = "http://localhost:8123"
SITE = "http://127.0.0.1:8124"
BLOCKS = """
```poll
id: roast-day
question: Which day should we roast?
options:
  - {key: monday, label: "Monday"}
  - {key: saturday, label: "Saturday"}
```

```jam
id: next-roast
title: What should we build next?
```

```survey
id: happy
question: How likely are you to recommend us?
```
"""
PAGE_EN = "Title: Have your say\nSlug: say\n" + BLOCKS
PAGE_DE = "Title: Sag uns deine Meinung\nSlug: say\nLang: de\n" + BLOCKS.replace(
    "Which day should we roast?", "An welchem Tag sollen wir rösten?").replace(
    '"Monday"', '"Montag"').replace('"Saturday"', '"Samstag"').replace(
    "What should we build next?", "Was bauen wir als Nächstes?").replace(
    "How likely are you to recommend us?", "Wie wahrscheinlich empfiehlst du uns?")


@pytest.fixture
def built(site, tmp_path):
    site.write("pages/say.md", PAGE_EN)
    site.write("pages/say-de.md", PAGE_DE)
    build = site.build(ENGAGE_API_URL=API, DEFAULT_LANG="en", **THEMED)
    assert build.process.returncode == 0, build.log
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits="off",
                              secret_key="k", public_origins=(SITE,),
                              extra={"store": "memory"}))
    services_of(app).clock = lambda: TEST_NOW
    store = services_of(app).store
    sync_manifest(store, load_manifest(build.output / "engage" / "manifest.json"))
    yield build, app
    store.close()


def _page(build, lang: str) -> tuple[str, str]:
    manifest = json.loads((build.output / "engage" / "manifest.json").read_text("utf-8"))
    [poll] = manifest["polls"]
    url = poll["url"] if lang == "en" else poll["texts"]["de"]["url"]
    return url, (build.output / url.lstrip("/")).read_text(encoding="utf-8")


def test_each_block_bakes_its_outcomes_in_the_pages_language(built):
    build, _ = built
    _, english = _page(build, "en")
    for anchor in ("poll-roast-day-voted", "poll-roast-day-already", "poll-roast-day-closed",
                   "poll-roast-day-error", "jam-next-roast-sent", "jam-next-roast-pending",
                   "jam-next-roast-closed", "jam-next-roast-error", "survey-happy-already",
                   "survey-happy-closed", "survey-happy-error", "survey-happy-thanks"):
        assert english.count(f'id="{anchor}"') == 1, anchor
    assert re.search(r'<p id="poll-roast-day-voted" class="engage-outcome[^"]*" role="status">'
                     r"Thanks, your vote counted\.</p>", english)
    assert english.count('<input type="hidden" name="lang" value="en">') == 3
    _, german = _page(build, "de")
    assert ">Danke, deine Stimme zählt.</p>" in german
    assert ">Du hast bei dieser Umfrage schon abgestimmt.</p>" in german
    assert '<input type="hidden" name="lang" value="de">' in german
    # Baked into the written page only: no summary or description carries them.
    description = re.search(r'<meta name="description" content="([^"]*)"', english)
    assert description is None or "Thanks" not in description.group(1)
    css = next(build.output.rglob("engage*.css")).read_text(encoding="utf-8")
    assert ".engage-outcome:not(:target)" in css


def _post(client, path: str, data: dict, origin: str | None = SITE, **headers):
    extra = {"Origin": origin} if origin else {}
    return client.post(path, data=data, headers={**extra, **headers})


def test_a_form_from_the_static_origin_comes_back_to_its_page_with_the_outcome(built):
    build, app = built
    en_url, _ = _page(build, "en")
    de_url, _ = _page(build, "de")
    client = app.test_client()
    # The Referer names another page: it is never where the reader is sent.
    voted = _post(client, "/api/polls/roast-day/vote", {"choices": "monday", "lang": "en"},
                  Referer="https://evil.example/x")
    assert voted.status_code == 303
    assert voted.headers["Location"] == f"{SITE}{en_url}#poll-roast-day-voted"
    again = _post(client, "/api/polls/roast-day/vote", {"choices": "saturday", "lang": "de"})
    assert again.headers["Location"] == f"{SITE}{de_url}#poll-roast-day-already"
    wrong = _post(client, "/api/polls/roast-day/vote", {"choices": "sunday", "lang": "xx"})
    assert wrong.headers["Location"] == f"{SITE}{en_url}#poll-roast-day-error"
    idea = _post(client, "/api/jams/next-roast/ideas",
                 {"title": "A cold brew subscription", "body": "", "lang": "de"})
    assert idea.headers["Location"] == f"{SITE}{de_url}#jam-next-roast-sent"
    answer = _post(client, "/api/surveys/happy/responses", {"score": "9", "lang": "en"})
    assert answer.headers["Location"] == f"{SITE}{en_url}#survey-happy-thanks"
    twice = _post(client, "/api/surveys/happy/responses", {"score": "3", "lang": "en"})
    assert twice.headers["Location"] == f"{SITE}{en_url}#survey-happy-already"
    assert services_of(app).store.tally("roast-day").total == 1


def test_same_origin_posts_are_unchanged(built):
    build, app = built
    de_url, _ = _page(build, "de")
    client = app.test_client()
    voted = _post(client, "/api/polls/roast-day/vote", {"choices": "monday", "lang": "de"},
                  origin="http://localhost")
    assert voted.status_code == 303
    # Same origin: the page of the form's language, the plain anchor and the flash cookie.
    assert voted.headers["Location"] == f"{de_url}#poll-roast-day"
    assert "vh_flash=" in voted.headers.get("Set-Cookie", "")


def test_a_one_origin_build_bakes_no_outcomes(site):
    site.write("pages/say.md", PAGE_EN)
    build = site.build(**THEMED)
    assert build.process.returncode == 0, build.log
    html = (build.output / "pages" / "say.html").read_text(encoding="utf-8")
    assert "<!-- engage-status poll roast-day -->" in html
    assert "engage-outcome" not in html  # its outcome comes from pollserver's flash cookie


def test_the_messages_stay_out_of_an_articles_description(site):
    site.write("news/a.md", "Title: Roast\nDate: 2026-11-02 09:00\nSlug: roast\n\nShort intro.\n"
               + BLOCKS)
    build = site.build(ENGAGE_API_URL=API, **THEMED)
    assert build.process.returncode == 0, build.log
    html = next(build.output.rglob("roast.html")).read_text(encoding="utf-8")
    [description] = re.findall(r'<meta name="description" content="([^"]*)"', html)
    assert "Thanks" not in description and 'id="poll-roast-day-voted"' in html
