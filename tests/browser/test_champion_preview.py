"""An insider preview in Chromium: a champion opens the article's own URL and sees the
"Preview for champions" badge; a reader at the same URL sees the site's 404; axe finds
nothing serious on the preview page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pollserver.domain.champions import Champion
from pollserver.web.identity import COOKIE_PLAIN, _signer
from tests.axe import axe_violations, brief
from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

PREVIEW = "/news/larkspur-first-look.html"
TITLE = "Larkspur, our spring coffee: a first look"


@pytest.fixture(scope="module")
def preview_hub(serve_hub):
    """A hub where voter ``champion-1`` is a champion (as an editor's grant makes them)."""
    hub = serve_hub()
    hub.store.grant_champion(Champion("champion-1", "1", "editor", TEST_NOW))
    with hub.app.test_request_context():
        cookie = _signer().sign("champion-1").decode()
    return hub.url, cookie


def _context(browser, url: str, cookie: str | None, **kwargs):
    context = browser.new_context(**kwargs)
    if cookie:
        context.add_cookies([{"name": COOKIE_PLAIN, "value": cookie, "url": url}])
    return context


def test_a_champion_sees_the_preview_with_its_badge(browser, preview_hub):
    url, cookie = preview_hub
    context = _context(browser, url, cookie)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    answer = page.goto(url + PREVIEW)
    assert answer is not None and answer.status == 200
    assert answer.headers["cache-control"] == "private, no-store"
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    badge = page.locator("[data-preview-badge]")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("Preview for champions")
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    expect(page.locator(".share")).to_have_count(0)
    assert console_errors == []
    context.close()


def test_a_reader_gets_the_404_page(browser, preview_hub):
    url, _ = preview_hub
    for cookie in (None, "not-a-signed-cookie"):
        context = _context(browser, url, cookie)
        page = context.new_page()
        answer = page.goto(url + PREVIEW)
        assert answer is not None and answer.status == 404
        expect(page.get_by_text("could not find")).to_be_visible()
        expect(page.get_by_text("Larkspur")).to_have_count(0)
        context.close()


def test_the_preview_page_has_no_axe_violations(browser, preview_hub, axe_script):
    url, cookie = preview_hub
    context = _context(browser, url, cookie, bypass_csp=True)  # axe is an inline script
    page = context.new_page()
    page.goto(url + PREVIEW)
    page.wait_for_load_state("networkidle")
    assert brief(axe_violations(page, axe_script)) == []
    context.close()
