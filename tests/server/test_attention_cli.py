"""`pollserver attention`: the dashboard's list as plain lines, for a cron mail."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pollserver.cli import main

MANIFEST = {
    "version": 1, "jams": [], "surveys": [],
    "polls": [{"id": "day", "question": "Which day?", "options": ["Mon", "Sat"],
               "closes": "2026-11-25T12:00:00Z", "reward": "spring", "source": "content/a.md:5",
               "url": "/news/a.html"}],
    "offers": [{"title": "Winter welcome", "url": "/offers/winter.html",
                "expires": "2026-11-28T23:59:59Z"}],
    "channels": {"news": "2026-11-20T09:00:00Z"},
}


def test_attention_prints_one_line_per_notice_at_the_given_instant(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(MANIFEST))
    runner = CliRunner()
    env = {"POLLSERVER_DATA_DIR": str(tmp_path / "var")}
    assert runner.invoke(main, ["sync", "--manifest", str(manifest)], env=env).exit_code == 0
    result = runner.invoke(main, ["attention", "--manifest", str(manifest),
                                  "--now", "2026-11-23T12:00:00Z"], env=env)
    assert result.exit_code == 1, result.output  # something needs attention: cron alerts
    assert result.output.splitlines() == [
        "The poll \u201cWhich day?\u201d closes in 2 days (Wed 25 Nov 2026) (/news/a.html)",
        "Offer \u201cWinter welcome\u201d expires in 5 days (Sat 28 Nov 2026): extend it or "
        "line up the next one (/offers/winter.html)",
        "Reward pool 'spring' has 0 codes left (used by day): load more codes",
    ]
    later = runner.invoke(main, ["attention", "--manifest", str(manifest),
                                 "--now", "2026-12-30T00:00:00Z"], env=env)
    assert later.output.splitlines() == [
        "Nothing new in news for 39 days (last on Fri 20 Nov 2026) (/news/)"]


def test_sync_warns_about_a_reward_pool_with_no_codes(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(MANIFEST))
    codes = tmp_path / "codes.txt"
    codes.write_text("A1\nA2\n")
    runner = CliRunner()
    env = {"POLLSERVER_DATA_DIR": str(tmp_path / "var")}
    first = runner.invoke(main, ["sync", "--manifest", str(manifest)], env=env)
    assert first.exit_code == 0
    assert ("content/a.md:5: warning: poll 'day': reward pool 'spring' has no codes loaded "
            "(load them: pollserver codes load spring FILE)") in first.stderr.splitlines()
    assert runner.invoke(main, ["codes", "load", "spring", str(codes)], env=env).exit_code == 0
    again = runner.invoke(main, ["sync", "--manifest", str(manifest)], env=env)
    assert again.exit_code == 0 and "warning" not in again.stderr


def test_attention_reads_the_manifest_of_the_served_site_by_default(tmp_path):
    site = tmp_path / "site"
    (site / "engage").mkdir(parents=True)
    (site / "engage" / "manifest.json").write_text(json.dumps(MANIFEST))
    env = {"POLLSERVER_DATA_DIR": str(tmp_path / "var"), "POLLSERVER_SITE_DIR": str(site)}
    result = CliRunner().invoke(main, ["attention", "--now", "2026-11-23T12:00:00Z"], env=env)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Offer \u201cWinter welcome\u201d expires in 5 days")


def test_rewards_load_is_the_same_command_as_codes_load(tmp_path):
    codes = tmp_path / "codes.txt"
    codes.write_text("B1\nB2\nB3\n")
    env = {"POLLSERVER_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    loaded = runner.invoke(main, ["rewards", "load", "kit", str(codes)], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert "kit: 3 new codes; 3 of 3 unclaimed" in loaded.output
    stats = runner.invoke(main, ["codes", "stats"], env=env)
    assert "kit: 3 left, 0 claimed, 3 in all" in stats.output
