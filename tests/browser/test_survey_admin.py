"""Survey and editor admin in Chromium: promoter and detractor see the same review links;
an editor signs in, approves an idea, picks it as a winner, and the site shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.axe import axe_violations
from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

SURVEY_PAGE = "/pages/how-are-we-doing.html"
SURVEY = "#survey-how-are-we-doing"
THANKS = "#survey-how-are-we-doing-thanks"
JAM = "build-next"
NOW = TEST_NOW
PASSWORD = "browser test password"


@pytest.fixture(scope="module")
def hub(serve_hub):
    """Serve the sample site with an editor account; yield url, store."""
    from pollserver.ops.passwords import hash_password

    served = serve_hub(lambda: NOW)
    served.store.put_admin("editor", hash_password(PASSWORD))
    return served.url, served.store


def _answer(browser, url: str, score: int) -> list[str]:
    context = browser.new_context()  # a new reader each time (own voter cookie)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(url + SURVEY_PAGE)
    survey = page.locator(SURVEY)
    survey.locator(f"label[for=survey-how-are-we-doing-score-{score}]").click()
    survey.get_by_role("textbox").fill("Fresh beans" if score >= 9 else "Late delivery")
    survey.get_by_label("You may quote my comment").check()
    survey.get_by_role("button", name="Send my answer").click()
    thanks = page.locator(THANKS)
    expect(thanks).to_be_visible()
    links = thanks.locator(".engage-review-links a")
    expect(links).to_have_count(3)
    hrefs = [links.nth(i).get_attribute("href") for i in range(3)]
    if score >= 9:
        expect(thanks.locator(".engage-share")).to_be_visible()
        expect(thanks.locator(".engage-quote")).to_have_text("Fresh beans")
        expect(thanks.locator(".engage-support")).to_be_hidden()
    else:
        expect(thanks.locator(".engage-share")).to_be_hidden()
        expect(thanks.locator(".engage-support")).to_be_visible()
    assert errors == []
    context.close()
    return hrefs


def test_promoter_and_detractor_get_the_same_review_links(browser, hub):
    url, store = hub
    promoter = _answer(browser, url, 10)
    detractor = _answer(browser, url, 2)
    assert promoter == detractor
    assert promoter[0] == "https://reviews.example/trustpilot/tallowmere-coffee"
    assert sorted(r.category for r in store.list_responses("how-are-we-doing")) == [
        "detractor", "promoter"]


def _axe(page, script) -> list:
    found = axe_violations(page, script, "document, {runOnly: ['wcag2a', 'wcag2aa']}")
    return [(v["id"], len(v["nodes"])) for v in found]


def test_editor_approves_and_picks_a_winner_seen_on_the_site(browser, hub):
    url, store = hub
    idea = store.add_idea(JAM, title="Oat milk on tap", body="Please.", author="Rae",
                          voter_id=None, moderation="pending", at=NOW)
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(url + f"/admin/jams/{JAM}")
    expect(page).to_have_url(f"{url}/admin/login?next=/admin/jams/{JAM}")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/admin/jams/{JAM}")

    card = page.locator("article", has=page.get_by_role("heading", name="Oat milk on tap"))
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("is now published")
    page.get_by_label("Oat milk on tap (0 votes)").check()
    page.get_by_role("button", name="Save winners").click()
    expect(page.get_by_role("status")).to_contain_text("1 winner picked")
    assert store.get_idea(idea.id).winner is True
    assert [e.action for e in store.list_audit()[:3]] == ["jam.winners", "idea.approve",
                                                          "login"]

    page.goto(url + "/admin/")
    expect(page.locator("svg.chart").first).to_be_visible()
    # No CSP violations on the admin pages (the 401 of the wrong password is expected).
    assert [e for e in errors if "Failed to load resource" not in e] == []

    reader = browser.new_context().new_page()
    reader.goto(url + f"/jams/{JAM}")
    winners = reader.locator(".engage-winners")
    expect(winners).to_contain_text("Oat milk on tap")
    context.close()


@pytest.mark.parametrize("path", ["/admin/", f"/admin/jams/{JAM}", "/admin/answers",
                                  "/admin/rewards", "/admin/exports", "/admin/audit"])
def test_admin_pages_have_no_axe_violations(browser, hub, axe_script, path):
    url, _ = hub
    # axe is injected as an inline script, which the CSP rightly forbids.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url + "/admin/login")
    assert _axe(page, axe_script) == []
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url + "/admin/")  # signed in, not back on the login form
    page.goto(url + path)
    expect(page).to_have_url(url + path)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    assert _axe(page, axe_script) == []
    context.close()
