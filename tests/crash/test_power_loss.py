"""Power loss at every moment of a run: the embedded store opens and keeps every acknowledged
operation.

A run of votes, ideas, idea votes, survey answers and reward claims goes through a TinyDB
store while the power-loss layer (``power_loss.py``) records what the disk durably holds
after each ``fsync``, rename and unlink. Snapshots come every few operations, so the run
rotates the journal many times, once with snapshots written inline and once by a forked
child (the fork threshold is a setting; 0 forks every time). Then, for every prefix of the
event log (before and after each rename, inside the child between its fsync and the parent's
rename, and everywhere else), the disk of that moment is rebuilt with everything not yet
fsynced thrown away, a store is opened on it, and every operation acknowledged by then must
be there. (Moments with the same disk are checked once, at the latest of them: the one with
the most acknowledged operations.)

The layer itself is checked too: with the journal's fsync or the directory fsync after the
snapshot rename left out, it must find a lost acknowledged operation.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pollserver.store.tinydb import TinyDBStore
from tests.conftest import make_item
from tests.crash.power_loss import PowerLog, image_at

pytestmark = pytest.mark.slow

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OPTIONS = ("red", "green", "blue")


def _run(store: TinyDBStore, log: PowerLog, ops: int, seed: int) -> None:
    """Drive the store with a seeded mix of writes; log an ``ack`` after each returns."""
    rng = random.Random(seed)
    store.sync_items([make_item("poll", id="p", question="Which?",
                                options=["Red", "Green", "Blue"]),
                      make_item("jam", id="j", title="Ideas", votes_per_person=0),
                      make_item("survey", id="s", reward="gifts")])
    store.add_codes("gifts", [f"CODE-{n}" for n in range(ops)])
    log.event("ack", op="setup")
    ideas: list[str] = []
    for n in range(ops):
        voter = f"voter-{n}"
        kind = rng.choice(("vote", "vote", "idea", "idea-vote", "answer"))
        if kind == "idea-vote" and not ideas:
            kind = "idea"
        if kind == "vote":
            choice = rng.choice(OPTIONS)
            store.record_vote("p", voter, [choice], replace=False, at=AT)
            log.event("ack", op="vote", voter=voter, choice=choice)
        elif kind == "idea":
            idea = store.add_idea("j", title=f"Idea {n}", body="", author=None,
                                  voter_id=voter, moderation="published", at=AT)
            ideas.append(idea.id)
            log.event("ack", op="idea", id=idea.id, title=f"Idea {n}")
        elif kind == "idea-vote":
            idea_id = rng.choice(ideas)
            store.vote_idea("j", idea_id, voter, budget=0, at=AT)
            log.event("ack", op="idea-vote", voter=voter, idea=idea_id)
        else:
            store.add_response("s", voter_id=voter, score=rng.randint(0, 10),
                               category="passive", comment="", consent_to_quote=False, at=AT)
            code = store.claim_code("gifts", voter, at=AT)
            log.event("ack", op="answer", voter=voter, code=code)


def _check(store: TinyDBStore, acked: list[dict[str, Any]], cut: int) -> None:
    """Every acknowledged operation is in ``store``."""
    if not any(a["op"] == "setup" for a in acked):
        return
    where = f"power cut after event {cut}"
    ideas = {idea.id: idea for idea in store.list_ideas("j")}
    answered = {r.voter_id for r in store.list_responses("s")}
    votes = 0
    for ack in acked:
        if ack["op"] == "vote":
            votes += 1
            assert store.vote_of("p", ack["voter"]) == (ack["choice"],), where
        elif ack["op"] == "idea":
            assert ideas[ack["id"]].title == ack["title"], where
        elif ack["op"] == "idea-vote":
            assert store.idea_votes_of("j", ack["voter"]) == {ack["idea"]}, where
        elif ack["op"] == "answer":
            assert ack["voter"] in answered, where
            assert store.code_of("gifts", ack["voter"]) == ack["code"], where
    assert store.tally("p").total >= votes, where


def _record(tmp_path: Path, monkeypatch, fork_at: int) -> tuple[PowerLog, list[dict]]:
    """Run the workload under the power-loss layer; return the layer and its events."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (tmp_path / "log").mkdir()
    log = PowerLog(data_dir, tmp_path / "log")
    log.install(monkeypatch)
    log.event("dir", names={})  # the empty data dir, durable before the run
    store = TinyDBStore(data_dir, snapshot_every=9, inline_rows=fork_at)
    _run(store, log, ops=70, seed=fork_at % 7)
    store.close()
    monkeypatch.undo()
    return log, log.events()


def _cut_everywhere(tmp_path: Path, log: PowerLog, events: list[dict], fork_at: int) -> int:
    """Check the disk after every moment of the run; return how many disks were checked."""
    changes = [k for k, e in enumerate(events) if e["kind"] in ("file", "dir")]
    cuts = [*changes, len(events)]  # each the last moment before the disk changes
    for cut in cuts:
        acked: list[dict[str, Any]] = []
        image = tmp_path / "images" / str(cut)
        image_at(log, events, cut, image, on_ack=acked.append)
        reopened = TinyDBStore(image, snapshot_every=9, inline_rows=fork_at)
        try:
            _check(reopened, acked, cut)
        finally:
            reopened.close()
    return len(cuts)


@pytest.mark.parametrize("fork_at", [10**9, 0], ids=["inline-snapshots", "forked-snapshots"])
def test_every_power_cut_keeps_what_was_acknowledged(tmp_path: Path, monkeypatch,
                                                     fork_at: int) -> None:
    log, events = _record(tmp_path, monkeypatch, fork_at)
    kinds = [e["kind"] for e in events]
    # Inline snapshots rotate at every trigger; a forked writer still busy when the next
    # trigger comes is not started twice, so how many finish depends on the machine's load.
    least = 6 if fork_at else 2
    assert kinds.count("rename") >= least, "the run must rotate the journal several times"
    children = {e["pid"] for e in events} - {events[0]["pid"]}
    assert bool(children) == (fork_at == 0), "forked snapshot writers when the threshold is 0"
    if children:  # the child's fsync of its snapshot is a moment of its own
        assert any(e["pid"] in children and e["kind"] == "file" for e in events)
    assert _cut_everywhere(tmp_path, log, events, fork_at) > 100


def _no_journal_fsync(monkeypatch) -> None:
    from pollserver.store.tinydb.journal import Journal

    monkeypatch.setattr(Journal, "sync", lambda self: None)


def _no_fsync_after_rename(monkeypatch) -> None:
    from pollserver.store.tinydb import snapshot

    monkeypatch.setattr(snapshot, "install", lambda tmp, path: os.replace(tmp, path))


@pytest.mark.parametrize("mutation", [_no_journal_fsync, _no_fsync_after_rename],
                         ids=["journal-fsync-left-out", "dir-fsync-after-rename-left-out"])
def test_the_layer_finds_a_missing_fsync(tmp_path: Path, monkeypatch, mutation) -> None:
    with pytest.MonkeyPatch.context() as broken:
        mutation(broken)
        log, events = _record(tmp_path, monkeypatch, 10**9)
    with pytest.raises(AssertionError, match="power cut after event"):
        _cut_everywhere(tmp_path, log, events, 10**9)
