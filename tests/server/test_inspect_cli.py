"""``pollserver inspect``: offline answers from the snapshot with TinyDB's Query."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from pollserver.cli import main
from pollserver.domain.records import Item
from pollserver.store.tinydb import TinyDBStore

AT = datetime(2025, 3, 1, tzinfo=UTC)
POLL = Item(kind="poll", id="p", spec={"question": "Q?"}, source="content/x.md:1", url="/x")
JAM = Item(kind="jam", id="j", spec={"title": "J"}, source="content/y.md:1", url="/y")


def _fill(data_dir: Path) -> dict[str, str]:
    """Votes a,a,b,c on poll p; three ideas in jam j, one planned with two votes.

    The store is left open and unsnapshotted: everything is still only in the journal.
    """
    store = TinyDBStore(data_dir, snapshot_every=10_000)
    store.sync_items([POLL, JAM])
    for voter, choice in [("v1", "a"), ("v2", "a"), ("v3", "b"), ("v4", "c")]:
        store.record_vote("p", voter, [choice], replace=False, at=AT)
    ids = {}
    for title in ["Dark mode", "Offline", "Export"]:
        ids[title] = store.add_idea("j", title=title, body="", author=None, voter_id="v1",
                                    moderation="published", at=AT).id
    store.update_idea(ids["Offline"], status="planned")
    store.update_idea(ids["Export"], status="planned")
    for voter in ("v2", "v3"):
        store.vote_idea("j", ids["Offline"], voter, budget=0, at=AT)
    store.vote_idea("j", ids["Dark mode"], "v4", budget=0, at=AT)
    assert not (data_dir / "store.json").exists()
    return ids


def _run(data_dir: Path, *args: str) -> object:
    result = CliRunner().invoke(main, ["inspect", *args],
                                env={"POLLSERVER_DATA_DIR": str(data_dir),
                                     "POLLSERVER_DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_votes_per_option_include_what_is_only_in_the_journal(tmp_path):
    _fill(tmp_path / "var")
    assert _run(tmp_path / "var", "votes", "--poll", "p") == {"a": 2, "b": 1, "c": 1}
    assert _run(tmp_path / "var", "votes", "--poll", "nope") == {}


def test_ideas_by_status_with_their_votes(tmp_path):
    ids = _fill(tmp_path / "var")
    planned = _run(tmp_path / "var", "ideas", "--jam", "j", "--status", "planned")
    assert [(r["id"], r["votes"], r["title"]) for r in planned] == [
        (ids["Offline"], 2, "Offline"), (ids["Export"], 0, "Export")]
    every = _run(tmp_path / "var", "ideas", "--jam", "j")
    assert [r["title"] for r in every] == ["Offline", "Dark mode", "Export"]


def test_inspect_reads_a_given_snapshot_file(tmp_path):
    _fill(tmp_path / "var")
    store = TinyDBStore(tmp_path / "var")
    store.backup(tmp_path / "b.json")
    store.close()
    assert _run(tmp_path / "elsewhere", "votes", "--poll", "p",
                "--snapshot", str(tmp_path / "b.json")) == {"a": 2, "b": 1, "c": 1}
    assert not (tmp_path / "elsewhere").exists()


def test_inspect_needs_the_item_to_ask_about(tmp_path):
    result = CliRunner().invoke(main, ["inspect", "votes"],
                                env={"POLLSERVER_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "votes needs --poll" in result.output
