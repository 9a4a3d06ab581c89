"""Following over HTTP: the API, the confirm and unsubscribe pages, editors' notes, the
private feed, /admin/mail, erase. Mail goes to .eml files (no SMTP URL), as with make run."""

from __future__ import annotations

import email
import email.policy
import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pollserver.mail.service import build_sender
from pollserver.web.context import services_of
from tests.admin.conftest import EditorActions, password_hash
from tests.ci import require_module
from tests.conftest import ORIGIN, make_item

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
JAM = "build-next"


@pytest.fixture
def arranged(app, store, clock):
    clock.now = AT
    store.sync_items([make_item("jam", id=JAM, title="What next?", url="/news/next.html"),
                      make_item("poll", id="colour", question="Which colour?",
                                options=["Red", "Blue"])])
    idea = store.add_idea(JAM, title="Dark mode", body="Please", author="Ann", voter_id=None,
                          moderation="published", at=AT)
    return idea.id


@pytest.fixture
def sender(app):
    return build_sender(app)


def mails(settings) -> list[email.message.EmailMessage]:
    folder = Path(settings.data_dir) / "mail"
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)]


def text(msg) -> str:
    return str(msg.get_body(preferencelist=("plain",)).get_content())


def link(msg, kind: str) -> str:
    [found] = re.findall(rf"https?://\S+/follows/{kind}/\S+", text(msg))
    return "/" + found.split("/", 3)[3]


def follow(voter, idea_id: str, address: str = "ann@example.org"):
    return voter.post("/api/follows", json={"kind": "idea", "id": idea_id, "jam": JAM,
                                            "email": address})


@pytest.fixture
def editor(app, store):
    store.put_admin("editor", password_hash())
    actions = EditorActions(app.test_client())
    assert actions.login().status_code == 302
    return actions


def set_status(editor, idea_id, **body):
    token = editor.token("/admin/")
    return editor.client.post(f"/api/admin/jams/{JAM}/ideas/{idea_id}/status", json=body,
                              headers={"X-CSRF-Token": token})


