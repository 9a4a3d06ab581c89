"""The engage widgets as ES modules, in Chromium against the real pollserver (CSP and all):
which modules a page fetches, the follow offers of the jam widget, the survey's thank-you.

Each test opens a fresh browser context, so a fresh voter cookie.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

JAM = "build-next"
ARTICLE = "/pages/have-your-say.html"
POLL_ONLY = "/support/sour-or-bitter-coffee.html"
NO_BLOCK = "/support/faq.html"
SENT = "Thank you. We sent you a mail: press the button in it to confirm."
MODULE = re.compile(r"/theme/js/engage/([a-z]+)\.[0-9a-f]{10}\.js$")


def _open(browser, url: str, **options):
    """Open ``url`` in a fresh context; return the page, the engage modules it fetched (with
    their statuses) and its console errors (CSP violations show up there)."""
    page = browser.new_context(**options).new_page()
    fetched: list[tuple[str, int]] = []
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def seen(response) -> None:
        match = MODULE.search(response.url.split("?")[0])
        if match:
            fetched.append((match.group(1), response.status))

    page.on("response", seen)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, fetched, errors


def test_a_page_without_a_block_fetches_no_engage_module(browser, site_url):
    page, fetched, errors = _open(browser, site_url + NO_BLOCK)
    assert page.locator("[data-engage-kind]").count() == 0
    assert fetched == [] and errors == []
    page.context.close()


def test_a_poll_only_page_fetches_the_poll_module_and_its_imports_only(browser, site_url):
    page, fetched, errors = _open(browser, site_url + POLL_ONLY)
    assert sorted(fetched) == [("follow", 200), ("poll", 200), ("proof", 200), ("shared", 200)]
    poll = page.locator("[data-engage-kind=poll]")
    expect(poll).to_have_attribute("data-engage-ready", "true")  # the module ran
    assert errors == []
    page.context.close()


def test_a_page_with_two_kinds_fetches_the_shared_module_once(browser, site_url):
    page, fetched, errors = _open(browser, site_url + ARTICLE)
    assert sorted(fetched) == [("follow", 200), ("jam", 200), ("poll", 200), ("proof", 200),
                              ("shared", 200)]
    for kind in ("poll", "jam"):
        expect(page.locator(f"[data-engage-kind={kind}]")).to_have_attribute(
            "data-engage-ready", "true")
    assert errors == []
    page.context.close()


def _follow_response(page, action) -> dict:
    """Run ``action`` and return the JSON answer to the follow request it sends."""
    with page.expect_response(lambda r: r.url.endswith("/api/follows")
                              and r.request.method == "POST") as answer:
        action()
    response = answer.value
    assert response.status == 202
    assert response.request.post_data_json.get("email") == "reader@example.org"
    return {"body": response.json(), "sent": response.request.post_data_json}


def test_after_sharing_an_idea_the_reader_may_follow_it(browser, serve_hub):
    hub = serve_hub()
    page, _, errors = _open(browser, hub.url + ARTICLE)
    jam = page.locator(f"#jam-{JAM}")
    expect(jam.locator(".engage-ideas")).to_be_visible()
    expect(jam.locator(".engage-follow-offer")).to_have_count(0)
    jam.get_by_label("Your idea in a few words").fill("Cold brew in cans")
    jam.get_by_role("button", name="Share idea").click()
    expect(jam.locator(".engage-status")).to_contain_text("your idea is published")
    offer = jam.locator(".engage-follow-offer")
    offer.get_by_label("Tell me what happens to your idea: your e-mail address").fill(
        "reader@example.org")
    answer = _follow_response(page, lambda: offer.get_by_role(
        "button", name="Send me updates").click())
    [idea] = [i for i in hub.store.list_ideas(JAM) if i.title == "Cold brew in cans"]
    assert answer["body"] == {"status": "confirmation_sent"}
    assert answer["sent"] == {"kind": "idea", "id": idea.id, "jam": JAM,
                              "email": "reader@example.org"}
    expect(offer.locator("[role=status]")).to_have_text(SENT)
    [requested] = hub.store.list_events(types={"follow.requested"})
    assert requested.data["kind"] == "idea" and requested.data["id"] == idea.id
    assert errors == []
    page.context.close()


def test_a_vote_offers_to_follow_that_idea_once(browser, serve_hub):
    hub = serve_hub()
    for title in ("Oat milk on tap", "Espresso class"):
        hub.store.add_idea(JAM, title=title, body="", author=None, voter_id=None,
                           moderation="published", at=TEST_NOW)
    page, _, errors = _open(browser, hub.url + ARTICLE)
    jam = page.locator(f"#jam-{JAM}")
    offers = jam.locator(".engage-follow-offer")
    jam.get_by_role("button", name="Vote for Oat milk on tap").click()
    expect(offers).to_have_count(1)
    expect(offers.locator("label")).to_have_text(
        "Tell me what happens to \u201cOat milk on tap\u201d: your e-mail address")
    # Taking the vote back takes the unused offer away; voting again does not bring it back.
    jam.get_by_role("button", name="Take back my vote for Oat milk on tap").click()
    expect(offers).to_have_count(0)
    jam.get_by_role("button", name="Vote for Oat milk on tap").click()
    expect(jam.get_by_role("button", name="Take back my vote for Oat milk on tap")).to_be_visible()
    expect(offers).to_have_count(0)
    # Another idea: one offer, for that idea, in the same place (never a pile of forms).
    jam.get_by_role("button", name="Vote for Espresso class").click()
    expect(offers).to_have_count(1)
    expect(offers.locator("label")).to_contain_text("Espresso class")
    offers.get_by_role("textbox").fill("reader@example.org")
    answer = _follow_response(page, lambda: offers.get_by_role("button").click())
    assert answer["sent"]["kind"] == "idea" and answer["sent"]["jam"] == JAM
    expect(offers.locator("[role=status]")).to_have_text(SENT)
    assert errors == []
    page.context.close()


def test_the_jam_block_offers_to_hear_about_the_winners(browser, serve_hub):
    hub = serve_hub()
    page, _, errors = _open(browser, hub.url + ARTICLE)
    form = page.locator(f"#jam-{JAM}-follow")
    expect(page.locator(f"#jam-{JAM}")).to_have_attribute("data-engage-ready", "true")
    form.get_by_label("Tell me when the winners are picked").fill("reader@example.org")
    answer = _follow_response(page, lambda: form.get_by_role(
        "button", name="Send me updates").click())
    assert answer["sent"] == {"kind": "jam", "id": JAM, "email": "reader@example.org"}
    expect(form.locator("[role=status]")).to_have_text(SENT)
    expect(page).to_have_url(hub.url + ARTICLE)  # answered in place
    assert errors == []
    page.context.close()


def test_the_jam_follow_form_posts_without_javascript(browser, serve_hub):
    hub = serve_hub()
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(hub.url + ARTICLE)
    form = page.locator(f"#jam-{JAM}-follow")
    form.get_by_label("Tell me when the winners are picked").fill("reader@example.org")
    form.get_by_role("button", name="Send me updates").click()
    expect(page).to_have_url(re.compile(rf"/jams/{JAM}"))
    expect(page.get_by_role("status").first).to_contain_text("press the button in it to confirm")
    [requested] = hub.store.list_events(types={"follow.requested"})
    assert requested.data["kind"] == "jam" and requested.data["id"] == JAM
    page.context.close()


def test_after_answering_the_survey_the_thanks_point_at_the_roadmap_and_me(browser, site_url):
    page, fetched, errors = _open(browser, site_url + "/pages/how-are-we-doing.html")
    assert sorted(fetched) == [("proof", 200), ("shared", 200), ("survey", 200)]
    survey = page.locator("#survey-how-are-we-doing")
    survey.locator("label[for=survey-how-are-we-doing-score-8]").click()
    survey.get_by_role("button", name="Send my answer").click()
    thanks = page.locator("#survey-how-are-we-doing-thanks")
    expect(thanks).to_be_visible()
    expect(thanks.locator(".engage-next")).to_contain_text("See what we are doing")
    expect(thanks.get_by_role("link", name="the roadmap")).to_have_attribute("href", "/roadmap")
    expect(thanks.get_by_role("link", name="your page")).to_have_attribute("href", "/me")
    thanks.get_by_role("link", name="the roadmap").click()
    expect(page).to_have_url(re.compile(r"/roadmap$"))
    expect(page.locator("[data-engage-kind=roadmap]")).to_have_attribute(
        "data-engage-ready", "true")
    assert errors == []
    page.context.close()
