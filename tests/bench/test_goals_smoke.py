"""Smoke test of issue 17's goal benchmarks at tiny sizes: they start their servers, drive
them with wrk, read the answers and clean up. No timing assertions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import goals, sitegoals
from bench.servers import _live
from bench.wrk import have_wrk

pytestmark = pytest.mark.slow

TINY = {"seconds": 1.0, "warmup": 0.0, "rounds": 1, "connections": 4}


@pytest.fixture(autouse=True)
def _need_wrk() -> None:
    if not have_wrk():
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is required under CI (make bench installs it)")
        pytest.skip("wrk is not installed")


def test_vote_goal_runs_and_every_vote_is_stored(tmp_path: Path) -> None:
    result = goals.bench_vote(votes=100, logs=tmp_path, **TINY)
    assert not result.get("error") and not result.get("skipped")
    assert [r["errors"] for r in result["rows"]] == [0, 0]
    raw = result["raw"]
    assert raw["stored"] >= 100 + raw["pollserver"]["requests"]
    assert not _live, "a benchmark left a server running"


def test_jam_page_goal_reports_a_first_page(tmp_path: Path) -> None:
    result = goals.bench_jam_page(ideas=60, votes=300, logs=tmp_path, **TINY)
    assert not result.get("error") and not result.get("skipped")
    assert result["rows"][1]["value"] == result["raw"]["response_bytes"] > 0
    assert not _live


def test_build_goal_compares_with_plain_pelican(tmp_path: Path) -> None:
    result = sitegoals.bench_build(articles=3, logs=tmp_path)
    assert [r["value"] > 0 and r["baseline"] > 0 for r in result["rows"]] == [True, True]


def test_admin_goal_signs_in_and_measures_every_page(tmp_path: Path) -> None:
    from bench import admingoal

    result = admingoal.bench_admin(items=40, logs=tmp_path, **TINY)
    assert not result.get("error") and not result.get("skipped")
    assert len(result["rows"]) == len(admingoal.PAGES)
    assert all(str(r["value"]).startswith("HTTP") is False for r in result["rows"])
    assert not _live


def test_embed_goal_reports_size_or_missing_and_the_round_trip(tmp_path: Path) -> None:
    from bench import embedgoal

    result = embedgoal.bench_embed(samples=3, logs=tmp_path)
    size, trip = result["rows"]
    assert size["value"] == "missing" or size["value"] > 0
    assert trip["value"] > 0 and len(result["raw"]["round_trip_ms"]) == 3
    assert not _live
