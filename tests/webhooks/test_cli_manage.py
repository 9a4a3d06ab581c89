"""``pollserver webhooks list | remove | disable | enable | test`` and ``--events all``."""

from __future__ import annotations

import re

from click.testing import CliRunner

from pollserver.cli import main
from pollserver.domain.webhooks import WEBHOOK_EVENTS


def test_manage_endpoints_from_the_command_line(tmp_path):
    env = {"POLLSERVER_DATA_DIR": str(tmp_path / "var"), "POLLSERVER_SITE_DIR": ""}
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["webhooks", *args], env=env)

    added = run("add", "https://crm.example/hooks", "--events", "all")
    assert added.exit_code == 0, added.output
    endpoint = re.search(r"endpoint (\w+):", added.output).group(1)
    assert f"({', '.join(WEBHOOK_EVENTS)})" in added.output
    assert run("list").output.strip().endswith(" on")
    assert run("disable", endpoint).output == f"endpoint {endpoint}: off\n"
    assert run("list").output.strip().endswith(" off")
    assert run("enable", endpoint).exit_code == 0
    assert run("list").output.strip().endswith(" on")
    assert run("test", endpoint).output == f"endpoint {endpoint}: test event queued\n"
    missing = run("disable", "nope")
    assert missing.exit_code == 1 and "no webhook endpoint 'nope'" in missing.output
    assert run("remove", endpoint).exit_code == 0
    assert run("list").output == ""
