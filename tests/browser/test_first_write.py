"""engage.js sends nothing else until a page's first write is answered (issue 16 item 1).

The voter cookie comes with the answer to the first write, so a second write sent before it
would count as another person. While the first POST is held (by the test), every engage
control on the page is disabled and no second write leaves the browser; once the answer
arrives the controls come back and the next write carries the cookie.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTICLE = "/pages/have-your-say.html"
POLL = "#poll-decaf-choice"
JAM = "#jam-build-next"
SUBMIT_PHASE = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def hub(serve_hub):
    served = serve_hub(lambda: SUBMIT_PHASE)
    return served.url, served.store


def test_second_write_waits_for_the_first_answer(page, hub) -> None:
    url, store = hub
    held = []
    writes = []
    page.on("request", lambda r: writes.append(r.url) if r.method == "POST" else None)
    page.route("**/api/polls/decaf-choice/vote", lambda route: held.append(route))
    page.goto(url + ARTICLE)
    poll, jam = page.locator(POLL), page.locator(JAM)
    expect(jam.locator(".engage-ideas")).to_be_visible()
    poll.locator("input[name=choices]").first.check()
    poll.get_by_role("button", name="Vote").click()
    page.wait_for_function("() => document.querySelector('[data-engage-held]') !== null")
    share = jam.get_by_role("button", name="Share idea")
    expect(share).to_be_disabled()
    expect(jam.get_by_label("Your idea in a few words")).to_be_disabled()
    assert len(writes) == 1
    held[0].continue_()
    expect(poll.locator(".engage-status")).to_contain_text("your vote is counted")
    expect(share).to_be_enabled()
    jam.get_by_label("Your idea in a few words").fill("Decaf refills by post")
    share.click()
    expect(jam.locator(".engage-status")).to_contain_text("published")
    # One person: the idea's author is the voter who voted in the poll.
    voter = next(i.voter_id for i in store.list_ideas("build-next")
                 if i.title == "Decaf refills by post")
    assert store.vote_of("decaf-choice", voter) is not None
