"""The dashboard shows the embed snippets beside each poll, jam and survey."""

from __future__ import annotations

from html import unescape

from tests.conftest import make_item


def test_dashboard_shows_both_snippets_per_item(editor, store):
    store.sync_items([make_item("poll", id="day", question="Which day?", options=["a", "b"]),
                      make_item("jam", id="soaps", title="Next soap"),
                      make_item("survey", id="nps")])
    page = editor.client.get("/admin/").get_data(as_text=True)
    assert page.count("Embed on another site") == 3
    assert "<script" not in page and "<iframe" not in page  # shown as text, never run
    text = unescape(page)
    assert '/embed.js"></script>\n<valuehub-poll poll="day"></valuehub-poll>' in text
    assert '<valuehub-jam jam="soaps"></valuehub-jam>' in text
    assert '<valuehub-survey survey="nps"></valuehub-survey>' in text
    assert '/embed/survey/nps" title="survey nps"' in text
