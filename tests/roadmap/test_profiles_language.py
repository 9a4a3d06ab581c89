"""A champion's badges in the reader's language (the rules' words come from the catalogue)."""

from __future__ import annotations

from datetime import timedelta

from pollserver.domain.profiles import BADGES
from tests.roadmap.conftest import AT


def test_a_german_reader_sees_the_badges_in_german(store, jam, client):
    idea = store.add_idea("build-next", title="Winner one", body="", author="Marta",
                          voter_id=None, moderation="published", at=AT + timedelta(days=1))
    store.update_idea(idea.id, winner=True)
    german = client.get("/champions/marta", headers={"Accept-Language": "de"}).get_data(True)
    assert "Erste Idee" in german and "Erster Gewinn" in german
    assert "hatte eine Idee, die gewonnen hat" in german
    assert "First idea" not in german and "First winner" not in german
    english = client.get("/champions/marta").get_data(as_text=True)
    assert "First idea" in english and "Erste Idee" not in english


def test_every_badge_has_german_words(app):
    from pollserver.domain.catalogues import gettext, speaking

    with speaking("de"):
        for _key, label, rule in BADGES:
            assert gettext(label) != label and gettext(rule) != rule
