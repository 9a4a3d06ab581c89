"""PostgreSQL-specific checks: migrations, schema isolation, and several writer processes.

The shared behaviour of every backend is in the contract tests; these cover what only a
multi-process backend can get wrong. Each test works in a fresh PostgreSQL schema that is
dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.ci import require_module

psycopg = require_module("psycopg")

from pollserver.domain.errors import (  # noqa: E402
    AlreadyVoted,
    BadRequest,
    Conflict,
    NotFound,
    NoVotesLeft,
)
from pollserver.store.postgres import PostgresStore  # noqa: E402
from pollserver.store.postgres.schema import migrations  # noqa: E402

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A fresh schema name, dropped (with everything in it) after the test."""
    name = f"vh_test_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def pg_store(pg_url: str, pg_schema: str) -> Iterator[PostgresStore]:
    """A migrated store in its own schema."""
    store = PostgresStore(pg_url, schema=pg_schema, max_size=4)
    yield store
    store.close()


def run_workers(pg_url: str, schema: str, job: str, per_worker: list[list[str]]) -> list[Any]:
    """Start one process per argument list, released together once all are ready (a gate
    file, see ``pg_worker``); return their results."""
    gate = Path(tempfile.mkdtemp(prefix="pg-gate-")) / "go"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.store.pg_worker", job, pg_url, schema, str(gate), *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args in per_worker]
    while len(list(gate.parent.glob("go.*"))) < len(procs):
        assert all(proc.poll() is None for proc in procs), "a worker died before the gate"
        time.sleep(0.01)
    gate.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


# -- migrations --------------------------------------------------------------------------


def test_upgrade_is_idempotent(pg_store: PostgresStore) -> None:
    latest = max(m.version for m in migrations())
    assert pg_store.schema_version() == latest
    assert pg_store.upgrade() == []
    assert pg_store.upgrade() == []
    assert pg_store.schema_version() == latest


def test_concurrent_upgrades_apply_each_migration_once(pg_url: str, pg_schema: str) -> None:
    results = run_workers(pg_url, pg_schema, "upgrade", [[], [], []])
    applied = sorted(v for r in results for v in r["applied"])
    assert applied == [m.version for m in migrations()]
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(f"SELECT version FROM {pg_schema}.schema_version").fetchall()
    assert sorted(r[0] for r in rows) == applied


def test_schemas_isolate_stores(pg_url: str, pg_store: PostgresStore) -> None:
    other_schema = f"vh_test_{uuid.uuid4().hex[:12]}"
    other = PostgresStore(pg_url, schema=other_schema, max_size=2)
    try:
        pg_store.record_vote("p", "v1", ["a"], replace=False, at=NOW)
        assert other.tally("p").total == 0
        other.record_vote("p", "v1", ["b"], replace=False, at=NOW)
        assert pg_store.tally("p").counts == {"a": 1}
        assert other.tally("p").counts == {"b": 1}
    finally:
        other.close()
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {other_schema} CASCADE")


def test_bad_schema_name_is_refused(pg_url: str) -> None:
    with pytest.raises(ValueError, match="schema name"):
        PostgresStore(pg_url, schema="x; DROP TABLE items")


# -- several writer processes ------------------------------------------------------------


def test_parallel_voters_are_counted_exactly(pg_url: str, pg_schema: str,
                                             pg_store: PostgresStore) -> None:
    per_process = 150
    own = [[f"w{w}-v{i}" for i in range(per_process)] for w in range(4)]
    # Every process also tries the same shared voters: each of those may count only once.
    shared = [f"shared-{i}" for i in range(40)]
    results = run_workers(pg_url, pg_schema, "votes",
                          [["poll", ",".join(voters + shared)] for voters in own])
    assert sum(r["ok"] for r in results) == 4 * per_process + len(shared)
    assert sum(r["already"] for r in results) == 3 * len(shared)
    tally = pg_store.tally("poll")
    assert tally.total == 4 * per_process + len(shared)
    everyone = [v for voters in own for v in voters] + shared
    expected: dict[str, int] = {}
    for voter in everyone:
        for key in ["a", "b"] if voter[-1] in "02468" else ["c"]:
            expected[key] = expected.get(key, 0) + 1
    assert tally.counts == expected


def test_parallel_idea_votes_respect_the_budget(pg_url: str, pg_schema: str,
                                                pg_store: PostgresStore) -> None:
    ideas = [pg_store.add_idea("jam", title=f"idea {i}", body="", author=None, voter_id=None,
                               moderation="published", at=NOW).id for i in range(20)]
    results = run_workers(pg_url, pg_schema, "idea-votes",
                          [["jam", "voter", ",".join(ideas[w::4]), "3"] for w in range(4)])
    assert sum(r["ok"] for r in results) == 3
    assert sum(r["no_votes_left"] for r in results) == 17
    assert len(pg_store.idea_votes_of("jam", "voter")) == 3
    assert sum(idea.votes for idea in pg_store.list_ideas("jam")) == 3
    unvoted = next(i for i in ideas if i not in pg_store.idea_votes_of("jam", "voter"))
    with pytest.raises(NoVotesLeft):  # an idea it did not back: the budget, not a repeat
        pg_store.vote_idea("jam", unvoted, "voter", budget=3, at=NOW)


