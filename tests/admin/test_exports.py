"""Exports: CSV parses with the csv module, JSON parses, no voter ids; the CLI agrees."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from tests.conftest import make_item
from tests.instant import TEST_NOW

VOTERS = ["voter-secret-1", "voter-secret-2", "voter-secret-3"]


@pytest.fixture
def data(store, clock):
    at = clock.now
    store.sync_items([
        make_item("poll", id="open-poll", question="Open?", options=["Yes", "No"]),
        make_item("poll", id="done-poll", question="=cmd()", options=["Red", "Blue"],
                  opens=at - timedelta(days=9), closes=at - timedelta(days=1)),
        make_item("jam", id="soaps", title="Next soap"),
        make_item("survey", id="nps"),
    ])
    store.record_vote("open-poll", VOTERS[0], ["yes"], replace=False, at=at)
    store.record_vote("done-poll", VOTERS[1], ["red"], replace=False,
                      at=at - timedelta(days=2))
    idea = store.add_idea("soaps", title="Oat bar", body="b", author="Ann",
                          voter_id=VOTERS[2], moderation="published", at=at)
    store.vote_idea("soaps", idea.id, VOTERS[0], budget=3, at=at)
    store.add_response("nps", voter_id=VOTERS[1], score=9, category="promoter",
                       comment="Lovely, thanks", consent_to_quote=True, at=at)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("what", ["polls", "jams", "surveys", "audit", "open-data"])
def test_csv_exports_parse_without_voter_ids(editor, data, what):
    response = editor.client.get(f"/admin/exports/{what}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert not any(v in text for v in VOTERS)
    assert rows(text) or what == "audit"


def test_export_contents(editor, data):
    polls = rows(editor.client.get("/admin/exports/polls.csv").get_data(as_text=True))
    assert {(r["poll_id"], r["option_key"], r["votes"]) for r in polls} >= {
        ("open-poll", "yes", "1"), ("done-poll", "red", "1")}
    jams = json.loads(editor.client.get("/admin/exports/jams.json").get_data(as_text=True))
    assert jams[0]["title"] == "Oat bar" and jams[0]["votes"] == 1
    surveys = json.loads(editor.client.get("/admin/exports/surveys.json").get_data(as_text=True))
    assert surveys == [{"survey_id": "nps", "created_at": surveys[0]["created_at"], "score": 9,
                        "category": "promoter", "comment": "Lovely, thanks",
                        "consent_to_quote": True}]
    open_data = rows(editor.client.get("/admin/exports/open-data.csv").get_data(as_text=True))
    assert {r["poll_id"] for r in open_data} == {"done-poll"}
    assert open_data[0]["question"] == "'=cmd()"  # a spreadsheet must not run it


def test_exports_are_audited(editor, data, store):
    editor.client.get("/admin/exports/surveys.csv")
    entry = store.list_audit()[0]
    assert (entry.actor, entry.action, entry.target) == ("editor", "export", "export:surveys")
    audit = rows(editor.client.get("/admin/exports/audit.csv").get_data(as_text=True))
    assert [r["action"] for r in audit][:2] == ["login", "export"]


def test_unknown_export_404(editor):
    assert editor.client.get("/admin/exports/voters.csv").status_code == 404
    assert editor.client.get("/admin/exports/polls.xml").status_code == 404


def test_export_needs_login(client, data):
    assert client.get("/admin/exports/surveys.csv").status_code == 302


def test_cli_export(tmp_path, monkeypatch):
    from pollserver.cli import main
    from pollserver.config import Settings
    from pollserver.store import open_store

    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    store = open_store(Settings.from_env())
    try:
        store.sync_items([make_item("survey", id="nps")])
        store.add_response("nps", voter_id="voter-x", score=3, category="detractor",
                           comment="meh", consent_to_quote=False, at=TEST_NOW)
    finally:
        store.close()
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--what", "surveys", "--format", "csv"])
    assert result.exit_code == 0, result.output
    parsed = rows(result.output)
    assert parsed[0]["score"] == "3" and "voter-x" not in result.output
    as_json = runner.invoke(main, ["export", "--what", "polls", "--format", "json"])
    assert json.loads(as_json.output) == []
