"""The language switcher in Chromium, with and without JavaScript, and a poll shared by the
English and the German page counting into one tally."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.axe import axe_violations

pytestmark = pytest.mark.browser

TRANSLATED = "/support/dial-in-espresso.html"
ENGLISH_ONLY = "/news/october-poll-results.html"


def switch_to(page, name: str) -> None:
    page.get_by_role("navigation", name=("Language", "Sprache")[name == "English"]) \
        .get_by_role("link", name=name).click()


def test_the_switcher_goes_to_the_translation_and_back(page, site_url, console_errors):
    page.goto(site_url + TRANSLATED)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_to(page, "Deutsch")
    expect(page).to_have_url(site_url + "/de" + TRANSLATED)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Espresso mit einer neuen Packung einstellen, in fünf Bezügen")
    expect(page.get_by_role("link", name="Mehr unter Hilfe")).to_be_visible()
    switch_to(page, "English")
    expect(page).to_have_url(site_url + TRANSLATED)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How to dial in espresso with a new bag, in five shots")
    assert console_errors == []


def test_the_switcher_works_without_javascript_and_goes_home_without_a_translation(
        browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + ENGLISH_ONLY)
    switch_to(page, "Deutsch")
    expect(page).to_have_url(site_url + "/de/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Guter Kaffee, erklärt und geteilt.")
    page.get_by_role("navigation", name="Kanäle").get_by_role("link", name="Angebote").click()
    expect(page).to_have_url(site_url + "/de/offers/")
    switch_to(page, "English")
    expect(page).to_have_url(site_url + "/offers/")
    context.close()


def test_a_poll_in_both_languages_counts_into_one_tally(browser, serve_hub):
    hub = serve_hub()
    for path, answer in (("/pages/have-your-say.html", "Sugarcane Peru: honey and orange"),
                         ("/de/pages/have-your-say.html",
                          "Peru, mit Zuckerrohr entkoffeiniert: Honig und Orange")):
        context = browser.new_context()  # two readers, two voter cookies
        page = context.new_page()
        page.goto(hub.url + path)
        poll = page.locator("#poll-decaf-choice")
        # Under load the module may not have run yet: a click then posts the plain form.
        expect(poll).to_have_attribute("data-engage-ready", "true")
        poll.get_by_label(answer).check()
        # (The widget still words its button in English until it reads its catalogue.)
        poll.locator("button[type=submit]").click()
        expect(poll.locator(".engage-live table")).to_be_visible()
        context.close()
    tally = hub.store.tally("decaf-choice")
    assert tally.total == 2 and tally.counts.get("peru") == 2


def test_the_german_pages_have_no_serious_accessibility_violations(browser, site_url,
                                                                      axe_script):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    for path in ("/de/", "/de/pages/have-your-say.html", "/de" + TRANSLATED):
        page.goto(site_url + path)
        found = axe_violations(page, axe_script,
                               "document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']}")
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], path
    context.close()
