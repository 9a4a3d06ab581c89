"""``pollserver webhooks add|list`` on the embedded store."""

from __future__ import annotations

from click.testing import CliRunner

from pollserver.cli import main


def test_cli_adds_and_lists_endpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("POLLSERVER_WEBHOOKS_ALLOW_HTTP", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["webhooks", "add", "https://crm.example/in",
                                  "--events", "idea.created,idea.status_changed"])
    assert result.exit_code == 0, result.output
    assert "(idea.created, idea.status_changed)" in result.output
    [secret] = [w for w in result.output.split() if w.startswith("whsec_")]
    listed = runner.invoke(main, ["webhooks", "list"])
    assert "https://crm.example/in [idea.created,idea.status_changed] on" in listed.output
    assert secret not in listed.output

    refused = runner.invoke(main, ["webhooks", "add", "http://crm.example/in",
                                   "--events", "jam.closed"])
    assert refused.exit_code != 0 and "https://" in refused.output
    unknown = runner.invoke(main, ["webhooks", "add", "https://crm.example/in",
                                   "--events", "jam.closed,idea.deleted"])
    assert unknown.exit_code != 0 and "idea.deleted" in unknown.output
    monkeypatch.setenv("POLLSERVER_WEBHOOKS_ALLOW_HTTP", "1")
    local = runner.invoke(main, ["webhooks", "add", "http://127.0.0.1:9/in",
                                 "--events", "jam.closed"])
    assert local.exit_code == 0, local.output


def test_cli_opts_an_endpoint_in_to_survey_comments(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLSERVER_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    added = runner.invoke(main, ["webhooks", "add", "https://crm.example/in",
                                 "--events", "survey.answered", "--include-text"])
    assert added.exit_code == 0, added.output
    endpoint_id = added.output.split()[1].rstrip(":")
    listed = runner.invoke(main, ["webhooks", "list"])
    assert "[survey.answered] +text on" in listed.output
    off = runner.invoke(main, ["webhooks", "text", endpoint_id, "--off"])
    assert off.exit_code == 0, off.output
    assert "[survey.answered] on" in runner.invoke(main, ["webhooks", "list"]).output
    unknown = runner.invoke(main, ["webhooks", "text", "nope", "--on"])
    assert unknown.exit_code != 0 and "nope" in unknown.output
