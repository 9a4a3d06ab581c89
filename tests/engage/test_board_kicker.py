"""A jam block without ``closes`` is a board: its kicker says so, in each language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engage.blocks import parse_block
from engage.render import render_block

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
CATALOGUES = str(Path(__file__).resolve().parents[2] / "theme" / "translations")


def _kicker(text: str, lang: str) -> str:
    spec = parse_block("jam", text, "content/x.md", 3)
    html = render_block(spec, 3, now=NOW, lang=lang, catalogues=CATALOGUES)
    return html.split('<p class="engage-kicker">', 1)[1].split("</p>", 1)[0]


def test_a_board_is_an_ideas_board_and_a_dated_jam_an_idea_jam():
    board = "id: better\ntitle: What should we improve?\n"
    jam = board.replace("better", "dated") + "closes: 2026-12-01\n"
    assert _kicker(board, "en") == "Ideas board"
    assert _kicker(board, "de") == "Ideen-Board"
    assert _kicker(jam, "en") == "Idea jam"
    assert _kicker(jam, "de") == "Ideen-Jam"
