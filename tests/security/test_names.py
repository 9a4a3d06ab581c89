"""Invisible characters and look-alike names (issue 24 item 9).

Titles and display names lose Unicode format characters (Cf: zero-width, bidi controls), a
display name is NFKC-folded, and a name that would pass for an existing champion's on a row
of its own (a Cyrillic "М" in "Мarta R.") is refused with 400 naming ``author``.
"""

from __future__ import annotations

import pytest

from pollserver.actions.names import confusable_with, skeleton
from pollserver.domain.jams import validate_idea
from pollserver.domain.text import clean_name, without_format_characters
from tests.conftest import make_item
from tests.instant import TEST_NOW

JAM = "j"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202d\u202e\u2066\u2067\u2069\u061c"


@pytest.fixture
def jam(store):
    store.sync_items([make_item("jam", id=JAM, title="Ideas", votes_per_person=3)])
    store.add_idea(JAM, title="Refill pouches", body="", author="Marta R.", voter_id="marta",
                   moderation="published", at=TEST_NOW)
    return store


def submit(voter, title: str, author: str):
    return voter.post(f"/api/jams/{JAM}/ideas", json={"title": title, "body": "",
                                                      "author": author})


def test_every_format_character_is_stripped_from_titles_and_names():
    assert without_format_characters(f"a{INVISIBLE}b") == "ab"
    idea = validate_idea(f"Dark{INVISIBLE} mode", "", f"{INVISIBLE}Ann{INVISIBLE}")
    assert (idea.title, idea.author) == ("Dark mode", "Ann")
    # A body keeps them (a joiner inside an emoji sequence, right-to-left text).
    assert validate_idea("Dark mode", "a\u200db", None).body == "a\u200db"


def test_a_name_of_format_characters_only_is_no_name():
    assert validate_idea("Dark mode", "", INVISIBLE).author is None


def test_an_invisible_twin_joins_the_real_row_instead_of_making_a_second(jam, voter, client):
    response = submit(voter, "Another\u200b idea\u202e", "Marta R.\u200b")
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = [(i.title, i.author) for i in jam.list_ideas(JAM)]
    assert ("Another idea", "Marta R.") in stored
    board = client.get("/api/champions").get_json()
    rows = board["champions"] if isinstance(board, dict) else board
    assert [row["name"] for row in rows] == ["Marta R."]


@pytest.mark.parametrize("name", [
    "\u041carta R.",        # Cyrillic capital EM
    "M\u0430rta R.",        # Cyrillic small A
    "\u039carta R.",        # Greek capital MU
    "\u216Farta R.",        # Roman numeral one thousand (NFKC: M)
    "\uff2d\uff41\uff52\uff54\uff41 \uff32.\u200b",  # full width, then folded by NFKC
])
def test_a_look_alike_of_a_champion_is_refused_or_folded_into_the_same_name(jam, voter, name):
    response = submit(voter, "An impostor's idea", name)
    if clean_name(name) == "Marta R.":  # folded into the very name: the same row
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["field"] == "author"
    assert "Marta R." in error["message"]
    assert [i.author for i in jam.list_ideas(JAM)] == ["Marta R."]


@pytest.mark.parametrize("name", ["Marta R.", "marta r.", "Marta Rossi", "Mart R.",
                                  "\u041c\u0430\u0440\u0442\u0430", "Zo\u00eb", "Anna \u674e"])
def test_other_names_are_taken(jam, voter, name):
    assert submit(voter, f"An idea by {name}", name).status_code == 201


def test_skeletons():
    assert skeleton("\u041carta R.") == skeleton("Marta R.") == "marta r."
    assert skeleton("Marta R.\u200b") == "marta r."
    assert confusable_with("Marta R.", ["marta r."]) is None  # same name, same row
    assert confusable_with("M\u0430rta R.", ["Anna", "Marta R."]) == "Marta R."
    assert confusable_with("Marta S.", ["Marta R."]) is None
