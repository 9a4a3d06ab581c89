"""``verified: badge`` in the widgets: a browser verified through ``/verify?token=`` votes in a
poll and sees its vote counted apart; its idea carries the "Verified customer" mark."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import jwt
import pytest
from playwright.sync_api import expect

from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

PAGE = "/pages/have-your-say.html"
POLL, JAM = "decaf-choice", "build-next"
SECRET = "brand-shared-secret-of-enough-length"


def test_verified_votes_and_marks_show_in_the_widgets(page, serve_hub, console_errors):
    hub = serve_hub(lambda: TEST_NOW, verify_key=SECRET)
    items = [dataclasses.replace(i, spec={**i.spec, "verified": "badge"})
             if (i.kind, i.id) in {("poll", POLL), ("jam", JAM)} else i
             for kind in ("poll", "jam", "survey") for i in hub.store.list_items(kind)]
    hub.store.sync_items(items)
    exp = int((TEST_NOW + timedelta(minutes=5)).timestamp())
    token = jwt.encode({"sub": "customer-7", "aud": hub.url, "exp": exp}, SECRET,
                       algorithm="HS256")
    page.goto(f"{hub.url}/verify?token={token}")
    page.get_by_role("button", name="Verify this browser").click()
    page.wait_for_load_state()
    assert len(hub.store.verified_voters()) == 1, page.url + page.content()[:2000]

    page.goto(hub.url + PAGE)
    poll = page.locator(f"#poll-{POLL}")
    poll.get_by_label("Sugarcane Peru: honey and orange").check()
    poll.get_by_role("button", name="Vote").click()
    expect(poll.locator(".engage-live table caption")).to_contain_text(
        "(1 of them from a verified customer)")

    jam = page.locator(f"#jam-{JAM}")
    expect(jam.locator(".engage-ideas")).to_be_visible()
    jam.get_by_label("Your idea in a few words").fill("Beans from verified farms")
    jam.get_by_role("button", name="Share idea").click()
    mine = jam.locator(".engage-idea", has_text="Beans from verified farms")
    expect(mine.locator(".engage-verified-mark")).to_have_text("Verified customer")
    expect(mine.locator(".engage-verified-votes")).to_be_visible()
    assert console_errors == []
