"""Mails in the language the follower used when following (stored with the follow)."""

from __future__ import annotations

from datetime import timedelta

from pollserver.actions import follows
from pollserver.web.context import services_of
from tests.conftest import ORIGIN
from tests.mail.conftest import html_of, text_of
from tests.mail.helpers import Clock, arrange, confirm_link, mark_planned, sender


def _follow(client, email: str, idea_id: str, **how: object) -> None:
    data = {"kind": "idea", "id": idea_id, "jam": "j", "email": email}
    headers = {"Origin": ORIGIN}
    if "lang" in how:
        data["lang"] = str(how["lang"])
    if "referer" in how:
        headers["Referer"] = str(how["referer"])
    response = client.post("/api/follows", data=data, headers=headers)
    assert response.status_code == 303


def test_a_follower_who_followed_from_the_german_page_gets_german_mail(app, client,
                                                                       smtp_server):
    url, inbox = smtp_server
    store = services_of(app).store
    idea = arrange(store)
    _follow(client, "de@example.org", idea, referer="http://localhost/de/news/j.html")
    _follow(client, "form@example.org", idea, lang="de")
    _follow(client, "en@example.org", idea, referer="http://localhost/news/j.html")
    clock = Clock(services_of(app).clock())
    run = sender(store, url, clock)
    assert run.run_once() == 3
    german = inbox.to("de@example.org")[0]
    assert german["Subject"] == ("Hub: bitte bestätigen: eine Idee in \u201cBetter app\u201d"
                                 " verfolgen")
    assert "Jemand (hoffentlich du)" in text_of(german)
    assert inbox.to("form@example.org")[0]["Subject"].startswith("Hub: bitte bestätigen")
    assert inbox.to("en@example.org")[0]["Subject"].startswith("Hub: please confirm: follow")
    for address in ("de@example.org", "en@example.org"):
        follows.confirm(store, confirm_link(inbox.to(address)[0]).rsplit("/", 1)[1], at=clock.now)

    clock.now += timedelta(minutes=1)
    mark_planned(store, idea, note="Kommt im Mai", at=clock.now)
    assert run.run_once() == 2
    [news] = inbox.to("de@example.org")[1:]
    assert news["Subject"].startswith("Hub: \u201cDark mode\u201d ist jetzt ")
    assert "Die Redaktion schreibt: Kommt im Mai" in text_of(news)
    assert "Ein Klick beendet diese Mails" in text_of(news)
    assert "Hier ansehen" in text_of(news) and "Du bekommst diese Mail" in html_of(news)
    [english] = inbox.to("en@example.org")[1:]
    assert "is now" in english["Subject"] and "because you asked" in text_of(english)
