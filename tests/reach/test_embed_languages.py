"""The embeds and the newsletter's confirm page speak the page's language: the iframe page
and the confirm page through the server's catalogues (``lang``, the host page's ``Referer``,
``Accept-Language``), the custom elements through the build's widget catalogue."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pollserver.config import Settings
from tests.conftest import make_item

GERMAN_HOST = "http://localhost/de/news/roast.html"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A built site whose manifest has the poll's German words, and its widget catalogue."""
    site = tmp_path / "output"
    (site / "engage" / "i18n").mkdir(parents=True)
    (site / "engage" / "i18n" / "de.json").write_text('{"lang": "de", "messages": {}}')
    manifest = {"version": 1, "jams": [], "surveys": [], "polls": [{
        "id": "p", "lang": "en", "url": "/news/roast.html",
        "texts": {"de": {"question": "Welcher Tag?", "url": "/de/news/roast.html",
                         "options": {"monday": "Montag", "friday": "Freitag"}}}}]}
    (site / "engage" / "manifest.json").write_text(json.dumps(manifest))
    return replace(settings, site_dir=site)


@pytest.fixture
def poll(store) -> str:
    store.sync_items([make_item("poll", id="p", question="Which day?",
                                options=["Monday", "Friday"], results="always")])
    return "p"


@pytest.mark.usefixtures("poll")
@pytest.mark.parametrize("how", [{"headers": {"Referer": GERMAN_HOST}},
                                 {"headers": {"Accept-Language": "de"}},
                                 {"query_string": {"lang": "de"}}])
def test_the_iframe_page_speaks_the_host_pages_language(client, how):
    page = client.get("/embed/poll/p", **how).get_data(as_text=True)
    assert '<html lang="de">' in page and 'lang="de">' in page  # the page and its element
    assert "Welcher Tag?" in page and "Montag" in page and "Freitag" in page
    assert ">Abstimmen<" in page and "0 Personen haben abgestimmt" in page
    english = client.get("/embed/poll/p").get_data(as_text=True)
    assert '<html lang="en">' in english and "Which day?" in english and ">Vote<" in english
    assert "0 people voted" in english


@pytest.mark.usefixtures("poll")
def test_the_iframes_no_js_form_answers_in_german(client):
    page = client.get("/embed/poll/p", headers={"Referer": GERMAN_HOST}).get_data(True)
    assert '<input type="hidden" name="lang" value="de">' in page
    origin = {"Origin": "http://localhost"}
    done = client.post("/embed/poll/p", data={"choices": "monday", "lang": "de"}, headers=origin)
    assert "Danke, deine Stimme ist gezählt." in done.get_data(as_text=True)
    again = client.post("/embed/poll/p", data={"choices": "friday", "lang": "de"}, headers=origin)
    assert again.status_code == 409
    assert "Du hast in dieser Umfrage schon abgestimmt." in again.get_data(as_text=True)


@pytest.mark.usefixtures("poll")
def test_the_newsletter_confirm_page_speaks_the_readers_language(client):
    english = client.get("/vote/poll/p?choice=monday").get_data(as_text=True)
    assert "Confirm my vote" in english and "Which day?" in english
    assert 'name="lang"' not in english
    german = client.get("/vote/poll/p?choice=monday&lang=de").get_data(as_text=True)
    assert '<html lang="de">' in german and "Welcher Tag?" in german and "Montag" in german
    assert "Meine Stimme bestätigen" in german and "Deine Antwort" in german
    assert '<input type="hidden" name="lang" value="de">' in german
    done = client.post("/vote/poll/p", data={"choices": "monday", "lang": "de"},
                       headers={"Origin": "http://localhost"}).get_data(as_text=True)
    assert "Danke, deine Stimme ist gezählt." in done and "Deine Stimme: Montag" in done


def test_the_widget_catalogue_is_readable_from_any_origin(client):
    response = client.get("/engage/i18n/de.json", headers={"Origin": "http://127.0.0.1:9"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    response.close()



def test_a_german_newsletter_block_has_german_words_and_german_confirm_links(store, client):
    from pollserver.domain.records import Item
    from pollserver.ops.newsletter import newsletter_html
    from pollserver.web import po  # noqa: F401 - the catalogues for `speaking`

    poll = make_item("poll", id="p", question="Which day?", options=["Monday", "Friday"])
    spec = {**poll.spec, "texts": {"de": {"question": "Welcher Tag?",
                                          "options": {"monday": "Montag"}}}}
    store.sync_items([Item(kind="poll", id="p", spec=spec, source=poll.source, url=poll.url)])
    german = newsletter_html(store, "https://hub.example", "p", "*|UNIQID|*", "de")
    assert "Welcher Tag?" in german and ">Montag</a>" in german and ">Friday</a>" in german
    assert "/vote/poll/p?choice=monday&amp;lang=de&amp;r=*|UNIQID|*" in german
    assert "Du bestätigst deine Stimme" in german
    english = newsletter_html(store, "https://hub.example", "p")
    assert "Which day?" in english and "lang=" not in english
    assert "You confirm your vote on the page the link opens." in english
