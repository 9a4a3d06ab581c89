"""Presenters take what they need as arguments (a :class:`Reader`): no request, no Flask.

The same views the API sends are built here straight from a store, a time and a voter, which
is what lets a script, a job or a test show an item as a reader sees it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pollserver.presenters.polls import poll_view
from pollserver.presenters.surveys import survey_view
from pollserver.store.memory import MemoryStore
from pollserver.web.services import Reader
from tests.conftest import make_item

AT = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _store() -> MemoryStore:
    store = MemoryStore()
    store.sync_items([
        make_item("poll", id="p", question="Which?", options=["Red", "Blue"],
                  results="after-vote", closes=AT + timedelta(days=1)),
        make_item("survey", id="s")])
    store.record_vote("p", "v1", ["blue"], replace=False, at=AT)
    for n in range(3):
        store.add_response("s", voter_id=f"other{n}", score=n, category="detractor",
                           comment="", consent_to_quote=False, at=AT)
    store.add_response("s", voter_id="v1", score=9, category="promoter", comment="Nice",
                       consent_to_quote=True, at=AT)
    return store


def test_a_poll_as_its_voter_and_as_a_stranger_sees_it() -> None:
    store = _store()
    mine = Reader(store=store, at=AT, voter="v1")
    item, spec = mine.load("poll", "p")
    view = poll_view(mine, item, spec)
    assert view["my_vote"] == ["blue"] and view["results"]["counts"] == {"red": 0, "blue": 1}
    stranger = poll_view(Reader(store=store, at=AT), item, spec)
    assert stranger["my_vote"] is None and stranger["results"] is None  # after-vote
    closed = poll_view(Reader(store=store, at=AT + timedelta(days=2)), item, spec)
    assert closed["state"] == "closed" and closed["results"]["counts"]["blue"] == 1


def test_a_survey_shows_the_reader_s_own_answer_only() -> None:
    store = _store()
    item, spec = Reader(store=store, at=AT).load("survey", "s")
    mine = survey_view(Reader(store=store, at=AT, voter="v1"), item, spec)
    assert mine["my_response"]["score"] == 9 and mine["my_response"]["comment"] == "Nice"
    assert survey_view(Reader(store=store, at=AT, voter="v2"), item, spec)["my_response"] is None


def test_the_survey_view_asks_the_store_for_one_answer(monkeypatch) -> None:
    store = _store()
    item, spec = Reader(store=store, at=AT).load("survey", "s")

    def no_scan(survey_id: str) -> list:
        raise AssertionError("the survey view read every answer")

    monkeypatch.setattr(store, "list_responses", no_scan)
    assert survey_view(Reader(store=store, at=AT, voter="v1"), item, spec)["my_response"]
