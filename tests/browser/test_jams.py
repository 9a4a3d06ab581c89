"""Idea jams in Chromium: the no-JS /jams page, the engage.js widget, and XSS stays text.

The sample site is built once and served by a real pollserver whose clock the tests move
within the jam's combined phase (ideas and votes), which the sample keeps around the instant
under test (content/pages/have-your-say.md writes its dates relative to the build).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

JAM = "build-next"
ARTICLE = "/pages/have-your-say.html"
SUBMIT_PHASE = TEST_NOW
VOTE_PHASE = TEST_NOW + timedelta(hours=1)
XSS = "<img src=x onerror=alert(1)>"


class Clock:
    """The server's settable clock."""

    def __init__(self) -> None:
        self.now = SUBMIT_PHASE

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def hub(serve_hub):
    """Serve the sample site with a settable clock; yield url, store, clock."""
    clock = Clock()
    served = serve_hub(clock)
    return served.url, served.store, clock


@pytest.fixture
def hub_url(hub):
    url, _, clock = hub
    clock.now = SUBMIT_PHASE
    return url


def _add_idea(store, title: str, body: str = "", author: str | None = None) -> str:
    return store.add_idea(JAM, title=title, body=body, author=author, voter_id=None,
                          moderation="published", at=SUBMIT_PHASE).id


def test_no_js_submit_vote_and_unvote(browser, hub, hub_url):
    _, store, clock = hub
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{hub_url}/jams/{JAM}")
    expect(page.get_by_role("heading", level=1)).to_have_text("What should we build next?")
    page.get_by_label("Your idea in a few words").fill("Decaf that tastes like coffee")
    page.get_by_label("Tell us more").fill("For **evenings**.")
    page.get_by_label("Your name (optional)").fill("Sunniva")
    page.get_by_role("button", name="Share idea").click()
    expect(page).to_have_url(f"{hub_url}/jams/{JAM}?sort=top#idea-" +
                             store.list_ideas(JAM)[-1].id)
    expect(page.get_by_role("status")).to_contain_text("Your idea is up")
    idea = page.locator(f"#idea-{store.list_ideas(JAM)[-1].id}")
    expect(idea.locator("strong")).to_have_text("evenings")

    clock.now = VOTE_PHASE
    page.goto(f"{hub_url}/jams/{JAM}")
    # The combined phase: the same page takes ideas and votes.
    expect(page.get_by_role("button", name="Share idea")).to_have_count(1)
    idea.get_by_role("button", name="Vote for Decaf that tastes like coffee").click()
    expect(page.get_by_role("status")).to_have_text("Thanks, your vote counted.")
    expect(page.locator(".engage-budget")).to_contain_text("2 of 3 votes left")
    idea.get_by_role("button", name="Take back my vote for Decaf that tastes like coffee").click()
    expect(page.get_by_role("status")).to_have_text("Your vote was taken back.")
    expect(page.locator(".engage-budget")).to_contain_text("3 of 3 votes left")
    context.close()


def test_no_js_article_form_posts_back_to_the_article(browser, hub, hub_url):
    _, store, _ = hub
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(hub_url + ARTICLE)
    form = page.locator(f"#jam-{JAM}-form")
    form.get_by_label("Your idea in a few words").fill("Oat milk on the shop shelf")
    form.get_by_label("Tell us more").fill("Please.")
    form.get_by_role("button", name="Share idea").click()
    (idea,) = [i for i in store.list_ideas(JAM) if i.title == "Oat milk on the shop shelf"]
    # Back to the block (the article does not list every idea), where the outcome is said.
    expect(page).to_have_url(f"{hub_url}{ARTICLE}#jam-{JAM}")
    expect(page.locator(f"#jam-{JAM} [role=status]").first).to_contain_text("Your idea is up")
    context.close()


def test_js_widget_submits(page, hub_url, console_errors):
    page.goto(hub_url + ARTICLE)
    jam = page.locator(f"#jam-{JAM}")
    expect(jam.locator(".engage-ideas")).to_be_visible()
    jam.get_by_label("Your idea in a few words").fill("Refill station for beans")
    jam.get_by_label("Tell us more").fill("Bring your own tin.")
    jam.get_by_role("button", name="Share idea").click()
    expect(jam.locator(".engage-status")).to_contain_text("published")
    expect(jam.locator(".engage-idea-title", has_text="Refill station for beans")).to_be_visible()
    assert console_errors == []


def test_js_widget_votes_and_takes_back(page, hub, hub_url):
    _, store, clock = hub
    _add_idea(store, "Refill station for tins")
    clock.now = VOTE_PHASE
    page.goto(hub_url + ARTICLE)
    jam = page.locator(f"#jam-{JAM}")
    expect(jam.locator(".engage-idea-form")).to_be_visible()  # the combined phase
    jam.get_by_role("button", name="Vote for Refill station for tins").click()
    undo = jam.get_by_role("button", name="Take back my vote for Refill station for tins")
    expect(undo).to_be_visible()
    expect(jam.locator(".engage-votes-left")).to_contain_text("2 of 3 votes")
    undo.click()
    expect(jam.get_by_role("button", name="Vote for Refill station for tins")).to_be_visible()
    expect(jam.locator(".engage-votes-left")).to_contain_text("3 of 3 votes")


def test_xss_title_is_text_everywhere(browser, hub, hub_url):
    _, store, _ = hub
    _add_idea(store, XSS, body=XSS, author=XSS)
    dialogs: list[str] = []
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in (ARTICLE, f"/jams/{JAM}") if js else (f"/jams/{JAM}",):
            page.goto(hub_url + path)
            title = page.locator(".engage-idea-title", has_text=XSS).first
            expect(title).to_be_visible()
            expect(title).to_have_text(XSS)
            assert page.locator("img[src=x]").count() == 0
        context.close()
    assert dialogs == []
