"""Blocks whose dates leave a phase empty or inverted are refused, at build and at sync alike."""

from __future__ import annotations

import json

import pytest

from pollserver.domain.kinds import parse_spec
from pollserver.domain.specs import SpecError
from pollserver.ops.sync import SyncError, load_manifest

JAM = {"id": "j", "title": "T", "submit_from": "2026-12-01T00:00:00Z",
       "vote_from": "2026-12-10T00:00:00Z", "closes": "2026-12-20T00:00:00Z"}


@pytest.mark.parametrize(("kind", "block", "message"), [
    ("jam", {**JAM, "vote_from": JAM["submit_from"]},
     "vote_from must be after submit_from, or nobody can submit an idea (move vote_from later)"),
    ("jam", {**JAM, "vote_from": "2026-11-30T00:00:00Z"}, "vote_from must be after submit_from"),
    ("jam", {**JAM, "closes": JAM["vote_from"]}, "closes must be after vote_from"),
    ("poll", {"id": "p", "question": "Q?", "options": ["a", "b"],
              "opens": "2026-12-02T00:00:00Z", "closes": "2026-12-01T00:00:00Z"},
     "closes must be after opens (move closes later or opens earlier)"),
    ("survey", {"id": "s", "opens": "2026-12-01T00:00:00Z", "closes": "2026-12-01T00:00:00Z"},
     "closes must be after opens"),
])
def test_empty_or_inverted_phase_is_refused(kind, block, message):
    with pytest.raises(SpecError) as caught:
        parse_spec(kind, block)
    assert str(caught.value).startswith(message)


def test_a_jam_with_every_phase_is_accepted():
    spec = parse_spec("jam", JAM)
    assert spec.submit_from < spec.vote_from < spec.closes


def test_sync_refuses_a_manifest_with_an_empty_submit_phase(tmp_path):
    path = tmp_path / "manifest.json"
    jam = {**JAM, "vote_from": JAM["submit_from"], "source": "content/news/j.md:4"}
    path.write_text(json.dumps({"version": 1, "polls": [], "jams": [jam], "surveys": []}))
    with pytest.raises(SyncError, match=r"^content/news/j.md:4: jam 'j': vote_from must be"):
        load_manifest(path)
