"""Embeds in a real browser: a shop page on a listed loopback origin (127.0.0.1:L) and one on
an unlisted origin (127.0.0.1:U), both with a strict CSP whose ``script-src`` names only the
engage origin (localhost:B). The element votes through its shadow root, the hub counts it,
a reload keeps one vote per person, axe finds nothing; the unlisted page gets neither the
script nor the frame; the iframe form works with JavaScript on and off; the newsletter page
never votes on GET."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from pollserver.web.context import services_of
from tests.axe import axe_violations, brief
from tests.conftest import make_item
from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

HOSTILE_CSS = ("button, input, label, legend { display: none !important; } "
               "* { color: #fff !important; background: #fff !important; }")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _shop(engage: str) -> type[BaseHTTPRequestHandler]:
    """A shop's pages: strict CSP, hostile CSS, and the embed snippets."""
    csp = (f"default-src 'self'; script-src {engage}; connect-src {engage}; "
           f"frame-src {engage}; style-src 'self'; img-src 'self'; object-src 'none'")
    pages = {
        "/element.html": f'<script type="module" src="{engage}/embed.js"></script>'
                         '<valuehub-poll poll="p"></valuehub-poll>'
                         '<valuehub-jam jam="j"></valuehub-jam>'
                         '<valuehub-survey survey="s"></valuehub-survey>',
        "/iframe.html": f'<iframe src="{engage}/embed/poll/p" title="Our poll" width="600" '
                        'height="420"></iframe>',
    }

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            path = urlsplit(self.path).path
            if path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            if path == "/shop.css":
                body, kind = HOSTILE_CSS.encode(), "text/css"
            elif path in pages:
                body = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                        '<title>Shop</title><link rel="stylesheet" href="/shop.css"></head>'
                        f'<body><main><h1>Shop</h1>{pages[path]}</main></body></html>'
                        ).encode()
                kind = "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Shop


