"""The "needs your attention" list on a hand-moved clock, over a real (memory) store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pollserver.domain.attention import collect
from pollserver.store.memory import MemoryStore
from tests.conftest import make_item

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MANIFEST = {
    "offers": [
        {"title": "Winter welcome", "url": "/offers/winter.html",
         "expires": "2026-11-28T23:59:59.999999Z"},
        {"title": "Brew kit", "url": "/offers/kit.html", "expires": "2027-01-31T23:59:59Z"},
    ],
    "channels": {"news": "2026-11-20T09:00:00Z", "support": "2026-10-01T09:00:00Z"},
}


@pytest.fixture
def store():
    store = MemoryStore()
    store.sync_items([
        make_item("poll", id="day", question="Which day?", options=["Mon", "Sat"],
                  closes="2026-11-25T12:00:00Z", reward="winter-coupons"),
        make_item("jam", id="soaps", title="Next soap", submit_from="2026-11-01T00:00:00Z",
                  vote_from="2026-11-20T00:00:00Z", closes="2026-12-10T00:00:00Z"),
    ])
    store.add_codes("winter-coupons", [f"C{n}" for n in range(12)])
    for n in range(3):
        store.add_idea("soaps", title=f"Idea {n}", body="", author=None, voter_id=f"v{n}",
                       moderation="published" if n else "pending", at=START)
    yield store
    store.close()


def _kinds(store, now):
    return [(n.kind, n.text) for n in collect(store, MANIFEST, now)]


def test_today_an_offer_expires_this_week_an_idea_waits_and_support_is_stale(store):
    notices = collect(store, MANIFEST, START)
    assert [n.kind for n in notices] == ["closing-soon", "offer-expiring", "moderation",
                                         "channel-stale"]
    assert notices[0].text == "The poll \u201cWhich day?\u201d closes in 2 days (Wed 25 Nov 2026)"
    assert notices[1].url == "/offers/winter.html" and "expires in 5 days" in notices[1].text
    assert notices[2].text == "1 idea waiting for moderation in the jam \u201cNext soap\u201d"
    assert notices[2].jam == "soaps"
    assert notices[3].text == "Nothing new in support for 53 days (last on Thu 01 Oct 2026)"


def test_moving_the_clock_changes_the_list(store):
    # Eight days back the offer is more than a week away, the poll far from closing; support
    # had nothing new for 45 days, so it is listed already.
    early = _kinds(store, START - timedelta(days=8))
    assert [k for k, _ in early] == ["moderation", "channel-stale"]
    # After the poll closed and the offer expired, neither is listed any more.
    later = [k for k, _ in _kinds(store, datetime(2026, 11, 30, tzinfo=UTC))]
    assert "closing-soon" not in later and "offer-expiring" not in later
    # The jam closes: it is listed as closing soon, then as closed without winners.
    soon = _kinds(store, datetime(2026, 12, 8, tzinfo=UTC))
    assert ("closing-soon", "The jam \u201cNext soap\u201d closes in 2 days (Thu 10 Dec 2026)") \
        in soon
    closed = _kinds(store, datetime(2026, 12, 11, tzinfo=UTC))
    assert ("no-winners", "The jam \u201cNext soap\u201d has closed but no winners are picked") \
        in closed
    assert not any(k == "channel-stale" and " news " in t for k, t in closed)  # 21 days
    stale = _kinds(store, datetime(2026, 12, 21, tzinfo=UTC))
    assert ("channel-stale", "Nothing new in news for 30 days (last on Fri 20 Nov 2026)") in stale


def test_winners_picked_and_ideas_moderated_clear_the_jam(store):
    ideas = store.list_ideas("soaps")
    store.update_idea(ideas[0].id, moderation="published")
    store.update_idea(ideas[1].id, winner=True)
    kinds = [k for k, _ in _kinds(store, datetime(2026, 12, 11, tzinfo=UTC))]
    assert "no-winners" not in kinds and "moderation" not in kinds


def test_a_pool_running_low_is_listed_while_its_poll_runs(store):
    assert "pool-low" not in [k for k, _ in _kinds(store, START)]  # 12 codes left
    for n in range(3):
        assert store.claim_code("winter-coupons", f"v{n}", at=START)
    texts = [t for k, t in _kinds(store, START) if k == "pool-low"]
    assert texts == ["Reward pool 'winter-coupons' has 9 codes left (used by day): load more codes"]
    # Once the poll has closed nobody draws from the pool: not listed.
    assert "pool-low" not in [k for k, _ in _kinds(store, datetime(2026, 11, 26, tzinfo=UTC))]


def test_nothing_to_do_is_an_empty_list():
    empty = MemoryStore()
    assert collect(empty, {"channels": {"news": "2026-11-20T09:00:00Z"}}, START) == []