def test_follow_answers_the_same_for_any_address(voter, arranged):
    for address in ("ann@example.org", "ann@example.org", "someone@else.example"):
        response = follow(voter, arranged, address)
        assert response.status_code == 202
        assert response.get_json() == {"status": "confirmation_sent"}


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"kind": "idea", "id": "1", "jam": JAM, "email": "not an address"}, 400, "invalid_email"),
    ({"kind": "idea", "id": "1", "jam": JAM, "email": "a@b"}, 400, "invalid_email"),
    ({"kind": "idea", "id": "999", "jam": JAM, "email": "a@example.org"}, 404, "not_found"),
    ({"kind": "poll", "id": "nope", "email": "a@example.org"}, 404, "not_found"),
    ({"kind": "survey", "id": "x", "email": "a@example.org"}, 400, "bad_request"),
])
def test_bad_follow_requests(voter, arranged, body, status, code):
    response = voter.post("/api/follows", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_cross_origin_follow_is_refused(client, arranged):
    response = client.post("/api/follows", json={"kind": "jam", "id": JAM,
                                                 "email": "a@example.org"},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_double_opt_in_editor_note_and_one_click_unsubscribe(app, settings, client, voter,
                                                             store, arranged, sender, editor):
    assert follow(voter, arranged).status_code == 202
    assert sender.run_once() == 1
    [confirmation] = mails(settings)
    confirm = link(confirmation, "confirm")

    page = client.get(confirm)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Yes, send me updates" in page.get_data(as_text=True)
    assert store.follower_counts() == {}
    assert client.post(confirm, headers={"Origin": ORIGIN}).status_code == 200
    assert store.follower_counts() == {f"idea:{arranged}": 1}

    response = set_status(editor, arranged, status="planned", note="Coming in May",
                          notify=True)
    assert response.status_code == 200 and response.get_json()["idea"]["status"] == "planned"
    assert sender.run_once() == 1
    update = mails(settings)[-1]
    assert "Coming in May" in text(update) and "is now Planned" in str(update["Subject"])
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = "/" + update["List-Unsubscribe"].strip("<>").split("/", 3)[3]

    listing = editor.client.get("/admin/mail").get_data(as_text=True)
    assert "is now Planned" in listing and "ann@example.org" not in listing
    assert f"idea:{arranged}" in editor.client.get("/admin/").get_data(as_text=True)

    assert client.get(unsubscribe).status_code == 200  # the page: nothing changes yet
    assert store.follower_counts() == {f"idea:{arranged}": 1}
    # RFC 8058: the mail provider posts from its own servers, with no Origin header.
    one_click = app.test_client().post(unsubscribe, data={
        "List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert store.follower_counts() == {}
    assert app.test_client().post(unsubscribe).status_code == 410

    set_status(editor, arranged, status="done", note="Shipped", notify=True)
    assert sender.run_once() == 0
    audit = " ".join(str(e) for e in store.list_audit())
    assert "@" not in audit and "Coming in May" not in audit


def test_silent_status_change_sends_nothing(settings, client, voter, store, arranged, sender,
                                            editor):
    follow(voter, arranged)
    sender.run_once()
    client.post(link(mails(settings)[0], "confirm"), headers={"Origin": ORIGIN})
    assert set_status(editor, arranged, status="declined", notify=False).status_code == 200
    assert sender.run_once() == 0
    assert set_status(editor, arranged, status="done", notify="yes").status_code == 400


def test_unknown_or_expired_links_are_410(app, client, voter, arranged, sender, settings,
                                          clock):
    assert client.get("/follows/confirm/nope").status_code == 410
    assert client.post("/follows/confirm/nope", headers={"Origin": ORIGIN}).status_code == 410
    assert client.get("/follows/unsubscribe/nope").status_code == 410
    assert client.post("/follows/unsubscribe/nope").status_code == 410
    gone = voter.post("/api/follows/confirm", json={"token": "nope"})
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "gone"
    follow(voter, arranged)
    sender.run_once()
    confirm = link(mails(settings)[0], "confirm")
    clock.now = AT + timedelta(hours=49)
    page = client.post(confirm, headers={"Origin": ORIGIN})
    assert page.status_code == 410 and "48 hours" in page.get_data(as_text=True)


def test_confirm_needs_our_origin_but_unsubscribe_does_not(app, client, voter, store,
                                                           arranged, sender, settings):
    from pollserver.domain.outbox import follow_id

    def confirmed(address: str) -> str:
        """Follow and confirm from our own origin; return the unsubscribe path."""
        follow(voter, arranged, address)
        sender.run_once()
        confirm = link(mails(settings)[-1], "confirm")
        refused = client.post(confirm, headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403 and store.follower_counts() == {}
        assert client.post(confirm, headers={"Origin": ORIGIN}).status_code == 200
        assert store.follower_counts() == {f"idea:{arranged}": 1}
        return f"/follows/unsubscribe/{follow_id(confirm.rsplit('/', 1)[1])}"

    # Unsubscribe needs no origin check: from another origin ...
    page = app.test_client().post(confirmed("ann@example.org"),
                                  headers={"Origin": "https://evil.example"})
    assert page.status_code == 200 and "deleted your address" in page.get_data(as_text=True)
    assert store.follower_counts() == {}
    # ... and with no Origin at all (RFC 8058: the provider posts from its own servers).
    page = app.test_client().post(confirmed("bob@example.org"),
                                  data={"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200 and store.follower_counts() == {}


def test_no_js_form_comes_back_to_the_jam_page_with_a_message(client, arranged):
    response = client.post("/api/follows", data={"kind": "idea", "id": arranged, "jam": JAM,
                                                 "email": "ann@example.org"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/ideas/{JAM}/{arranged}")
    page = client.get(f"/ideas/{JAM}/{arranged}").get_data(as_text=True)
    assert "press the button in it to confirm" in page
    bad = client.post("/api/follows", data={"kind": "jam", "id": JAM, "email": "nope"},
                      headers={"Origin": ORIGIN})
    assert bad.status_code == 303
    assert "does not look like an e-mail address" in client.get(f"/jams/{JAM}").get_data(
        as_text=True)


def test_private_feed_shows_what_happened_to_what_i_voted_for(client, voter, store, arranged,
                                                              editor, clock):
    feedparser = require_module("feedparser")
    assert voter.post(f"/api/jams/{JAM}/ideas/{arranged}/vote", json={}).status_code == 200
    me = client.get("/me").get_data(as_text=True)
    [feed_url] = re.findall(r'href="(/me/updates/[^"]+\.atom)"', me)
    clock.now = AT + timedelta(minutes=5)
    set_status(editor, arranged, status="planned", note="Coming in May", notify=False)
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    [entry] = parsed.entries
    assert "is now Planned" in entry.title and "Coming in May" in entry.summary
    assert entry.link.endswith(f"/ideas/{JAM}/{arranged}")
    # "Since your last visit" on /me: the change came after the first visit above.
    assert "Since your last visit" in client.get("/me").get_data(as_text=True)
    assert "Since your last visit" not in client.get("/me").get_data(as_text=True)
    # Somebody else's token is no way in; erase ends the feed.
    assert client.get("/me/updates/not-a-token.atom").status_code == 410
    assert voter.post("/me/erase", data={"confirm": "yes"}).status_code == 303
    assert client.get(feed_url).status_code == 410


def test_erase_removes_my_follows(client, voter, store, arranged, sender, settings):
    follow(voter, arranged)
    sender.run_once()
    client.post(link(mails(settings)[0], "confirm"), headers={"Origin": ORIGIN})
    assert store.follower_counts() == {f"idea:{arranged}": 1}
    voter.post("/me/erase", data={"confirm": "yes"})
    assert store.follower_counts() == {}


@pytest.fixture
def limited(tmp_path):
    """An app with rate limits on; yields ``ask(address, client_address)`` -> status code."""
    from pollserver import create_app
    from pollserver.config import Settings
    from tests.conftest import VoterActions

    # The first-write burst limit (one cookie-less write per address and item in a few
    # seconds) is widened here: these tests are about the limits of follow requests.
    app = create_app(Settings(data_dir=tmp_path / "rl", site_dir=None, rate_limits="on",
                              secret_key="k", first_write_burst=100, proof="off",
                              extra={"store": "memory"}))
    store = services_of(app).store
    store.sync_items([make_item("jam", id=JAM, title="What next?")])

    def ask(address: str, client: str = "127.0.0.1") -> int:
        # Each request from a new browser (new voter), as a flooder would.
        actions = VoterActions(app.test_client())
        return actions.post("/api/follows", json={"kind": "jam", "id": JAM, "email": address},
                            environ_base={"REMOTE_ADDR": client}).status_code

    yield ask
    store.close()


def test_requests_for_one_inbox_are_limited_whatever_its_spelling(limited):
    # Sub-addresses and case reach one inbox: the fourth request to it is refused.
    codes = [limited(address, f"127.0.0.{n}") for n, address in enumerate(
        ("victim+1@example.org", "Victim+2@Example.ORG", "victim@example.org",
         "VICTIM+3@example.org", "victim+4@EXAMPLE.org"), start=1)]
    assert codes == [202, 202, 202, 429, 429]
    assert limited("other@example.org", "127.0.0.9") == 202


def test_twenty_sub_addresses_of_one_inbox_get_at_most_the_limit(limited):
    # The probe: victim+1@ .. victim+20@ from twenty client addresses got 20 mails of 20.
    codes = [limited(f"victim+{n}@example.org", f"127.0.1.{n}") for n in range(1, 21)]
    assert codes.count(202) == 3 and codes.count(429) == 17


def test_requests_for_one_domain_are_limited(limited):
    # Distinct inboxes at one domain (a catch-all), each from its own client address.
    codes = [limited(f"reader{n}@catch-all.example", f"127.0.{n // 250}.{n % 250 + 1}")
             for n in range(31)]
    assert codes == [202] * 30 + [429]
    assert limited("reader0@elsewhere.example", "127.1.0.1") == 202


def test_requests_from_one_client_are_limited_per_hour(limited):
    codes = [limited(f"reader@domain{n}.example") for n in range(11)]
    assert codes == [202] * 10 + [429]
    assert limited("reader@domain99.example", "127.0.0.2") == 202


def test_the_confirmation_mail_carries_no_reader_text(settings, voter, store, sender):
    store.sync_items([make_item("jam", id=JAM, title="What next?", url="/news/next.html")])
    hostile = "Call 0900-SCAM now: you won <b>$1000</b>"
    idea = store.add_idea(JAM, title=hostile, body="Body text", author="Mallory Author",
                          voter_id=None, moderation="published", at=AT)
    assert follow(voter, idea.id).status_code == 202
    assert sender.run_once() == 1
    [confirmation] = mails(settings)
    raw = confirmation.as_string()
    whole = raw + text(confirmation) + str(
        confirmation.get_body(preferencelist=("html",)).get_content())
    for reader_text in ("0900-SCAM", "$1000", "Body text", "Mallory"):
        assert reader_text not in whole
    assert "an idea in \u201cWhat next?\u201d" in text(confirmation)
    assert "What next?" in str(confirmation["Subject"])


def test_poll_status_slot_offers_the_follow_form_and_it_comes_back_to_the_poll(app, client,
                                                                               arranged):
    from pollserver.public.status import render_status

    with app.test_request_context("/news/colour.html"):
        offered = render_status("poll", "colour", {"ok": True, "m": "Thanks, your vote counted."})
        after = render_status("poll", "colour", {"ok": True, "m": "Thank you. We sent you a "
                                                 "mail: press the button in it to confirm."})
    assert 'action="/api/follows"' in offered and 'value="colour"' in offered
    assert 'action="/api/follows"' not in after
    response = client.post("/api/follows", data={"kind": "poll", "id": "colour",
                                                 "email": "ann@example.org"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/news/article.html#poll-colour")


HOSTILE_TITLE = '<img src=x onerror="alert(1)"> &lt;b&gt;bold&lt;/b&gt;'
HOSTILE_NOTE = "<script>alert(2)</script><a href=javascript:alert(3)>x</a>"


def test_private_feed_keeps_reader_titles_and_editor_notes_as_text(client, voter, store,
                                                                 editor, clock):
    from tests.feedcheck import elements, html_fields, text_fields

    clock.now = AT
    store.sync_items([make_item("jam", id=JAM, title="What next?", url="/news/next.html")])
    idea = store.add_idea(JAM, title=HOSTILE_TITLE, body="", author="Ann", voter_id=None,
                          moderation="published", at=AT)
    assert voter.post(f"/api/jams/{JAM}/ideas/{idea.id}/vote", json={}).status_code == 200
    [feed_url] = re.findall(r'href="(/me/updates/[^"]+\.atom)"',
                            client.get("/me").get_data(as_text=True))
    clock.now = AT + timedelta(minutes=5)
    assert set_status(editor, idea.id, status="planned", note=HOSTILE_NOTE,
                      notify=False).status_code == 200
    document = client.get(feed_url).get_data()
    [summary] = html_fields(document)
    # A feed reader decodes the summary once and renders it: it must find text only.
    assert elements(summary) == []
    assert HOSTILE_TITLE in html.unescape(summary) and HOSTILE_NOTE in html.unescape(summary)
    assert any(HOSTILE_TITLE in text for text in text_fields(document))  # the entry's title
