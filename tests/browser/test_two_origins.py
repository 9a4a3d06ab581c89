"""The static site on one origin (127.0.0.1:A, a plain file server) and pollserver on another
(localhost:B): the build points at pollserver (ENGAGE_API_URL), pollserver lists the site
(POLLSERVER_PUBLIC_ORIGINS); a reader votes with JavaScript on and off."""

from __future__ import annotations

import functools
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from pollserver.web.context import services_of
from tests.browser.conftest import ROOT, _sitebuild
from tests.instant import TEST_NOW

POLL_PAGE = "/pages/have-your-say.html"
POLL = "#poll-decaf-choice"
SUPPORT_PAGE = "/support/sour-or-bitter-coffee.html"
SUPPORT_POLL = "#poll-sour-or-bitter-solved"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def two_origins(tmp_path_factory):
    from pollserver import create_app
    from pollserver.config import Settings
    from pollserver.ops.sync import load_manifest, sync_manifest

    site_port, api_port = _free_port(), _free_port()
    site, api = f"http://127.0.0.1:{site_port}", f"http://localhost:{api_port}"
    base = tmp_path_factory.mktemp("two-origins")
    output = base / "output"
    built = _sitebuild().build_site(ROOT / "content", output, base / "cache",
                                    ENGAGE_API_URL=api)
    assert built.returncode == 0, built.stdout + built.stderr
    static = ThreadingHTTPServer(("127.0.0.1", site_port),
                                 functools.partial(_Quiet, directory=str(output)))
    app = create_app(Settings(data_dir=base / "var", site_dir=None, rate_limits="off",
                              public_origins=(site,), extra={"store": "memory"}))
    services_of(app).clock = lambda: TEST_NOW  # the instant the site was built at
    store = services_of(app).store
    sync_manifest(store, load_manifest(output / "engage" / "manifest.json"))
    hub = make_server("127.0.0.1", api_port, app, threaded=True)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (static, hub)]
    for thread in threads:
        thread.start()
    yield site, store
    for server in (static, hub):
        server.shutdown()
        server.server_close()
    for thread in threads:
        thread.join(10)
    store.close()


def test_vote_with_javascript_on_goes_to_the_other_origin(page, two_origins):
    site, store = two_origins
    page.goto(site + POLL_PAGE)
    poll = page.locator(POLL)
    # Under load the module may not have run yet: a click then posts the plain form.
    expect(poll).to_have_attribute("data-engage-ready", "true")
    poll.get_by_label("Sugarcane Peru: honey and orange").check()
    poll.get_by_role("button", name="Vote").click()
    # The answer comes from the other origin's server, in this test's process: give a loaded
    # box time (the assertion is the text, not how fast it came).
    expect(poll.locator(".engage-status")).to_contain_text("your vote is counted",
                                                          timeout=20_000)
    assert store.tally("decaf-choice").total == 1


def test_vote_with_javascript_off_comes_back_to_the_site(browser, two_origins):
    site, store = two_origins
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + SUPPORT_PAGE)
    form = page.locator(SUPPORT_POLL + " form")
    assert (form.get_attribute("action") or "").startswith("http://localhost:")
    outcome = page.locator(SUPPORT_POLL + "-voted")
    expect(outcome).to_be_hidden()  # baked in the page, shown only when targeted
    form.get_by_label("Partly, it is better").check()
    form.get_by_role("button", name="Vote").click()
    page.wait_for_url(site + SUPPORT_PAGE + SUPPORT_POLL + "-voted")
    expect(outcome).to_be_visible()
    expect(outcome).to_have_text("Thanks, your vote counted.")
    expect(page.locator(SUPPORT_POLL + "-error")).to_be_hidden()  # only the one targeted
    assert store.tally("sour-or-bitter-solved").total == 1
    context.close()
