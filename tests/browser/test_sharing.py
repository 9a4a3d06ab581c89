"""Rewards for sharing in a real browser: a friend arriving by a share link and voting raises
the sharer's ``friends_brought`` to 1; a reload and a second write by the same friend do not;
the sharer's own second browser earns nothing; a reader who only reads gets no cookie.

Each browser context is a different person: its own cookie jar and its own client address,
given as ``X-Forwarded-For`` to a pollserver that trusts one proxy (as behind nginx), since
every context here connects from 127.0.0.1.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from pollserver.web.context import services_of

pytestmark = pytest.mark.browser

ARTICLE = "/pages/have-your-say.html"
POLL = "#poll-decaf-choice"
JAM = "#jam-build-next"
SURVEY_PAGE = "/pages/how-are-we-doing.html"
SHARED = re.compile(r"\?via=[A-Za-z0-9_-]{16}$")
SUBMIT_PHASE = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def hub(built_site, tmp_path_factory):
    from pollserver import create_app
    from pollserver.config import Settings
    from pollserver.ops.sync import load_manifest, sync_manifest

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("share-var"),
                              site_dir=built_site, rate_limits="off", trusted_proxies=1,
                              extra={"store": "memory"}))
    store = services_of(app).store
    sync_manifest(store, load_manifest(built_site / "engage" / "manifest.json"))
    services_of(app).clock = lambda: SUBMIT_PHASE
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", store
    server.shutdown()
    thread.join(timeout=10)
    store.close()


def person(browser, address: str):
    """A new browser (cookie jar) at a client address of its own."""
    return browser.new_context(extra_http_headers={"X-Forwarded-For": address})


def voter_of(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "vh_voter"), None)


def vote_decaf(page) -> None:
    poll = page.locator(POLL)
    poll.locator("input[name=choices]").first.check()
    poll.get_by_role("button", name="Vote").click()
    expect(poll.locator(".engage-status")).to_contain_text("your vote is counted")


def friends_brought(context, url: str) -> int:
    return context.request.get(url + "/api/me").json()["friends_brought"]


def test_a_friend_by_a_share_link_counts_once_and_never_oneself(browser, hub) -> None:
    url, store = hub
    sharer = person(browser, "198.51.100.1")
    page = sharer.new_page()
    page.goto(url + ARTICLE)
    vote_decaf(page)
    link = page.locator(POLL).locator(".engage-share-link a")
    expect(link).to_be_visible()
    share_url = link.get_attribute("href") or ""
    assert "?via=" in share_url and share_url.startswith(url + ARTICLE)
    assert friends_brought(sharer, url) == 0

    # A reader who only reads: no cookie, no credit.
    reader = person(browser, "198.51.100.3")
    look = reader.new_page()
    look.goto(share_url)
    expect(look.locator(POLL)).to_be_visible()
    look.reload()
    assert voter_of(reader) is None
    assert friends_brought(sharer, url) == 0

    # A friend arrives by the link and votes: one friend brought.
    friend = person(browser, "198.51.100.2")
    visit = friend.new_page()
    visit.goto(share_url)
    assert voter_of(friend) is None
    vote_decaf(visit)
    assert voter_of(friend) is not None
    assert friends_brought(sharer, url) == 1

    # A reload and a second write by the same friend add nothing.
    visit.reload()
    jam = visit.locator(JAM)
    jam.get_by_label("Your idea in a few words").fill("Refill pouches by post")
    jam.get_by_role("button", name="Share idea").click()
    expect(jam.locator(".engage-status")).to_contain_text("published")
    assert friends_brought(sharer, url) == 1

    # The sharer's own second browser (same client address) earns nothing.
    second = person(browser, "198.51.100.1")
    own = second.new_page()
    own.goto(share_url)
    vote_decaf(own)
    assert voter_of(second) is not None
    assert friends_brought(sharer, url) == 1
    for context in (sharer, reader, friend, second):
        context.close()


def test_the_jam_and_survey_widgets_show_the_share_link_after_a_write(browser, hub) -> None:
    url, _store = hub
    reader = person(browser, "198.51.100.4")
    page = reader.new_page()
    page.goto(url + ARTICLE)
    jam = page.locator(JAM)
    expect(jam.get_by_role("button", name="Share idea")).to_be_enabled()
    expect(jam.locator(".engage-share-link")).to_have_count(0)
    jam.get_by_label("Your idea in a few words").fill("Loyalty stamps in the app")
    jam.get_by_role("button", name="Share idea").click()
    expect(jam.locator(".engage-status")).to_contain_text("published")
    link = jam.locator(".engage-share-link a")
    expect(link).to_have_attribute("href", re.compile(re.escape(url + ARTICLE) + SHARED.pattern))

    page.goto(url + SURVEY_PAGE)
    survey = page.locator("#survey-how-are-we-doing")
    survey.locator("label[for=survey-how-are-we-doing-score-9]").click()
    survey.get_by_role("button", name="Send my answer").click()
    thanks = page.locator("#survey-how-are-we-doing-thanks")
    expect(thanks).to_be_visible()
    expect(thanks.locator(".engage-share-link a")).to_have_attribute(
        "href", re.compile(re.escape(url + SURVEY_PAGE) + SHARED.pattern))
    reader.close()


def test_a_friend_whose_first_write_is_a_follow_counts_when_they_confirm(browser, hub) -> None:
    url, store = hub
    sharer = person(browser, "198.51.100.5")
    page = sharer.new_page()
    page.goto(url + ARTICLE)
    vote_decaf(page)
    share_url = page.locator(POLL).locator(".engage-share-link a").get_attribute("href") or ""
    friend = person(browser, "198.51.100.6")
    visit = friend.new_page()
    visit.goto(share_url)
    jam = visit.locator(JAM)
    jam.get_by_label("Tell me when the winners are picked: your e-mail address").fill(
        "friend@example.org")
    jam.locator(".engage-follow-jam").get_by_role("button", name="Send me updates").click()
    expect(jam.locator(".engage-follow-jam [role=status]")).to_contain_text("We sent you a mail")
    assert friends_brought(sharer, url) == 0  # asking is not yet the write
    [requested] = [e for e in store.list_events(types={"follow.requested"})
                   if e.data.get("via")]
    # The mail is opened in another browser: the page's GET changes nothing, its button does.
    mailbox = person(browser, "198.51.100.7").new_page()
    mailbox.goto(url + f"/follows/confirm/{requested.data['token']}")
    assert friends_brought(sharer, url) == 0
    mailbox.get_by_role("button", name="Yes, send me updates").click()
    expect(mailbox.locator("h1")).to_have_text("Confirmed")
    assert friends_brought(sharer, url) == 1
    for context in (sharer, friend, mailbox.context):
        context.close()
