"""Smoke test of the benchmarks: each one runs end to end at tiny sizes.

No timing assertions (the numbers of a shared machine mean nothing here); this only proves
the scripts start their servers, drive them, read the answers and clean up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import benches
from bench.servers import _live
from tests.ci import missing

pytestmark = pytest.mark.slow

TINY = {"seconds": 1.0, "warmup": 0.3, "rounds": 1, "connections": 4}


def _check(result: dict, name: str) -> None:
    assert result["name"] == name
    assert not result.get("error")
    if result.get("skipped"):
        missing(f"benchmark {name} skipped itself: {result['skipped']}")
    assert result["rows"]
    for row in result["rows"]:
        assert row["metric"] and row["value"] is not None
        assert row.get("errors", 0) == 0, row
    assert not _live, "a benchmark left a server running"


def test_polls_bench_runs(tmp_path: Path) -> None:
    result = benches.bench_polls(votes=200, logs=tmp_path, **TINY)
    _check(result, "polls")
    raw = result["raw"]
    assert raw["votes_at_start"] == 200
    # Every counted vote was stored (warm-up votes too, hence only a lower bound).
    assert raw["votes_at_end"] >= 200 + raw["pollserver_post"]["requests"]
    assert result["rows"][2]["value"] > 0  # RSS was read


def test_jams_bench_runs(tmp_path: Path) -> None:
    result = benches.bench_jams(ideas=20, votes=200, logs=tmp_path, **TINY)
    _check(result, "jams")


def test_postgres_bench_runs(tmp_path: Path) -> None:
    if benches.find_pgbench() is None:
        missing("pgbench is not installed")
    result = benches.bench_postgres(pgbench_seconds=1, logs=tmp_path, **TINY)
    _check(result, "postgres")
    assert result["raw"]["stored_votes"] >= result["raw"]["pollserver"]["requests"]


def test_soak_runs_and_its_ledger_is_exact(tmp_path: Path) -> None:
    from bench.soak import Soak

    result = Soak("tinydb", minutes=0.25, clients=3, work=tmp_path, kill_every=5.0).run()
    assert result["kills"] >= 1
    assert result["acknowledged_writes"] > 0 and result["requests"] > 0
    assert result["ledger"] == "exact"
    assert not _live, "the soak left a server running"
