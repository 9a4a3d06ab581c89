"""An offer's claim block in a real browser: the live stock, "Get your code" hands a code
and shows it in place (the same code after a reload), and with JavaScript off the form posts
and the page comes back with the code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OFFER = "/offers/brew-kit-bundle.html"
BLOCK = "#claim-brew-kit-tin"


@pytest.fixture(scope="module")
def hub(serve_hub):
    served = serve_hub()
    served.store.add_codes("brew-kit-tins", [f"TIN-{n:03d}" for n in range(100)])
    return served.url, served.store


def test_get_your_code_with_javascript(page, hub) -> None:
    url, store = hub
    page.goto(url + OFFER)
    block = page.locator(BLOCK)
    expect(block.locator("[data-engage-stock]")).to_have_text(re.compile(r"^\d+ of 100 left$"))
    block.get_by_role("button", name="Get your code").click()
    code = block.locator(".engage-reward code")
    expect(code).to_have_text(re.compile(r"^TIN-\d{3}$"))
    first = code.text_content()
    page.reload()
    expect(page.locator(BLOCK).locator(".engage-reward code")).to_have_text(first or "")
    total, claimed = store.pool_stats()["brew-kit-tins"]
    assert total == 100 and claimed >= 1


def test_get_your_code_without_javascript(browser, hub) -> None:
    url, store = hub
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + OFFER)
    before = store.pool_stats()["brew-kit-tins"][1]
    page.locator(BLOCK).get_by_role("button", name="Get your code").click()
    expect(page.locator(BLOCK).locator(".engage-status")).to_contain_text("Your code: TIN-")
    assert store.pool_stats()["brew-kit-tins"][1] == before + 1
    context.close()