@pytest.fixture(scope="module")
def origins(tmp_path_factory):
    from pollserver import create_app
    from pollserver.config import Settings

    listed_port, unlisted_port, engage_port = _port(), _port(), _port()
    listed, unlisted = f"http://127.0.0.1:{listed_port}", f"http://127.0.0.1:{unlisted_port}"
    engage = f"http://localhost:{engage_port}"
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("embed-var"), site_dir=None,
                              rate_limits="off", embed_origins=(listed,),
                              extra={"store": "memory"}))
    services_of(app).clock = lambda: TEST_NOW
    store = services_of(app).store
    store.sync_items([
        make_item("poll", id="p", question="Which roast for the winter box?",
                  options=["light", "dark"], results="always"),
        make_item("jam", id="j", title="What should we brew next?"),
        make_item("survey", id="s"),
    ])
    shop = _shop(engage)
    servers = [ThreadingHTTPServer(("127.0.0.1", listed_port), shop),
               ThreadingHTTPServer(("127.0.0.1", unlisted_port), shop),
               make_server("127.0.0.1", engage_port, app, threaded=True)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    yield {"listed": listed, "unlisted": unlisted, "engage": engage, "store": store,
           "hub": app.test_client()}
    for server in servers:
        server.shutdown()
        server.server_close()
    store.close()


@pytest.fixture
def fresh_poll(origins):
    """Each test starts with a poll nobody voted in."""
    store = origins["store"]
    store.sync_items([make_item("poll", id="p", question="Which roast for the winter box?",
                                options=["light", "dark"], results="always"),
                      make_item("jam", id="j", title="What should we brew next?"),
                      make_item("survey", id="s")])
    return store


def _requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_element_on_a_listed_origin_votes_once_and_the_hub_shows_it(page, origins,
                                                                    console_errors):
    store = origins["store"]
    before = store.tally("p").total
    seen = _requests(page)
    page.goto(origins["listed"] + "/element.html")
    poll = page.locator("valuehub-poll")
    poll.get_by_label("dark").check()  # visible despite the shop's CSS
    poll.get_by_role("button", name="Vote").click()
    expect(poll.get_by_role("status")).to_contain_text("your vote is counted")
    assert store.tally("p").total == before + 1
    hub = origins["hub"].get("/api/polls/p").get_json()  # the hub shows the same count
    assert hub["results"]["total"] == before + 1 and hub["results"]["counts"]["dark"] >= 1
    page.reload()  # the embed's token: still the same person, who has voted
    poll = page.locator("valuehub-poll")
    expect(poll.get_by_label("dark")).to_be_checked()
    expect(poll.get_by_role("button", name="Vote")).to_be_disabled()
    assert store.tally("p").total == before + 1
    assert console_errors == []
    allowed = {origins["listed"], origins["engage"]}
    assert {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in seen} <= allowed


def test_embeds_are_accessible_and_keep_the_host_css_out(browser, origins, axe_script):
    context = browser.new_context(bypass_csp=True)  # axe goes in as an inline script
    page = context.new_page()
    page.goto(origins["listed"] + "/element.html")
    expect(page.locator("valuehub-jam").get_by_role("heading")).to_contain_text("brew next")
    expect(page.locator("valuehub-survey").get_by_label("10")).to_be_visible()
    expect(page.locator("valuehub-poll").get_by_role("button", name="Vote")).to_be_visible()
    color = page.locator("valuehub-poll").get_by_role("button", name="Vote").evaluate(
        "b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(11, 87, 208)"
    page.keyboard.press("Tab")  # keyboard: focus goes into the shadow root's first control
    assert page.evaluate("document.activeElement.tagName") == "VALUEHUB-POLL"
    violations = axe_violations(page, axe_script)
    assert violations == [], brief(violations)
    context.close()


def test_survey_and_jam_elements_write(page, origins, fresh_poll):
    page.goto(origins["listed"] + "/element.html")
    survey = page.locator("valuehub-survey")
    survey.get_by_label("9").check()
    survey.get_by_role("button", name="Send").click()
    expect(survey.get_by_role("status")).to_contain_text("Thank you")
    assert len(fresh_poll.list_responses("s")) >= 1
    jam = page.locator("valuehub-jam")
    jam.get_by_label("Your idea").fill("A winter stout blend")
    jam.get_by_role("button", name="Share my idea").click()
    expect(jam.get_by_role("status")).to_contain_text("Thank you")


def test_unlisted_origin_gets_neither_script_nor_frame(page, origins):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(origins["unlisted"] + "/element.html")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelector('valuehub-poll').shadowRoot") is None
    assert any("CORS" in m for m in messages), messages
    page.goto(origins["unlisted"] + "/iframe.html")
    page.wait_for_load_state("networkidle")
    assert any("frame-ancestors" in m for m in messages), messages
    expect(page.frame_locator("iframe").get_by_role("button", name="Vote")).to_have_count(0)


def test_iframe_votes_with_javascript_on(page, origins, console_errors):
    store = origins["store"]
    before = store.tally("p").total
    page.goto(origins["listed"] + "/iframe.html")
    frame = page.frame_locator("iframe")
    frame.get_by_label("light").check()
    frame.get_by_role("button", name="Vote").click()
    expect(frame.get_by_role("status")).to_contain_text("your vote is counted")
    assert store.tally("p").total == before + 1
    assert console_errors == []


def test_iframe_votes_with_javascript_off(browser, origins):
    store = origins["store"]
    before = store.tally("p").total
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(origins["listed"] + "/iframe.html")
    frame = page.frame_locator("iframe")
    frame.get_by_label("light").check()
    frame.get_by_role("button", name="Vote").click()
    expect(frame.get_by_role("status")).to_contain_text("your vote is counted")
    assert store.tally("p").total == before + 1
    context.close()


def test_newsletter_link_votes_only_when_confirmed(browser, origins):
    store = origins["store"]
    before = store.tally("p").total
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    link = origins["engage"] + "/vote/poll/p?choice=dark&r=subscriber-42"
    page.goto(link)
    page.goto(link)  # a scanner, then the reader: opening never votes
    expect(page.get_by_label("dark")).to_be_checked()
    assert store.tally("p").total == before
    page.get_by_role("button", name="Confirm my vote").click()
    expect(page.get_by_role("status")).to_contain_text("your vote is counted")
    assert store.tally("p").total == before + 1
    context.close()
    other = browser.new_context(java_script_enabled=False)  # the same subscriber, elsewhere
    page = other.new_page()
    page.goto(link)
    expect(page.get_by_role("button", name="Confirm my vote")).to_have_count(0)
    assert store.tally("p").total == before + 1
    other.close()


def test_two_elements_writing_at_once_are_one_person(browser, origins, fresh_poll):
    """Until the page holds a token, the second write waits for the first answer (else the
    poll and the survey would each mint a voter)."""
    context = browser.new_context()  # its own storage: no token yet
    page = context.new_page()
    store = origins["store"]
    held, writes = [], []
    page.on("request", lambda r: writes.append(r.url) if r.method == "POST" else None)
    page.route("**/api/polls/p/vote", lambda route: held.append(route))
    page.goto(origins["listed"] + "/element.html")
    poll, survey = page.locator("valuehub-poll"), page.locator("valuehub-survey")
    poll.get_by_label("light").check()
    poll.get_by_role("button", name="Vote").click()
    survey.get_by_label("7").check()
    survey.get_by_role("button", name="Send").click()
    page.wait_for_timeout(300)  # a window for a wrongly sent second write (not a timing pass)
    assert len(held) == 1 and [u for u in writes if "/responses" in u] == []
    held[0].continue_()
    expect(survey.get_by_role("status")).to_contain_text("Thank you")
    expect(poll.get_by_role("status")).to_contain_text("your vote is counted")
    answer = store.list_responses("s")[-1]
    assert store.vote_of("p", answer.voter_id) == ("light",)
    context.close()
