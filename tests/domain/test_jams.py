"""Jam rules: phases, idea validation, similar titles, ordering, budgets, winners, champions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pollserver.domain import jams
from pollserver.domain.errors import BadRequest, Conflict, ItemClosed, ItemNotOpen
from pollserver.domain.points import VOTER_CAP, Facts
from pollserver.domain.records import Idea
from pollserver.domain.specs import JamSpec

T0 = datetime(2026, 11, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def spec(**kwargs) -> JamSpec:
    return JamSpec(id="j", title="Jam", **kwargs)


def idea(id: str, title: str = "An idea", votes: int = 0, author: str | None = "Ann",
         moderation: str = "published", status: str = "open", winner: bool = False,
         at: datetime = T0) -> Idea:
    return Idea(id=id, jam_id="j", title=title, body="", author=author, voter_id=None,
                created_at=at, moderation=moderation, status=status, winner=winner,
                votes=votes)


SEPARATE = spec(submit_from=T0, vote_from=T0 + 10 * DAY, closes=T0 + 20 * DAY)
COMBINED = spec(submit_from=T0, closes=T0 + 20 * DAY)


@pytest.mark.parametrize("jam, at, expected", [
    (SEPARATE, T0 - DAY, ("submit", False, False, True)),
    (SEPARATE, T0, ("submit", True, False, False)),
    (SEPARATE, T0 + 10 * DAY, ("vote", False, True, False)),
    (SEPARATE, T0 + 20 * DAY, ("closed", False, False, False)),
    (COMBINED, T0 - DAY, ("submit", False, False, True)),
    (COMBINED, T0 + DAY, ("submit", True, True, False)),
    (COMBINED, T0 + 21 * DAY, ("closed", False, False, False)),
    (spec(), T0, ("submit", True, True, False)),
])
def test_phase_rule(jam, at, expected):
    state = jams.jam_state(jam, None, at)
    assert (state.phase, state.submit_open, state.vote_open, state.not_started) == expected


def test_early_close_and_archive_win_over_dates():
    assert jams.jam_state(COMBINED, T0 + DAY, T0 + 2 * DAY).phase == "closed"
    assert jams.jam_state(COMBINED, T0 + 3 * DAY, T0 + 2 * DAY).phase == "submit"
    assert jams.jam_state(COMBINED, None, T0 + DAY, archived=True).phase == "closed"


@pytest.mark.parametrize("at, submit_error, vote_error", [
    (T0 - DAY, ItemNotOpen, ItemNotOpen),
    (T0 + DAY, None, ItemNotOpen),
    (T0 + 11 * DAY, ItemClosed, None),
    (T0 + 30 * DAY, ItemClosed, ItemClosed),
])
def test_submit_and_vote_checks(at, submit_error, vote_error):
    state = jams.jam_state(SEPARATE, None, at)
    for check, error in ((jams.check_can_submit, submit_error),
                         (jams.check_can_vote, vote_error)):
        if error is None:
            check(state)
        else:
            with pytest.raises(error):
                check(state)


def test_validate_idea_cleans_fields():
    clean = jams.validate_idea("  Refill   pouches ", "Less\r\nwaste", "  Marta  ")
    assert clean == jams.IdeaInput("Refill pouches", "Less\nwaste", "Marta")
    assert jams.validate_idea("Four", "", "").author is None
    assert jams.validate_idea("Four", None, None).body == ""


@pytest.mark.parametrize("title, body, author, field", [
    ("Refill pouches \x00", "", None, "title"),
    ("Refill pouches", "\ud800", None, "body"),
    ("Refill pouches", "", "Ann\x1b", "author"),
    ("abc", "", None, "title"),
    ("    ab    ", "", None, "title"),
    ("x" * 121, "", None, "title"),
    (None, "", None, "title"),
    (42, "", None, "title"),
    ("Good title", "x" * 2001, None, "body"),
    ("Good title", ["list"], None, "body"),
    ("Good title", "", "y" * 61, "author"),
])
def test_validate_idea_names_the_bad_field(title, body, author, field):
    with pytest.raises(BadRequest) as caught:
        jams.validate_idea(title, body, author)
    assert caught.value.field == field and caught.value.status == 400


def test_limits_are_inclusive():
    assert jams.validate_idea("x" * 120, "y" * 2000, "z" * 60).title == "x" * 120


def test_title_words_drop_stopwords_case_and_accents():
    assert jams.title_words("Please add the Café REFILL pouches!") == {"cafe", "refill", "pouch"}


def test_similar_titles():
    ideas = [idea("1", "Refill pouches for coffee"), idea("2", "Saturday delivery"),
             idea("3", "Compostable refill pouches", moderation="pending"),
             idea("4", "Refill pouch subscription", status="merged"),
             idea("5", "Cheaper refill pouches", votes=3)]
    found = jams.similar_ideas("We should sell refill pouches", ideas)
    assert [i.id for i in found] == ["5", "1"]
    assert jams.similar_ideas("Evening events", ideas) == []
    assert jams.similar_ideas("the and of", ideas) == []


def test_sorting():
    ideas = [idea("1", votes=2, at=T0), idea("2", votes=5, at=T0 + DAY),
             idea("3", votes=2, at=T0 - DAY), idea("4", votes=0, at=T0 + 2 * DAY)]
    assert [i.id for i in jams.sort_ideas(ideas, "top")] == ["2", "3", "1", "4"]
    assert [i.id for i in jams.sort_ideas(ideas, "new")] == ["4", "2", "1", "3"]
    with pytest.raises(BadRequest):
        jams.sort_ideas(ideas, "random")


def test_votes_left_budget():
    assert jams.votes_left(3, 0) == 3
    assert jams.votes_left(3, 3) == 0
    assert jams.votes_left(3, 5) == 0
    assert jams.votes_left(0, 40) is None


def test_winners_at_most_max_and_published():
    ideas = {i.id: i for i in [idea("1"), idea("2"), idea("3"),
                               idea("4", moderation="pending"), idea("5", status="merged")]}
    two = spec(max_winners=2)
    assert jams.check_winners(two, ideas, ["2", "1", "2"]) == ["2", "1"]
    assert jams.check_winners(two, ideas, []) == []
    with pytest.raises(BadRequest):
        jams.check_winners(two, ideas, ["1", "2", "3"])
    with pytest.raises(BadRequest):
        jams.check_winners(two, ideas, ["99"])
    for bad in ("4", "5"):
        with pytest.raises(Conflict):
            jams.check_winners(two, ideas, [bad])


def test_champion_points():
    """Points only from what others did: distinct voters' votes, wins, editors' statuses."""
    voters = {"1": {"a", "b", "c", "d"}, "2": {"a"}, "3": {f"v{n}" for n in range(9)},
              "6": {"x", "y", "z"}}
    board = jams.champions([
        idea("1", author="Marta", votes=4, winner=True),
        idea("2", author="marta ", votes=1),
        idea("3", author="Devon", votes=9),
        idea("4", author=None, votes=50, winner=True),
        idea("5", author="Devon", moderation="pending"),
        idea("6", author="Devon", moderation="hidden", votes=3),
        idea("7", author="Sam", status="merged", votes=0),
        idea("8", author="Sam", status="planned"),
    ], facts=Facts.default(voters))
    assert [c.as_dict() for c in board] == [
        {"name": "Marta", "points": 5 + 5, "ideas": 2, "votes_received": 5, "wins": 1},
        {"name": "Devon", "points": 9, "ideas": 1, "votes_received": 9, "wins": 0},
        {"name": "Sam", "points": 3, "ideas": 2, "votes_received": 0, "wins": 0},
    ]


def test_spammed_ideas_earn_nothing():
    spam = [idea(str(n), author="Spammer") for n in range(30)]
    own = Facts.default({str(n): {"spammer-cookie"} for n in range(30)})
    spam = [replace(i, voter_id="spammer-cookie") for i in spam]
    assert jams.champions(spam, facts=own)[0].points == 0


def test_one_voter_gives_one_author_at_most_the_cap():
    ideas = [idea(str(n), author="Ann") for n in range(10)]
    board = jams.champions(ideas, facts=Facts.default({str(n): {"fan"} for n in range(10)}))
    assert board[0].points == VOTER_CAP


def test_rejected_or_hidden_idea_takes_its_points_back():
    facts = Facts.default({"1": {"a", "b"}})
    won = idea("1", author="Ann", winner=True, status="done")
    assert jams.champions([won], facts=facts)[0].points == 2 + 5 + 3
    for state in ("rejected", "hidden"):
        assert jams.champions([replace(won, moderation=state)], facts=facts) == []


def test_champion_ties_break_by_wins_then_votes_then_name():
    board = jams.champions([idea("1", author="Bea", votes=5),
                            idea("2", author="Al", votes=0, winner=True),
                            idea("3", author="Cy", votes=5)])
    assert [c.name for c in board] == ["Al", "Bea", "Cy"]
