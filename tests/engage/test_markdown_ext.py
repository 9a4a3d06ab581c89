"""The extension on its own, through plain ``markdown.markdown``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import markdown
import pytest
from engage.blocks import BlockError
from engage.markdown_ext import EngageExtension

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)

ARTICLE = """\
Title: Your say
Date: 2026-11-20

Tell us what suits you.

```poll
id: delivery-day
question: Which delivery day <em>suits</em> you best?
options: [Monday, Wednesday, Saturday]
closes: 2026-12-31T23:59:00Z
```

After the poll.
"""


def convert(text: str, **config) -> str:
    """Convert Markdown with the engage and meta extensions."""
    config.setdefault("now", NOW)
    return markdown.markdown(text, extensions=[EngageExtension(**config), "meta"])


def test_poll_renders_a_form_that_works_without_javascript():
    html = convert(ARTICLE)
    form = re.search(r"<form [^>]*>", html).group(0)
    assert 'method="post"' in form and 'action="/api/polls/delivery-day/vote"' in form
    block = re.search(r'<div class="engage engage-poll"[^>]*>', html).group(0)
    assert 'id="poll-delivery-day"' in block
    assert 'data-engage-kind="poll"' in block and 'data-engage-id="delivery-day"' in block
    # The status slot (where a no-JS vote's outcome and follow form go) is after the form.
    assert html.index("</form>") < html.index("<!-- engage-status poll delivery-day -->")
    assert html.count('type="radio" name="choices"') == 3
    assert '<label for="poll-delivery-day-opt-wednesday">Wednesday</label>' in html
    assert '<button type="submit"' in html
    assert "Closes <time datetime=\"2026-12-31T23:59:00Z\">31 December 2026</time>" in html
    assert ('<div class="engage-status" role="status" aria-live="polite">'
            "<!-- engage-status poll delivery-day --></div>") in html
    assert "<p>Tell us what suits you.</p>" in html and "<p>After the poll.</p>" in html


def test_editor_text_is_escaped():
    html = convert(ARTICLE)
    assert "&lt;em&gt;suits&lt;/em&gt;" in html and "<em>suits</em>" not in html


def test_no_inline_styles_for_the_site_csp():
    results = {"polls": {"p": {"total": 4, "counts": {"a": 3, "b": 1}}}}
    text = "```poll\nid: p\nquestion: Q?\noptions: [A, B]\ncloses: 2026-01-01\n```\n"
    html = convert(text, results=results)
    assert "style=" not in html and "<script" not in html
    assert "<table" in html and ">3</td>" in html and ">75%</span>" in html


def test_several_choices_use_checkboxes():
    text = "```poll\nid: p\nquestion: Q?\noptions: [A, B, C]\nmax_choices: 2\n```\n"
    html = convert(text)
    assert html.count('type="checkbox" name="choices"') == 3
    assert "Choose up to 2 answers." in html and " required" not in html


def test_jam_has_idea_form_honeypot_and_no_js_link():
    text = "```jam\nid: next\ntitle: What next?\nprompt: Tell us.\n```\n"
    html = convert(text)
    assert 'id="jam-next"' in html and 'data-engage-kind="jam"' in html
    assert '<form method="post" action="/api/jams/next/ideas"' in html
    assert 'name="title" required minlength="4" maxlength="120"' in html
    assert 'name="body"' in html and 'maxlength="2000"' in html and 'name="author"' in html
    honeypot = re.search(r'<p class="engage-hp" aria-hidden="true">.*?</p>', html, re.S).group(0)
    assert 'name="website"' in honeypot and 'tabindex="-1"' in honeypot
    assert "Leave this field empty" in honeypot
    assert '<a href="/jams/next">See all ideas and vote</a>' in html
    assert "<!-- engage-status jam next -->" in html and "Everyone gets 3 votes" in html


def test_survey_has_an_accessible_scale_and_the_same_invitation_for_all():
    text = ("```survey\nid: nps\nreview_links:\n"
            "  - {name: Trustpilot, url: 'https://reviews.example/t'}\n```\n")
    html = convert(text)
    assert 'action="/api/surveys/nps/responses"' in html and 'id="survey-nps"' in html
    assert html.count('type="radio" name="score"') == 11
    assert re.search(r'<legend[^>]*>How likely are you to recommend us', html)
    labels = re.findall(r'<label for="survey-nps-score-\d+">(.*?)</label>', html)
    assert [re.sub("<[^>]+>", "", label) for label in (labels[0], labels[5], labels[10])] == [
        "0 - Not at all likely", "5", "10 - Extremely likely"]
    assert 'name="comment"' in html
    assert 'name="consent_to_quote" value="true"' in html
    assert 'id="survey-nps-thanks"' in html and 'href="https://reviews.example/t"' in html
    assert "<!-- engage-status survey nps -->" in html


def test_strict_extension_raises_with_the_fence_line():
    bad = ARTICLE.replace("options: [Monday, Wednesday, Saturday]", "options: [Monday]")
    with pytest.raises(BlockError) as caught:
        convert(bad, source="content/news/say.md")
    assert str(caught.value) == (
        "content/news/say.md:6: poll 'delivery-day': options must have 2-12 entries")


def test_unclosed_block_is_an_error():
    with pytest.raises(BlockError, match=r"^<markdown>:3: poll 'p': the block has no closing"):
        convert("Hello\n\n```poll\nid: p\nquestion: Q?\n")


def test_lenient_extension_shows_the_error_in_the_page():
    html = convert("```poll\nid: p\n```\n", strict=False)
    assert 'class="engage-error"' in html and "missing question" in html


def test_other_fences_are_left_alone():
    text = "````markdown\n```poll\nid: p\n```\n````\n\n```python\nprint(1)\n```\n"
    html = markdown.markdown(text, extensions=[EngageExtension(), "fenced_code"])
    assert "engage" not in html and "```poll" in html and "print(1)" in html


def test_extension_loads_by_dotted_name():
    html = markdown.markdown("```poll\nid: p\nquestion: Q?\noptions: [A, B]\n```\n",
                             extensions=["engage.markdown_ext"])
    assert 'id="poll-p"' in html
