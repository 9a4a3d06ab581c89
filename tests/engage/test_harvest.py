"""Blocks read back from rendered HTML: what survives Pelican's content cache."""

from __future__ import annotations

from datetime import UTC, datetime

from engage.blocks import parse_block
from engage.harvest import rewrite_blocks
from engage.render import render_block, render_error, render_key

NOW = datetime(2026, 11, 23, tzinfo=UTC)
LATER = datetime(2027, 2, 1, tzinfo=UTC)
POLL = "id: p\nquestion: Q & A?\noptions: [A, B]\ncloses: 2027-01-01\n"


def test_blocks_come_back_with_spec_and_line():
    spec = parse_block("poll", POLL, "content/x.md", 9)
    html = "<p>intro</p>\n" + render_block(spec, 9, now=NOW) + "\n<p>end</p>"
    same, found = rewrite_blocks(html, lambda block: None)
    assert same == html
    (block,) = found
    assert (block.kind, block.line, block.item_id, block.error) == ("poll", 9, "p", None)
    assert block.spec == spec
    assert block.render_key == render_key(spec, NOW, None)


def test_render_key_changes_with_state_and_results():
    spec = parse_block("poll", POLL, "content/x.md", 9)
    results = {"polls": {"p": {"total": 2, "counts": {"a": 2}}}}
    assert render_key(spec, NOW, None) == render_key(spec, NOW, results)  # open: no results
    assert render_key(spec, NOW, None) != render_key(spec, LATER, None)
    assert render_key(spec, LATER, None) != render_key(spec, LATER, results)


def test_rewrite_replaces_only_the_block():
    spec = parse_block("poll", POLL, "content/x.md", 9)
    html = "<p>intro</p>" + render_block(spec, 9, now=NOW) + "<p>end</p>"
    new, _ = rewrite_blocks(html, lambda block: render_block(block.spec, block.line, now=LATER))
    assert new.startswith("<p>intro</p>") and new.endswith("<p>end</p>")
    assert "This poll closed on" in new and "<form" not in new


def test_errors_come_back_with_their_message():
    html = render_error("jam", 4, "next", "jam 'next': missing title")
    _, (block,) = rewrite_blocks(html, lambda block: None)
    assert (block.kind, block.line, block.spec, block.error) == (
        "jam", 4, None, "jam 'next': missing title")
