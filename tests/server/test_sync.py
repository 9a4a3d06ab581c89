"""``pollserver sync`` and ``results``: manifest in, store updated, never a vote lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pollserver.cli import main
from pollserver.domain.kinds import parse_spec
from pollserver.domain.specs import spec_to_manifest
from pollserver.ops.sync import SyncError, load_manifest, results_snapshot, sync_manifest
from pollserver.store.memory import MemoryStore
from tests.instant import TEST_NOW

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def manifest(tmp_path: Path, *polls: dict) -> Path:
    entries = [dict(spec_to_manifest(parse_spec("poll", p)), source=f"content/a.md:{i}",
                    url="/news/a.html") for i, p in enumerate(polls, 1)]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"version": 1, "polls": entries, "jams": [], "surveys": []}))
    return path


def test_sync_creates_updates_and_archives(tmp_path):
    store = MemoryStore()
    first = manifest(tmp_path, {"id": "a", "question": "Q?", "options": ["X", "Y"]},
                     {"id": "b", "question": "Q?", "options": ["X", "Y"]})
    report = sync_manifest(store, load_manifest(first))
    assert report.created == ["poll:a", "poll:b"]
    store.record_vote("b", "v1", ["x"], replace=False, at=NOW)
    second = manifest(tmp_path, {"id": "a", "question": "New wording?", "options": ["X", "Y"]})
    report = sync_manifest(store, load_manifest(second))
    assert report.updated == ["poll:a"] and report.archived == ["poll:b"]
    assert store.get_item("poll", "a").spec["question"] == "New wording?"
    assert store.get_item("poll", "b").archived
    assert store.tally("b").total == 1  # archived, never deleted


def test_sync_refuses_to_drop_an_option_with_votes(tmp_path):
    store = MemoryStore()
    sync_manifest(store, load_manifest(manifest(
        tmp_path, {"id": "a", "question": "Q?", "options": ["X", "Y", "Z"]})))
    store.record_vote("a", "v1", ["y"], replace=False, at=NOW)
    with pytest.raises(SyncError, match="option 'y' has 1 vote and cannot be removed"):
        sync_manifest(store, load_manifest(manifest(
            tmp_path, {"id": "a", "question": "Q?", "options": ["X", "Z"]})))
    assert [o["key"] for o in store.get_item("poll", "a").spec["options"]] == ["x", "y", "z"]
    # An option nobody chose may go.
    sync_manifest(store, load_manifest(manifest(
        tmp_path, {"id": "a", "question": "Q?", "options": ["X", "Y"]})))
    assert store.tally("a").total == 1


def test_bad_manifest_entry_names_its_source(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"version": 1, "polls": [
        {"id": "a", "question": "Q?", "options": ["X"], "source": "content/x.md:7"}]}))
    with pytest.raises(SyncError, match=r"content/x.md:7: poll 'a': options must have 2-12"):
        load_manifest(path)


def test_results_snapshot_counts_polls_and_jam_winners():
    store = MemoryStore()
    store.record_vote("a", "v1", ["x"], replace=False, at=NOW)
    idea = store.add_idea("j", title="Oat milk", body="", author="Ana", voter_id="v1",
                          moderation="published", at=NOW)
    store.update_idea(idea.id, winner=True)
    from pollserver.domain.records import Item

    store.sync_items([Item("poll", "a", {}, "", ""), Item("jam", "j", {}, "", "")])
    data = results_snapshot(store)
    assert data["polls"]["a"] == {"total": 1, "counts": {"x": 1}}
    assert data["jams"]["j"]["winners"][0]["title"] == "Oat milk"


def test_cli_sync_results_and_codes(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    path = manifest(tmp_path, {"id": "a", "question": "Q?", "options": ["X", "Y"]})
    result = runner.invoke(main, ["sync", "--manifest", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output
    codes = tmp_path / "codes.txt"
    codes.write_text("AAA\nBBB\n\nAAA\n")
    result = runner.invoke(main, ["codes", "load", "winter", str(codes)])
    assert "2 new codes" in result.output
    out = tmp_path / "results.json"
    result = runner.invoke(main, ["results", "--out", str(out), "--now", TEST_NOW.isoformat()])
    assert result.exit_code == 0 and json.loads(out.read_text())["polls"]["a"]["total"] == 0


def test_cli_sync_without_manifest_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["sync", "--manifest", str(tmp_path / "none.json")])
    assert result.exit_code != 0
    assert "build the site first" in result.output
    assert "Traceback" not in result.output


def test_cli_backup_and_restore_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    path = manifest(tmp_path, {"id": "a", "question": "Q?", "options": ["X", "Y"]})
    assert runner.invoke(main, ["sync", "--manifest", str(path)]).exit_code == 0
    from pollserver.config import Settings
    from pollserver.store.tinydb import TinyDBStore

    store = TinyDBStore(Settings.from_env().data_dir)
    store.record_vote("a", "v1", ["x"], replace=False, at=NOW)
    store.close()
    result = runner.invoke(main, ["backup", str(tmp_path / "backup.json")])
    assert result.exit_code == 0, result.output
    store = TinyDBStore(Settings.from_env().data_dir)
    store.record_vote("a", "v2", ["y"], replace=False, at=NOW)
    store.close()
    result = runner.invoke(main, ["restore", str(tmp_path / "backup.json")])
    assert result.exit_code == 0, result.output
    store = TinyDBStore(Settings.from_env().data_dir)
    try:
        assert store.tally("a").counts == {"x": 1}
    finally:
        store.close()
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = runner.invoke(main, ["restore", str(bad)])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_seed_fills_empty_jams_once_and_never_touches_used_ones(tmp_path):
    from pollserver.ops.seed import seed

    seed_file = tmp_path / "seed.yaml"
    seed_file.write_text(
        "jams:\n"
        "  done-jam:\n"
        "    - {title: Refill pouches please, author: Marta R., votes: 5, winner: true,"
        " status: done}\n"
        "    - {title: Evening meetups, votes: 2}\n"
        "  used-jam:\n"
        "    - {title: Never added}\n")
    store = MemoryStore()
    store.add_idea("used-jam", title="A real reader's idea", body="", author=None,
                   voter_id="v", moderation="published", at=NOW)
    assert seed(store, seed_file) == {"done-jam": 2}
    ideas = store.list_ideas("done-jam")
    assert [(i.title, i.votes, i.winner, i.status) for i in ideas] == [
        ("Refill pouches please", 5, True, "done"), ("Evening meetups", 2, False, "open")]
    assert [i.title for i in store.list_ideas("used-jam")] == ["A real reader's idea"]
    assert seed(store, seed_file) == {}
    assert len(store.list_ideas("done-jam")) == 2


def test_the_shipped_sample_seed_is_valid(tmp_path):
    from pathlib import Path

    from pollserver.ops.seed import seed

    sample = Path(__file__).resolve().parents[2] / "sample" / "seed.yaml"
    store = MemoryStore()
    added = seed(store, sample)
    assert added["september-jam"] >= 2
    # The demo's champion: Marta R.'s refill idea, granted by voter id (README, make run).
    [grant] = store.list_champions()
    idea = store.get_idea(grant.idea_id)
    assert (idea.author, idea.voter_id) == ("Marta R.", grant.voter_id)
    assert store.is_champion(grant.voter_id)
    assert sum(1 for i in store.list_ideas("september-jam") if i.voter_id) == 1


def test_the_builds_results_step_counts_closings_it_bakes_as_shown(tmp_path, monkeypatch):
    """A poll past its date is closed on the pages the build writes, so its announcement
    must not leave the dashboard saying "the site shows older results: rebuild"."""
    from pollserver.config import Settings
    from pollserver.ops.publish import unpublished
    from pollserver.store import open_store

    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    # Closed an hour before the build's instant (--now), whatever the wall clock says.
    closes = (TEST_NOW - timedelta(hours=1)).isoformat()
    path = manifest(tmp_path, {"id": "old", "question": "Q?", "options": ["X", "Y"],
                               "opens": (TEST_NOW - timedelta(days=7)).isoformat(),
                               "closes": closes},
                    {"id": "later", "question": "Q?", "options": ["X", "Y"],
                     "closes": (TEST_NOW + timedelta(hours=1)).isoformat()})
    assert runner.invoke(main, ["sync", "--manifest", str(path)]).exit_code == 0
    result = runner.invoke(main, ["results", "--out", str(tmp_path / "results.json"),
                                  "--now", TEST_NOW.isoformat()])
    assert result.exit_code == 0, result.output
    store = open_store(Settings.from_env())
    try:
        [closed] = store.list_events(types=["poll.closed"])
        assert closed.data["id"] == "old" and unpublished(store) == []
    finally:
        store.close()


def test_results_refuses_a_now_that_is_no_instant(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["results", "--out", str(tmp_path / "r.json"),
                                       "--now", "soon"])
    assert result.exit_code != 0 and "--now" in result.output
    assert not (tmp_path / "r.json").exists()
