"""Survey rules: categories, score and comment validation, NPS maths, trend, invitation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pollserver.domain.errors import BadRequest
from pollserver.domain.kinds import parse_spec
from pollserver.domain.surveys import (
    category_of,
    clean_comment,
    invite,
    nps,
    parse_consent,
    parse_score,
    trend,
)

SPEC = parse_spec("survey", {
    "id": "nps", "share_text": "Tallowmere is great",
    "review_links": [{"name": "Trustpilot", "url": "https://trustpilot.example/r"},
                     {"name": "Google", "url": "https://g.example/r"}],
    "support_url": "/support/help.html",
})


@pytest.mark.parametrize("score, expected", [
    (0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"),
    (9, "promoter"), (10, "promoter"),
])
def test_category_boundaries(score, expected):
    assert category_of(score) == expected


@pytest.mark.parametrize("value, expected", [(0, 0), (10, 10), ("7", 7), (" 9 ", 9)])
def test_score_accepts_integers_and_form_text(value, expected):
    assert parse_score(value) == expected


@pytest.mark.parametrize("value", [-1, 11, 7.5, 7.0, "7.5", "seven", "", None, True, [7], "-1"])
def test_score_rejects_everything_else(value):
    with pytest.raises(BadRequest) as caught:
        parse_score(value)
    assert caught.value.field == "score" and caught.value.status == 400


def test_comment_limit():
    assert clean_comment(None) == ""
    assert clean_comment("  fine ") == "fine"
    assert len(clean_comment("x" * 2000)) == 2000
    with pytest.raises(BadRequest):
        clean_comment("x" * 2001)
    with pytest.raises(BadRequest):
        clean_comment(5)


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("true", True), ("on", True), (None, False), ("", False),
])
def test_consent(value, expected):
    assert parse_consent(value) is expected


def test_nps_none_without_answers():
    result = nps([])
    assert result.score is None and result.total == 0


@pytest.mark.parametrize("scores, expected", [
    ([10], 100),
    ([0], -100),
    ([7, 8], 0),
    ([10, 0], 0),
    ([10, 10, 0, 8], 25),
    ([9, 7, 7], 33),          # 33.33 -> 33
    ([9, 9, 7], 67),          # 66.67 -> 67
    ([9, 7, 7, 7, 7, 7, 7, 7], 13),   # 12.5 -> 13 (half away from zero)
    ([0, 7, 7, 7, 7, 7, 7, 7], -13),  # -12.5 -> -13
])
def test_nps_maths(scores, expected):
    assert nps(scores).score == expected


def test_nps_counts():
    result = nps([10, 9, 8, 7, 6, 0])
    assert (result.promoters, result.passives, result.detractors, result.total) == (2, 2, 2, 6)
    assert result.as_dict()["nps"] == 0


def test_trend_is_a_rolling_30_day_window():
    end = date(2026, 3, 31)
    at = lambda d: datetime(d.year, d.month, d.day, 12, tzinfo=UTC)  # noqa: E731
    answers = [(at(end - timedelta(days=40)), 0), (at(end - timedelta(days=5)), 10)]
    points = trend(answers, end)
    assert len(points) == 30 and points[-1].day == end and points[0].day == end - timedelta(29)
    assert points[-1].nps.score == 100      # the old detractor fell out of the window
    assert points[-6].nps.score == 100      # day of the promoter's answer
    assert points[-7].nps.total == 0 and points[-7].nps.score is None
    assert points[0].nps.score == -100      # day 1 (29 days back) still sees the 40-day-old one
    assert trend([(at(end - timedelta(days=40)), 0)], end - timedelta(days=20))[-1].nps.total == 1


def test_invite_review_links_identical_for_all_scores():
    invites = [invite(SPEC, category_of(s), comment="c", consent_to_quote=True,
                      page_url="https://hub.example/a.html") for s in range(11)]
    links = [i["review_links"] for i in invites]
    assert all(found == links[0] for found in links)
    assert links[0] == [{"name": "Trustpilot", "url": "https://trustpilot.example/r"},
                        {"name": "Google", "url": "https://g.example/r"}]
    assert all("reward" not in i for i in invites)


def test_share_only_for_promoters_with_own_words_only_on_consent():
    url = "https://hub.example/a.html"
    quoted = invite(SPEC, "promoter", comment="Love the soap", consent_to_quote=True,
                    page_url=url)["share"]
    assert quoted["text"] == "Love the soap"
    assert [link["name"] for link in quoted["links"]] == ["Email", "Mastodon", "LinkedIn", "X"]
    assert all("Love%20the%20soap" in link["url"] for link in quoted["links"]
               if link["name"] != "LinkedIn")
    private = invite(SPEC, "promoter", comment="Love the soap", consent_to_quote=False,
                     page_url=url)["share"]
    assert private["text"] == "Tallowmere is great"
    assert all("soap" not in link["url"] for link in private["links"])
    for category in ("passive", "detractor"):
        assert invite(SPEC, category, comment="x", consent_to_quote=True,
                      page_url=url)["share"] is None


def test_support_link_for_detractors_only():
    assert invite(SPEC, "detractor", comment="", consent_to_quote=False,
                  page_url="/")["support_url"] == "/support/help.html"
    for category in ("promoter", "passive"):
        assert invite(SPEC, category, comment="", consent_to_quote=False,
                      page_url="/")["support_url"] is None
