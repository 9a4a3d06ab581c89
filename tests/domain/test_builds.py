"""The build's instant and file names, shared by the hub and engage plugins (written once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from pollserver.domain.builds import build_now, source_name

PARIS = timezone(timedelta(hours=1))


def test_the_first_setting_given_is_the_instant_and_a_naive_one_is_in_the_site_s_zone():
    settings = {"ENGAGE_NOW": "", "HUB_NOW": "2026-11-23 12:00"}
    assert build_now(settings, PARIS, ("ENGAGE_NOW", "HUB_NOW")) == datetime(
        2026, 11, 23, 12, tzinfo=PARIS)
    settings["ENGAGE_NOW"] = "2026-11-23T12:00:00Z"
    assert build_now(settings, PARIS, ("ENGAGE_NOW", "HUB_NOW")) == datetime(
        2026, 11, 23, 12, tzinfo=UTC)
    assert build_now(settings, PARIS) == datetime(2026, 11, 23, 12, tzinfo=PARIS)  # HUB_NOW only


def test_an_unreadable_instant_stops_the_build_naming_the_setting():
    with pytest.raises(SystemExit, match="HUB_NOW: 'tomorrow' is not a date and time"):
        build_now({"HUB_NOW": "tomorrow"})


def test_a_file_is_named_as_the_editor_sees_it():
    article = SimpleNamespace(source_path="/site/content/news/x.md")
    assert source_name(article, "/site/content") == "content/news/x.md"
    assert source_name(article, "/elsewhere") == "/site/content/news/x.md"
