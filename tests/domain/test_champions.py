"""The champions rules: who may read a preview when, and where a profile is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pollserver.domain.champions import ProfileRule, preview_access, profile_target

DATE = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)


def test_preview_access_turns_on_the_date():
    before = DATE - timedelta(microseconds=1)
    assert preview_access(DATE, before, champion=True) == "champion"
    assert preview_access(DATE, before, champion=False) is None
    assert preview_access(DATE, DATE, champion=False) == "public"
    assert preview_access(DATE, DATE + timedelta(days=30), champion=True) == "public"


def test_profile_target_follows_merges_and_stops_at_hidden_or_loops():
    rules = {"a": ProfileRule("a", merged_into="b"), "b": ProfileRule("b", merged_into="c"),
             "h": ProfileRule("h", hidden=True), "x": ProfileRule("x", merged_into="h"),
             "l1": ProfileRule("l1", merged_into="l2"), "l2": ProfileRule("l2", merged_into="l1")}
    assert profile_target("free", rules) == "free"
    assert profile_target("a", rules) == "c" and profile_target("c", rules) == "c"
    assert profile_target("h", rules) is None and profile_target("x", rules) is None
    assert profile_target("l1", rules) is None
