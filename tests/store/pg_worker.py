"""A separate process hammering a PostgresStore, for the multi-process tests.

Run as ``python -m tests.store.pg_worker JOB URL SCHEMA GATE ARGS...``; it prints one JSON
line with what it achieved. Every worker, once its pool is ready, creates ``GATE.<pid>`` and
waits until the file ``GATE`` exists: the test creates it when all are ready, so they hit the
database at the same moment instead of one after another as they start up (a gate, not a
time on the clock).
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pollserver.domain.errors import AlreadyVoted, NoVotesLeft
from pollserver.store.postgres import PostgresStore
from tests.instant import TEST_NOW

THREADS = 8


def _votes(store: PostgresStore, poll: str, voters: list[str]) -> dict[str, int]:
    """Vote once per voter; count stored votes and refusals."""
    def one(voter: str) -> str:
        try:
            store.record_vote(poll, voter, ["a", "b"] if voter[-1] in "02468" else ["c"],
                              replace=False, at=TEST_NOW)
        except AlreadyVoted:
            return "already"
        return "ok"

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(one, voters))
    return {"ok": results.count("ok"), "already": results.count("already")}


def _idea_votes(store: PostgresStore, jam: str, voter: str, ideas: list[str],
                budget: int) -> dict[str, int]:
    """One voter backs many ideas at once; count what the budget let through."""
    def one(idea: str) -> str:
        try:
            store.vote_idea(jam, idea, voter, budget=budget, at=TEST_NOW)
        except NoVotesLeft:
            return "no_votes_left"
        return "ok"

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(one, ideas))
    return {"ok": results.count("ok"), "no_votes_left": results.count("no_votes_left")}


def _claims(store: PostgresStore, pool_name: str, voters: list[str]) -> dict[str, Any]:
    """Claim a code per voter; return who got which."""
    with ThreadPoolExecutor(THREADS) as pool:
        codes = list(pool.map(
            lambda v: store.claim_code(pool_name, v, at=TEST_NOW), voters))
    return {"claims": dict(zip(voters, codes, strict=True))}


def main(argv: list[str]) -> None:
    """Run one job and print its result as JSON."""
    job, url, schema, gate, *args = argv
    # The upgrade job migrates once the gate opens, racing the other workers to it.
    store = PostgresStore(url, schema=schema, max_size=THREADS, auto_upgrade=job != "upgrade")
    try:
        store.pool.wait()
        Path(f"{gate}.{os.getpid()}").touch()
        while not Path(gate).exists():
            time.sleep(0.001)
        if job == "upgrade":
            result: dict[str, Any] = {"applied": store.upgrade()}
        elif job == "votes":
            result = _votes(store, args[0], args[1].split(","))
        elif job == "idea-votes":
            result = _idea_votes(store, args[0], args[1], args[2].split(","), int(args[3]))
        elif job == "claims":
            result = _claims(store, args[0], args[1].split(","))
        else:
            raise SystemExit(f"unknown job {job!r}")
    finally:
        store.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
