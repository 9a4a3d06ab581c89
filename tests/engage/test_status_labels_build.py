"""The manifest carries each language's status labels, so the server words statuses as the
pages do: a sub-site's own ``ENGAGE_STATUSES`` label, else the catalogue's translation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engage.hubwide import SiteBlocks, status_labels

from pollserver.domain.statuses import DEFAULT_STATUSES, labels_in, to_spec

THEME = str(Path(__file__).resolve().parents[2] / "theme")


def _site(lang: str, statuses) -> SiteBlocks:
    return SiteBlocks(lang=lang, settings={"THEME": THEME}, output=Path("."), now=None,
                      results=None, entries=[], articles=[], announcements=[],
                      statuses=statuses)


def test_each_other_language_gets_its_labels_and_the_main_one_none():
    german = tuple(replace(s, label="Geplant") if s.key == "planned" else s
                   for s in DEFAULT_STATUSES)
    labels = status_labels([_site("en", DEFAULT_STATUSES), _site("de", german)])
    assert set(labels) == {"de"}
    assert labels["de"]["planned"] == "Geplant"  # the sub-site's own word
    assert labels["de"]["done"] != "Done"  # the theme catalogue's translation of "Done"
    assert set(labels["de"]) == {s.key for s in DEFAULT_STATUSES}
    spec = to_spec(DEFAULT_STATUSES, labels)
    assert labels_in(spec, "de")["planned"] == "Geplant" and labels_in(spec, "en") == {}
    assert "status_labels" not in to_spec(DEFAULT_STATUSES, {})
