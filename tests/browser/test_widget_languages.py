"""The widgets on a German page take their words from the German catalogue, and a server
page reached from it speaks German too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GERMAN_POLL = "/de/pages/have-your-say.html"
PERU_DE = "Peru, mit Zuckerrohr entkoffeiniert: Honig und Orange"


def test_the_poll_widget_on_the_german_page_speaks_german(browser, serve_hub):
    hub = serve_hub()
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(hub.url + GERMAN_POLL)
    poll = page.locator("#poll-decaf-choice")
    expect(poll).to_have_attribute("data-engage-ready", "true")
    poll.get_by_label(PERU_DE).check()
    poll.locator("button[type=submit]").click()
    expect(poll.locator(".engage-status")).to_contain_text("Danke, deine Stimme ist gezählt.")
    table = poll.locator(".engage-live table")
    expect(table.locator("caption")).to_have_text("Zwischenstand: 1 Person hat abgestimmt")
    expect(table.get_by_role("rowheader", name=PERU_DE)).to_be_visible()  # the API's label
    expect(table.get_by_role("columnheader").first).not_to_have_text("Answer")
    # The follow offer, then the server's own page from here: both German.
    expect(poll.get_by_label("Sag mir das Ergebnis: deine E-Mail-Adresse")).to_be_visible()
    page.goto(hub.url + "/me", referer=hub.url + GERMAN_POLL)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deine Daten")
    assert errors == []
    tally = hub.store.tally("decaf-choice")
    assert tally.total == 1 and tally.counts.get("peru") == 1
    context.close()
