"""The roadmap in Chromium: the widget redraws it from /api/roadmap, a card leads to the idea
page, the idea page to the article that announced it, and back; axe finds nothing serious."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.axe import axe_violations, brief

pytestmark = pytest.mark.browser

AT = datetime(2026, 11, 20, 10, tzinfo=UTC)
ARTICLE = "/news/refill-pouches.html"


@pytest.fixture(scope="module")
def roadmap_hub(serve_hub):
    """A hub whose September jam has a shipped idea (announced by the refill article, whose
    ``Ideas:`` names september-jam/1) and a declined one."""
    hub = serve_hub()
    store = hub.store
    shipped = store.add_idea("september-jam", title="Sell refills in a pouch", body="Please.",
                             author="Marta R.", voter_id=None, moderation="published", at=AT)
    declined = store.add_idea("september-jam", title="Single-serve capsules", body="",
                              author="Leo M.", voter_id=None, moderation="published", at=AT)
    assert shipped.id == "1"  # the id the sample article names
    store.update_idea(shipped.id, status="done", at=AT, note="In the shop since December.")
    store.update_idea(declined.id, status="declined", at=AT, note="None kept coffee fresh.")
    return hub.url


def test_roadmap_to_idea_to_article_and_back(page, roadmap_hub, console_errors):
    page.goto(roadmap_hub + "/")
    page.get_by_role("navigation", name="Channels").get_by_role("link", name="Roadmap").click()
    board = page.locator("[data-engage-kind=roadmap]")
    expect(board).to_have_attribute("data-engage-live", "true")
    done = page.locator("section", has=page.locator("#rm-done"))
    expect(done.get_by_role("link", name="Sell refills in a pouch")).to_be_visible()
    expect(done).to_contain_text("by Marta R.")
    expect(done).to_contain_text("Refill pouches are here")
    declined = page.locator("section", has=page.locator("#rm-declined"))
    expect(declined).to_contain_text("Why: None kept coffee fresh.")
    done.get_by_role("link", name="Sell refills in a pouch").click()
    expect(page).to_have_url(roadmap_hub + "/ideas/september-jam/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sell refills in a pouch")
    expect(page.locator(".idea-history")).to_contain_text("In the shop since December.")
    page.get_by_role("link", name="Refill pouches are here, and the idea came from you").click()
    expect(page).to_have_url(roadmap_hub + ARTICLE)
    page.go_back()
    expect(page).to_have_url(roadmap_hub + "/ideas/september-jam/1")
    page.get_by_role("link", name="Back to the roadmap").click()
    expect(page.locator("[data-engage-kind=roadmap]")).to_have_attribute("data-engage-live",
                                                                         "true")
    assert console_errors == []


@pytest.mark.parametrize("path", ["/roadmap", "/ideas/september-jam/1", "/champions/marta-r"])
def test_roadmap_pages_have_no_axe_violations(browser, roadmap_hub, axe_script, path):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    page.goto(roadmap_hub + path)
    page.wait_for_load_state("networkidle")
    assert brief(axe_violations(page, axe_script, "{include: [['main']]}")) == []
    context.close()
