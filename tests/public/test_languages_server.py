"""pollserver in the reader's language: server pages, API messages, no-JS forms, the frame.

The language comes from the page a request came from (a ``lang`` field or argument, a
``Referer`` under ``/de/``), then ``Accept-Language``, then ``POLLSERVER_LANGUAGE``; the
German words come from ``pollserver/translations/de``. A language or a string without a
translation shows the English text, never an error.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pollserver.config import Settings
from pollserver.domain.catalogues import gettext, speaking
from pollserver.web.context import services_of
from tests.conftest import ORIGIN, make_item
from tests.instant import TEST_NOW

GERMAN_PAGE = "http://localhost/de/pages/have-your-say.html"
SHELL = ('<!doctype html><html lang="{lang}"><title><!--pollserver:title--></title>'
         '<nav>{nav}</nav><main><!--pollserver:main--></main></html>')


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A built site with a German sub-site: its frame, its 404 and the manifest's texts."""
    site = tmp_path / "output"
    for prefix, lang, nav in (("", "en", "Home"), ("de/", "de", "Startseite")):
        (site / prefix / "engage").mkdir(parents=True, exist_ok=True)
        (site / prefix / "engage/shell.html").write_text(SHELL.format(lang=lang, nav=nav))
        (site / prefix / "404.html").write_text(f"<p>{nav}: 404</p>")
    manifest = {"version": 1, "jams": [{"id": "nur-de", "lang": "de"}], "surveys": [], "polls": [{
        "id": "p", "lang": "en", "url": "/pages/have-your-say.html",
        "texts": {"de": {"question": "Welche Farbe?", "url": "/de/pages/have-your-say.html",
                         "options": {"red": "Rot", "blue": "Blau"}}}}]}
    (site / "engage/manifest.json").write_text(json.dumps(manifest))
    return replace(settings, site_dir=site)


@pytest.fixture
def items(store):
    store.sync_items([make_item("jam", id="j", title="Better app", url="/news/j.html"),
                      make_item("poll", id="p", question="Which colour?",
                                options=["Red", "Blue"], url="/pages/have-your-say.html")])
    store.add_idea("j", title="Dark mode", body="Please", author="Ann", voter_id="v0",
                   moderation="published", at=TEST_NOW)


@pytest.mark.usefixtures("items")
@pytest.mark.parametrize("how", [{"headers": {"Referer": GERMAN_PAGE}},
                                 {"headers": {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}},
                                 {"query_string": {"lang": "de"}}])
def test_the_jam_page_speaks_german_when_the_reader_came_from_german(client, how):
    page = client.get("/jams/j", **how).get_data(as_text=True)
    assert '<html lang="de">' in page and "Startseite" in page  # the German frame
    assert "Teile deine Idee" in page and "Share your idea" not in page
    assert "Ideen (1)" in page and "0 Stimmen" in page
    # Its own links and forms keep the language for the next request.
    assert "?sort=new&amp;lang=de" in page
    assert '<input type="hidden" name="lang" value="de">' in page


@pytest.mark.usefixtures("items")
def test_english_is_the_default_and_an_unknown_language_falls_back_to_it(client):
    for headers in ({}, {"Accept-Language": "fr-FR,fr;q=0.9"}, {"Referer": "http://x/fr/a.html"}):
        response = client.get("/jams/j", headers=headers)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert '<html lang="en">' in page and "Share your idea" in page
        assert "lang=de" not in page and "Teile deine Idee" not in page
    # A string the German catalogue lacks shows its English text, without an error.
    with speaking("de"):
        assert gettext("A sentence no catalogue has.") == "A sentence no catalogue has."
        assert gettext("Vote") == "Abstimmen"
    with speaking("fr"):
        assert gettext("Vote") == "Vote"


def test_me_champions_follow_pages_and_404_in_german(client):
    german = {"Accept-Language": "de"}
    assert "Was wir über diesen Browser speichern" not in client.get("/me").get_data(True)
    me = client.get("/me", headers=german).get_data(as_text=True)
    assert "Deine Daten" in me and "keine Quittung" in me
    assert "Ideen-Champions" in client.get("/champions", headers=german).get_data(True)
    gone = client.get("/follows/confirm/nope", headers=german)
    assert gone.status_code == 410 and "Dieser Link funktioniert nicht mehr" in gone.get_data(True)
    missing = client.get("/jams/nope", headers=german)
    assert missing.status_code == 404 and "Startseite: 404" in missing.get_data(as_text=True)
    assert "Home: 404" in client.get("/jams/nope").get_data(as_text=True)