def test_parallel_claims_never_share_a_code(pg_url: str, pg_schema: str,
                                            pg_store: PostgresStore) -> None:
    codes = [f"CODE-{i:03d}" for i in range(50)]
    pg_store.add_codes("pool", codes)
    # "twice" claims first in every worker, so it races itself while codes are still left.
    voters = [["twice"] + [f"w{w}-v{i}" for i in range(20)] for w in range(4)]
    results = run_workers(pg_url, pg_schema, "claims",
                          [["pool", ",".join(group)] for group in voters])
    given = [code for r in results for voter, code in r["claims"].items()
             if voter != "twice" and code is not None]
    twice = {r["claims"]["twice"] for r in results}
    assert len(twice) == 1 and None not in twice  # one voter, one code, however many tabs
    assert len(given) + 1 == len(codes)  # 81 claimers, 50 codes: all handed out, once each
    assert len(set(given) | twice) == len(codes)
    assert pg_store.pool_stats()["pool"] == (50, 50)


# -- single-process details that differ from the embedded store ----------------------------


def test_replace_vote_moves_the_tally(pg_store: PostgresStore) -> None:
    assert pg_store.record_vote("p", "v", ["a", "b"], replace=True, at=NOW) is None
    assert pg_store.record_vote("p", "v", ["b", "c"], replace=True, at=NOW) == ("a", "b")
    with pytest.raises(AlreadyVoted):
        pg_store.record_vote("p", "v", ["a"], replace=False, at=NOW)
    tally = pg_store.tally("p")
    assert (tally.total, tally.counts) == (1, {"b": 1, "c": 1})
    assert pg_store.withdraw_vote("p", "v") is True
    assert pg_store.tally("p").counts == {}


def test_store_reports_its_backend(pg_store: PostgresStore) -> None:
    assert pg_store.backend == "postgres"


def test_counters_match_the_facts_after_a_storm(pg_store: PostgresStore) -> None:
    """Changes of mind, withdrawals, idea votes, unvotes and merges racing on 16 threads leave
    every kept counter equal to a recount of the rows it counts."""
    import random
    from concurrent.futures import ThreadPoolExecutor


    ideas = [pg_store.add_idea("jam", title=f"i{n}", body="", author=None, voter_id=None,
                               moderation="published", at=NOW).id for n in range(8)]
    voters = [f"v{n}" for n in range(10)]

    def storm(seed: int) -> None:
        rnd = random.Random(seed)
        for _ in range(60):
            voter, roll = rnd.choice(voters), rnd.random()
            try:
                if roll < 0.35:
                    pg_store.record_vote("p", voter, rnd.sample("abcd", rnd.randint(1, 3)),
                                         replace=True, at=NOW)
                elif roll < 0.45:
                    pg_store.withdraw_vote("p", voter)
                elif roll < 0.75:
                    pg_store.vote_idea("jam", rnd.choice(ideas), voter, budget=3, at=NOW)
                elif roll < 0.95:
                    pg_store.unvote_idea("jam", rnd.choice(ideas), voter)
                else:
                    pg_store.merge_ideas(*rnd.sample(ideas, 2))
            except (AlreadyVoted, NoVotesLeft, Conflict, NotFound, BadRequest):
                pass  # refusals are fine; only the counters matter here

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(storm, range(16)))

    votes = {v: pg_store.vote_of("p", v) for v in voters}
    recount: dict[str, int] = {}
    for choices in votes.values():
        for key in choices or ():
            recount[key] = recount.get(key, 0) + 1
    tally = pg_store.tally("p")
    assert tally.total == sum(1 for c in votes.values() if c is not None)
    assert tally.counts == recount
    backed = {v: pg_store.idea_votes_of("jam", v) for v in voters}
    assert all(len(ids) <= 3 for ids in backed.values())
    for idea in pg_store.list_ideas("jam"):
        assert idea.votes == sum(idea.id in ids for ids in backed.values()), idea
        if idea.status == "merged":
            assert idea.votes == 0
    with pg_store.pool.connection() as conn:
        used = dict(conn.execute("SELECT voter_id, used FROM idea_budgets WHERE jam_id = 'jam'")
                    .fetchall())
    assert {v: used.get(v, 0) for v in voters} == {v: len(ids) for v, ids in backed.items()}
