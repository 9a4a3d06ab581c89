"""The sample board and idea pages in Chromium: a reader votes and follows from an idea page
with JavaScript on and off, the board's budget refreshes when an idea is done, and no page
type scrolls sideways on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

BOARD = "improve"


@pytest.fixture(scope="module")
def board_hub(serve_hub):
    """The sample hub (its board "What should we improve?") with four published ideas."""
    hub = serve_hub()
    ids = [hub.store.add_idea(BOARD, title=title, body="Please, **soon**.", author=None,
                              voter_id=None, moderation="published", at=TEST_NOW).id
           for title in ("Oat milk in every shop", "Longer opening hours",
                         "A dark mode for the app", "Paper-free receipts")]
    return hub, ids


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_vote_take_back_and_follow_from_the_idea_page(browser, board_hub, js):
    hub, ids = board_hub
    context = browser.new_context(java_script_enabled=js)
    page = context.new_page()
    page.goto(f"{hub.url}/ideas/{BOARD}/{ids[1]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Longer opening hours")
    expect(page.locator(".idea-page__body strong")).to_have_text("soon")
    before = hub.store.get_idea(ids[1]).votes
    page.get_by_role("button", name="Vote for this idea").click()
    expect(page.get_by_role("status")).to_have_text("Thanks, your vote counted.")
    expect(page.locator("#idea-budget")).to_contain_text("2 of 3 votes left")
    assert hub.store.get_idea(ids[1]).votes == before + 1
    page.get_by_role("button", name="Take back my vote").click()
    expect(page.get_by_role("status")).to_have_text("Your vote was taken back.")
    assert hub.store.get_idea(ids[1]).votes == before
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    page.get_by_role("button", name="Send me updates").click()
    expect(page).to_have_url(f"{hub.url}/ideas/{BOARD}/{ids[1]}")
    expect(page.get_by_role("status")).to_contain_text("confirm")
    context.close()


def test_budget_comes_back_when_an_idea_is_done(browser, board_hub):
    hub, ids = board_hub
    context = browser.new_context()
    page = context.new_page()
    for idea_id in ids[:3]:
        page.goto(f"{hub.url}/ideas/{BOARD}/{idea_id}")
        page.get_by_role("button", name="Vote for this idea").click()
        expect(page.get_by_role("status")).to_have_text("Thanks, your vote counted.")
    page.goto(f"{hub.url}/ideas/{BOARD}/{ids[3]}")
    expect(page.locator("#idea-budget")).to_contain_text("0 of 3 votes left")
    expect(page.get_by_role("button", name="Vote for this idea")).to_be_disabled()
    hub.store.update_idea(ids[0], status="done", at=TEST_NOW, note="In every shop now.")
    page.reload()
    expect(page.locator("#idea-budget")).to_contain_text("1 of 3 votes left")
    page.get_by_role("button", name="Vote for this idea").click()
    expect(page.get_by_role("status")).to_have_text("Thanks, your vote counted.")
    page.goto(f"{hub.url}/ideas/{BOARD}/{ids[0]}")
    expect(page.locator(".idea-history")).to_contain_text("In every shop now.")
    expect(page.get_by_role("button", name="Vote for this idea")).to_have_count(0)
    context.close()


def test_the_sample_board_takes_an_idea(browser, board_hub):
    hub, _ = board_hub
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hub.url}/pages/improve.html")
    block = page.locator(f"#jam-{BOARD}")
    expect(block).to_have_attribute("data-engage-ready", "true")
    block.get_by_label("Your idea in a few words").fill("Reusable cups at the market stall")
    block.get_by_role("button", name="Share idea").click()
    expect(block.get_by_role("link", name="Reusable cups at the market stall")).to_be_visible()
    titles = [i.title for i in hub.store.list_ideas(BOARD)]
    assert "Reusable cups at the market stall" in titles
    context.close()


PAGES = ["/", "/pages/improve.html", "/pages/have-your-say.html", f"/jams/{BOARD}",
         f"/jams/{BOARD}?topic=coffee&status=planned", f"/ideas/{BOARD}/1", "/me", "/champions",
         "/roadmap", "/de/", "/de/pages/improve.html", "/news/refill-pouches.html"]


def test_no_page_scrolls_sideways_on_a_phone(browser, board_hub):
    hub, ids = board_hub
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{hub.url}/ideas/{BOARD}/{ids[2]}")
    page.get_by_role("button", name="Vote for this idea").click()  # /me gets a feed address
    wide = []
    for path in PAGES:
        answer = page.goto(hub.url + path)
        assert answer is not None and answer.status == 200, path
        page.wait_for_load_state("networkidle")
        sizes = page.evaluate("[document.documentElement.scrollWidth,"
                              " document.documentElement.clientWidth]")
        if sizes[0] > sizes[1]:
            wide.append((path, sizes))
    assert wide == []
    context.close()
