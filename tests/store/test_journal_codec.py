"""The journal's JSON codec: orjson for speed, the standard module for whatever orjson
refuses, so every op that could be journaled before still can, and every line that parsed
before still parses (a journal written by an older version replays unchanged)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pollserver.store.tinydb.journal import decode_op, dumps_op, encode, loads_line


@pytest.mark.parametrize("op", [
    {"op": "vote", "poll": "p", "voter": "v", "choices": ["a"], "replace": False, "at": "t"},
    {"op": "idea", "title": "Grüße, 東京 ✓", "n": 2**70, "none": None},  # past 64 bits: json
    {"op": "x", "text": "lone \ud800 surrogate"},  # orjson refuses it: json writes an escape
    {"op": "x", "details": {1: "int key"}},  # both write the key as a string
])
def test_ops_encode_to_what_the_standard_module_parses_alike(op) -> None:
    data = dumps_op(op)
    assert json.loads(data) == json.loads(json.dumps(op)) == loads_line(data)
    assert decode_op(data) == json.loads(json.dumps(op))


def test_what_json_refuses_is_still_refused() -> None:
    with pytest.raises(TypeError):
        dumps_op({"op": "x", "at": datetime(2026, 1, 1, tzinfo=UTC)})
    with pytest.raises(TypeError):
        dumps_op({"op": "x", "bad": {1, 2}})


def test_lines_written_before_still_parse() -> None:
    old = json.dumps({"n": 3, "op": {"op": "x", "v": float("nan"), "s": "\ud800"}})
    doc = loads_line(old.encode())
    assert doc["n"] == 3 and doc["op"]["s"] == "\ud800" and doc["op"]["v"] != doc["op"]["v"]


def test_a_line_is_one_json_document_ending_in_a_newline() -> None:
    line = encode(7, dumps_op({"op": "vote", "voter": "é"}))
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert loads_line(line) == {"n": 7, "op": {"op": "vote", "voter": "é"}}
