"""The demo hub stays alive on any date: the sample built and served as `make run` does it
(build, sync, seed, results, build again), at three instants a year apart.

The six facts a visitor of the demo must find, whatever the day: an open quick poll on the
home page, an idea jam that takes ideas and votes, at least two current offers and one that
ended, a next event in the future and one in the past, and a closed challenge with winners.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sitebuild import ROOT, build_site

from pollserver import create_app
from pollserver.config import Settings
from pollserver.ops.seed import seed
from pollserver.ops.sync import load_manifest, results_snapshot, sync_manifest
from pollserver.web.context import services_of
from tests.instant import TEST_NOW

ORIGIN = {"Origin": "http://localhost"}
INSTANTS = [TEST_NOW, TEST_NOW + timedelta(days=365), TEST_NOW + timedelta(days=730)]


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert match, f"no section #{section_id}"
    return match.group(0)


def _times(html: str) -> list[datetime]:
    return [datetime.fromisoformat(t) for t in re.findall(r'<time datetime="([^"]+)"', html)]


@pytest.fixture(scope="module", params=INSTANTS, ids=lambda t: t.date().isoformat())
def demo(request, tmp_path_factory):
    """Run the `make run` pipeline at one instant; yield (now, output dir, test client)."""
    now: datetime = request.param
    base = tmp_path_factory.mktemp("demo")
    output, results = base / "output", base / "results.json"
    first = build_site(ROOT / "content", output, base / "cache", HUB_NOW=now.isoformat())
    assert first.returncode == 0, first.stdout + first.stderr
    app = create_app(Settings(data_dir=base / "var", site_dir=output, rate_limits="off",
                              secret_key="demo", extra={"store": "memory"}))
    services_of(app).clock = lambda: now
    store = services_of(app).store
    sync_manifest(store, load_manifest(output / "engage" / "manifest.json"))
    assert seed(store, ROOT / "sample" / "seed.yaml")
    results.write_text(json.dumps(results_snapshot(store)), encoding="utf-8")
    again = build_site(ROOT / "content", output, base / "cache", HUB_NOW=now.isoformat(),
                       ENGAGE_RESULTS=str(results))
    assert again.returncode == 0, again.stdout + again.stderr
    yield now, output, app.test_client()
    store.close()


def _page(output: Path, path: str) -> str:
    return (output / path).read_text(encoding="utf-8")


def test_home_page_has_an_open_quick_poll(demo):
    now, output, client = demo
    say = _section(_page(output, "index.html"), "have-your-say")
    poll_id = re.search(r'<form method="post" action="/api/polls/([a-z0-9-]+)/vote"', say)
    assert poll_id, "no quick poll form on the home page"
    assert client.get(f"/api/polls/{poll_id.group(1)}").get_json()["open"] is True


def test_idea_jam_takes_ideas_and_votes(demo):
    _, _, client = demo
    added = client.post("/api/jams/build-next/ideas", headers=ORIGIN,
                        json={"title": "Single-origin decaf in small bags", "body": ""})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["status"] == "published"
    idea = added.get_json()["id"]
    before = client.get("/api/jams/build-next").get_json()
    assert before["phase"] != "closed" and before["submit_open"] and before["vote_open"]
    voted = client.post(f"/api/jams/build-next/ideas/{idea}/vote", headers=ORIGIN, json={})
    assert voted.status_code == 200, voted.get_json()
    after = voted.get_json()
    [row] = [i for i in after["ideas"] if i["id"] == idea]
    assert row["title"] == "Single-origin decaf in small bags"
    assert (row["votes"], row["voted_by_me"], row["mine"]) == (1, True, True)
    if before["my_votes_left"] is not None:  # a budget: one vote of it is spent
        assert after["my_votes_left"] == before["my_votes_left"] - 1


def test_two_offers_are_current_and_one_has_ended(demo):
    now, output, _ = demo
    offers = _page(output, "offers/index.html")
    home = _section(_page(output, "index.html"), "current-offers")
    running = [line for line in re.findall(r'<li class="offer-line"[^>]*>', home)]
    assert len(running) >= 2, "fewer than two offers running on the home page"
    for line in running:
        expires = re.search(r'data-expires="([^"]+)"', line)
        assert expires and datetime.fromisoformat(expires.group(1)) > now
    assert "autumn-grinder-service" in _section(offers, "expired-offers")


def test_next_event_is_ahead_and_one_is_past(demo):
    now, output, _ = demo
    upcoming = _times(_section(_page(output, "index.html"), "next-event"))
    assert upcoming and upcoming[0] > now
    events = _page(output, "events/index.html")
    past = events.split('id="past-title"')[1]
    assert "october-cupping-night.html" in past


def test_closed_challenge_shows_its_winners(demo):
    _, output, _ = demo
    page = _page(output, "news/september-idea-jam-winners.html")
    winners = re.search(r'<ol class="engage-winner-list">.*?</ol>', page, re.S)
    assert winners, "no winners on the closed challenge"
    assert "Sell refills in a pouch" in winners.group(0)
    assert "An evening meetup for people who work Saturdays" in winners.group(0)
