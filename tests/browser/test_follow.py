"""Keeping a reader in the loop, in Chromium with JavaScript off: vote, follow an idea,
confirm from the .eml the server wrote, an editor marks the idea planned with a note, and the
reader's mail and private feed both say so."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pollserver.mail.service import build_sender
from pollserver.web.context import services_of
from tests.admin.conftest import PASSWORD, password_hash
from tests.ci import require_module

pytestmark = pytest.mark.browser

JAM = "build-next"
VOTE_PHASE = datetime(2026, 12, 5, 12, tzinfo=UTC)
NOTE = "We start on it in January."


class Clock:
    def __init__(self) -> None:
        self.now = VOTE_PHASE

    def __call__(self) -> datetime:
        return self.now


def _mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)]


def _text(msg) -> str:
    return str(msg.get_body(preferencelist=("plain",)).get_content())


def test_follow_confirm_and_hear_about_the_status_change(browser, serve_hub):
    feedparser = require_module("feedparser")
    hub = serve_hub(Clock())
    store, url = hub.store, hub.url
    store.put_admin("editor", password_hash())
    idea = store.add_idea(JAM, title="Refill station in every shop", body="", author=None,
                          voter_id=None, moderation="published", at=VOTE_PHASE).id
    sender = build_sender(hub.app)
    folder = Path(services_of(hub.app).settings.data_dir) / "mail"

    reader = browser.new_context(java_script_enabled=False)
    page = reader.new_page()
    page.goto(f"{url}/jams/{JAM}")
    card = page.locator(f"#idea-{idea}")
    card.get_by_role("button", name="Vote for Refill station in every shop").click()
    expect(page.get_by_role("status")).to_have_text("Thanks, your vote counted.")
    card.get_by_text("Tell me what happens to this idea").click()
    card.get_by_label("Your e-mail address").fill("reader@example.org")
    card.get_by_role("button", name="Send me updates about Refill station in every shop").click()
    expect(page.get_by_role("status")).to_contain_text("press the button in it to confirm")

    assert sender.run_once() == 1
    [confirmation] = _mails(folder)
    [link] = re.findall(r"https?://\S+/follows/confirm/\S+", _text(confirmation))
    page.goto(url + "/" + link.split("/", 3)[3])
    assert store.follower_counts() == {}  # opening the link changed nothing
    page.get_by_role("button", name="Yes, send me updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmed")

    editor = browser.new_context(java_script_enabled=False)
    admin = editor.new_page()
    admin.goto(f"{url}/admin/login")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.goto(f"{url}/admin/jams/{JAM}")
    form = admin.locator(f"form[action$='/ideas/{idea}/status']")
    form.get_by_label("Status").select_option("planned")
    form.get_by_label("Note for followers").fill(NOTE)
    form.get_by_role("button", name="Set status").click()
    expect(admin.get_by_text("is now Planned")).to_be_visible()

    assert sender.run_once() == 1
    update = _mails(folder)[-1]
    assert update["To"] == "reader@example.org"
    assert "is now Planned" in str(update["Subject"]) and NOTE in _text(update)

    page.goto(f"{url}/me")
    feed = page.get_by_role("link", name="Your private feed").get_attribute("href")
    parsed = feedparser.parse(page.request.get(url + feed).body())
    assert not parsed.bozo
    assert any(NOTE in entry.summary for entry in parsed.entries)
    reader.close()
    editor.close()


def test_js_widget_offers_to_follow_a_poll_after_voting(browser, serve_hub):
    hub = serve_hub()
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(hub.url + "/pages/have-your-say.html")
    poll = page.locator("#poll-decaf-choice")
    poll.get_by_label("Sugarcane Peru: honey and orange").check()
    poll.get_by_role("button", name="Vote").click()
    expect(poll.locator(".engage-status")).to_contain_text("your vote is counted")
    poll.get_by_label("Tell me the result: your e-mail address").fill("reader@example.org")
    poll.get_by_role("button", name="Send me updates").click()
    expect(poll.locator(".engage-follow-form [role=status]")).to_have_text(
        "Thank you. We sent you a mail: press the button in it to confirm.")
    [requested] = hub.store.list_events(types={"follow.requested"})
    assert requested.data["kind"] == "poll" and requested.data["id"] == "decaf-choice"
    assert hub.store.tally("decaf-choice").total == 1  # the follow form did not vote again
    assert errors == []
    page.context.close()
