"""engage.js in Chromium against the real pollserver: polls and the promoter survey.

Idea jams have their own file (test_jams.py). Each test uses a fresh browser context, so a
fresh voter cookie.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.axe import axe_violations, brief

pytestmark = pytest.mark.browser

POLL_PAGE = "/pages/have-your-say.html"
POLL = "#poll-decaf-choice"
SUPPORT_PAGE = "/support/sour-or-bitter-coffee.html"
SURVEY_PAGE = "/pages/how-are-we-doing.html"
SURVEY = "#survey-how-are-we-doing"
THANKS = "#survey-how-are-we-doing-thanks"


def test_poll_vote_shows_results_and_keeps_the_choice(page, site_url, console_errors):
    page.goto(site_url + POLL_PAGE)
    poll = page.locator(POLL)
    poll.get_by_label("Sugarcane Peru: honey and orange").check()
    poll.get_by_role("button", name="Vote").click()
    expect(poll.locator(".engage-status")).to_contain_text("your vote is counted")
    table = poll.locator(".engage-live table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("1 person voted")
    expect(table.locator("tr", has_text="Sugarcane Peru")).to_contain_text("your vote")
    # The poll is changeable: after a reload the vote is preselected and can be changed.
    page.reload()
    expect(poll.get_by_label("Sugarcane Peru: honey and orange")).to_be_checked()
    expect(poll.get_by_role("button", name="Change my vote")).to_be_enabled()
    assert console_errors == []


def test_poll_without_a_choice_says_so_in_words(page, site_url):
    page.goto(site_url + POLL_PAGE)
    page.evaluate("document.querySelectorAll('input[name=choices]')"
                  ".forEach(i => i.removeAttribute('required'))")
    page.locator(POLL).get_by_role("button", name="Vote").click()
    expect(page.locator(POLL + " .engage-status")).to_have_text("Please choose an answer.")


def test_poll_works_with_javascript_off(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + SUPPORT_PAGE)
    form = page.locator("#poll-sour-or-bitter-solved")
    form.get_by_label("Partly, it is better").check()
    form.get_by_role("button", name="Vote").click()
    page.wait_for_url("**" + SUPPORT_PAGE + "#poll-sour-or-bitter-solved")
    expect(page.locator("#poll-sour-or-bitter-solved .engage-status")).to_contain_text(
        "Thanks, your vote counted.")
    context.close()


@pytest.mark.parametrize(("score", "support", "share"), [(3, True, False), (10, False, True)])
def test_survey_invites_every_score_to_the_same_reviews(page, site_url, console_errors,
                                                         score, support, share):
    page.goto(site_url + SURVEY_PAGE)
    survey = page.locator(SURVEY)
    thanks = page.locator(THANKS)
    expect(thanks).to_be_hidden()
    survey.locator(f"label[for=survey-how-are-we-doing-score-{score}]").click()
    survey.get_by_role("textbox").fill("Fresh beans, quick delivery")
    survey.get_by_label("You may quote my comment").check()
    survey.get_by_role("button", name="Send my answer").click()
    expect(thanks).to_be_visible()
    expect(thanks).to_be_focused()
    reviews = thanks.locator(".engage-review-links a")
    expect(reviews).to_have_count(3)
    expect(reviews.first).to_have_attribute(
        "href", "https://reviews.example/trustpilot/tallowmere-coffee")
    assert thanks.locator(".engage-support").is_visible() is support
    assert thanks.locator(".engage-share").is_visible() is share
    assert console_errors == []


def test_survey_score_labels_are_accessible(page, site_url):
    page.goto(site_url + SURVEY_PAGE)
    expect(page.get_by_label("0 - Not at all likely")).to_have_count(1)
    expect(page.get_by_label("10 - Extremely likely")).to_have_count(1)
    page.get_by_label("0 - Not at all likely").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#survey-how-are-we-doing-score-1")).to_be_checked()


@pytest.mark.parametrize("path", [POLL_PAGE, SURVEY_PAGE, SUPPORT_PAGE,
                                  "/news/september-idea-jam-winners.html"])
def test_engage_blocks_have_no_axe_violations(browser, site_url, axe_script, path):
    # axe is injected as an inline script, which the site's CSP rightly forbids.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    assert brief(axe_violations(page, axe_script, "{include: [['.engage-block']]}")) == []
    context.close()
