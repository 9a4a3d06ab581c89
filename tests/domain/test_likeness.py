"""Duplicate hints by letters as well as words: typos, joined words, inflections."""

from __future__ import annotations

from pollserver.domain import jams
from pollserver.domain.likeness import normalise, trigram_similarity, trigrams
from tests.domain.test_jams import idea


def test_normalise_and_trigrams() -> None:
    assert normalise("  Café-REFILL, pouches!! ") == "cafe refill pouches"
    assert trigrams("Ab") == {"  a", " ab", "ab "}
    assert trigram_similarity(trigrams("refill"), trigrams("refill")) == 1.0
    assert trigram_similarity(trigrams(""), trigrams("x")) == 0.0


def test_a_typo_or_a_joined_word_still_finds_the_duplicate() -> None:
    ideas = [idea("1", "Refill pouches for coffee"), idea("2", "Dark mode for the app"),
             idea("3", "Saturday delivery")]
    assert [i.id for i in jams.similar_ideas("refil pouchs coffe", ideas)] == ["1"]
    assert [i.id for i in jams.similar_ideas("Darkmode for the apps", ideas)] == ["2"]
    assert jams.similar_ideas("Evening tasting events", ideas) == []


def test_closer_ideas_rank_first() -> None:
    ideas = [idea("1", "Refill station in the shop"), idea("2", "Refill pouches for beans")]
    assert [i.id for i in jams.similar_ideas("Refill pouches for bean", ideas)][0] == "2"
