"""An embed on a German shop page speaks German in a real browser: the element reads the
host's ``<html lang>`` (or its own ``lang``), loads the build's German widget catalogue from
the engage origin and asks the API in German, so the question, options, buttons and the thank
you are German, and the vote counts in the one tally."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from pollserver.web.context import services_of
from tests.browser.test_embed import _port
from tests.conftest import make_item
from tests.instant import TEST_NOW

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _german_catalogue() -> dict:
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))
    from languages import catalogs, widgets

    return widgets.catalogue_for(ROOT / "theme" / "translations", "de", catalogs.extract())


def _shop(engage: str) -> type[BaseHTTPRequestHandler]:
    pages = {"/de.html": ("de", '<valuehub-poll poll="p"></valuehub-poll>'),
             "/en.html": ("en", '<valuehub-poll poll="p" lang="de"></valuehub-poll>')}

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            if self.path not in pages:
                self.send_error(404)
                return
            lang, element = pages[self.path]
            body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                    f'<title>Shop</title><script type="module" src="{engage}/embed.js">'
                    f'</script></head><body><main>{element}</main></body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Shop


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    from pollserver import create_app
    from pollserver.config import Settings

    shop_port, engage_port = _port(), _port()
    origin, engage = f"http://127.0.0.1:{shop_port}", f"http://localhost:{engage_port}"
    site = tmp_path_factory.mktemp("embed-site")
    (site / "engage" / "i18n").mkdir(parents=True)
    (site / "engage" / "i18n" / "de.json").write_text(json.dumps(_german_catalogue()))
    (site / "engage" / "manifest.json").write_text(json.dumps({
        "version": 1, "jams": [], "surveys": [], "polls": [{
            "id": "p", "lang": "en", "texts": {"de": {
                "question": "Welche Röstung für die Winterbox?",
                "options": {"light": "Hell", "dark": "Dunkel"}}}}]}))
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("embed-var"), site_dir=site,
                              rate_limits="off", embed_origins=(origin,),
                              extra={"store": "memory"}))
    services_of(app).clock = lambda: TEST_NOW
    store = services_of(app).store
    store.sync_items([make_item("poll", id="p", question="Which roast for the winter box?",
                                options=["light", "dark"], results="always")])
    servers = [ThreadingHTTPServer(("127.0.0.1", shop_port), _shop(engage)),
               make_server("127.0.0.1", engage_port, app, threaded=True)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"origin": origin, "store": store}
    for server in servers:
        server.shutdown()
        server.server_close()
    store.close()


@pytest.mark.parametrize("path", ["/de.html", "/en.html"])
def test_an_embed_on_a_german_page_votes_in_german(browser, shop, path):
    context = browser.new_context()  # a new reader each time (the embed's token)
    page = context.new_page()
    before = shop["store"].tally("p").total
    page.goto(shop["origin"] + path)
    poll = page.locator("valuehub-poll")
    expect(poll.get_by_text("Welche Röstung für die Winterbox?")).to_be_visible()
    poll.get_by_label("Dunkel").check()
    poll.get_by_role("button", name="Abstimmen").click()
    expect(poll.get_by_role("status")).to_contain_text("Danke, deine Stimme ist gezählt.")
    expect(poll.get_by_role("table")).to_contain_text("Antwort")
    assert shop["store"].tally("p").total == before + 1
    context.close()