@pytest.mark.usefixtures("items")
def test_api_messages_are_localised_beside_the_same_code(client):
    def vote(headers):
        return client.post("/api/polls/p/vote", json={"choices": ["red"]},
                           headers={"Origin": ORIGIN, **headers})

    assert vote({"Accept-Language": "de"}).status_code == 200
    german = vote({"Accept-Language": "de"}).get_json()["error"]
    english = vote({}).get_json()["error"]
    assert german["code"] == english["code"] == "already_voted"
    assert english["message"] == "You have already voted in this poll."
    assert german["message"] == "Du hast in dieser Umfrage schon abgestimmt."
    # A message with a value in it falls back to its code's general wording in German.
    missing = client.get("/api/polls/nope", headers={"Accept-Language": "de"}).get_json()
    assert missing["error"]["code"] == "not_found"
    assert missing["error"]["message"] == "Unter dieser Adresse gibt es nichts."


@pytest.mark.usefixtures("items")
def test_a_shared_poll_counts_once_per_voter_whichever_language_they_vote_in(app, client):
    first = client.post("/api/polls/p/vote", json={"choices": ["red"]},
                        headers={"Origin": ORIGIN, "Referer": GERMAN_PAGE})
    assert first.status_code == 200
    again = client.post("/api/polls/p/vote", json={"choices": ["blue"]},
                        headers={"Origin": ORIGIN, "Referer": "http://localhost/pages/x.html"})
    assert again.get_json()["error"]["code"] == "already_voted"
    other = app.test_client()
    assert other.post("/api/polls/p/vote", json={"choices": ["red"]},
                      headers={"Origin": ORIGIN}).status_code == 200
    tally = services_of(app).store.tally("p")
    assert tally.total == 2 and tally.counts.get("red") == 2 and not tally.counts.get("blue")


@pytest.mark.usefixtures("items")
def test_a_no_js_form_from_the_german_page_goes_back_to_the_german_page(client):
    response = client.post("/api/polls/p/vote", data={"choices": ["red"], "lang": "de"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/de/pages/have-your-say.html#poll-p")
    refused = client.post("/api/polls/p/vote", data={"choices": ["red"]},
                          headers={"Origin": ORIGIN, "Referer": GERMAN_PAGE})
    assert refused.headers["Location"].endswith("/de/pages/have-your-say.html#poll-p")
    english = client.post("/api/polls/p/vote", data={"choices": ["red"]},
                          headers={"Origin": ORIGIN})
    assert english.headers["Location"].endswith("/pages/have-your-say.html#poll-p")
    assert "/de/" not in english.headers["Location"]


@pytest.mark.usefixtures("items")
def test_the_poll_api_words_the_poll_in_the_readers_language_with_the_same_keys(client):
    german = client.get("/api/polls/p", headers={"Accept-Language": "de"}).get_json()
    english = client.get("/api/polls/p").get_json()
    assert german["question"] == "Welche Farbe?" and english["question"] == "Which colour?"
    assert [(o["key"], o["label"]) for o in german["options"]] == [("red", "Rot"),
                                                                   ("blue", "Blau")]
    assert [o["key"] for o in english["options"]] == ["red", "blue"]
    assert english["options"][0]["label"] == "Red"


@pytest.mark.usefixtures("items")
def test_a_no_js_jam_vote_from_the_german_page_says_so_in_german_on_the_german_page(client):
    page = client.get("/jams/j", headers={"Referer": GERMAN_PAGE}).get_data(as_text=True)
    assert 'name="next" value="/jams/j?sort=top&amp;lang=de"' in page
    response = client.post("/api/jams/j/ideas/1/vote",
                           data={"next": "/jams/j?sort=top&lang=de", "lang": "de"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    back = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Danke, deine Stimme zählt." in back and "Du hast für diese Idee gestimmt." in back


def test_a_jam_written_only_in_german_has_a_german_page_whatever_the_browser_says(client,
                                                                                  store):
    store.sync_items([make_item("jam", id="nur-de", title="Neue Sorten", url="/de/news/n.html")])
    page = client.get("/jams/nur-de", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="de">' in page and "Teile deine Idee" in page


def test_the_page_for_a_failure_is_in_the_readers_language(app):
    def broken() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    client = app.test_client()
    german = client.get("/broken-for-test", headers={"Accept-Language": "de"})
    assert german.status_code == 500
    assert '<html lang="de">' in german.get_data(as_text=True)
    assert "Bei uns ist etwas schiefgegangen." in german.get_data(as_text=True)
    english = client.get("/broken-for-test").get_data(as_text=True)
    assert '<html lang="en">' in english and "Something went wrong on our side." in english


@pytest.mark.usefixtures("items")
def test_choosing_the_language_never_reads_a_body_too_large_to_read(client):
    response = client.post("/api/polls/p/vote", data={"choices": "x" * 40_000, "lang": "de"},
                           headers={"Origin": ORIGIN, "Accept-Language": "de"})
    assert response.status_code == 413
    assert response.get_json()["error"] == {"code": "too_large",
                                            "message": "Die Anfrage ist zu groß."}
