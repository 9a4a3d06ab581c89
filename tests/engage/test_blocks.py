"""Block text -> spec, and every editor mistake as an exact ``file:line`` message."""

from __future__ import annotations

import pytest
from engage.blocks import BlockError, parse_block

from pollserver.domain.specs import JamSpec, PollSpec, SurveySpec

SOURCE = "content/news/x.md"

POLL = """\
id: delivery-day
question: Which delivery day suits you best?
options: [Monday, Wednesday, Saturday]
closes: 2026-12-31T23:59:00Z
"""


def error(kind: str, text: str, line: int = 12) -> str:
    """Return the message a bad block raises."""
    with pytest.raises(BlockError) as caught:
        parse_block(kind, text, SOURCE, line)
    return str(caught.value)


def test_poll_block_becomes_a_spec():
    spec = parse_block("poll", POLL, SOURCE, 12)
    assert isinstance(spec, PollSpec)
    assert spec.option_keys() == ("monday", "wednesday", "saturday")
    assert spec.closes.isoformat() == "2026-12-31T23:59:00+00:00"


def test_yes_and_no_are_words_not_booleans():
    spec = parse_block("poll", "id: p\nquestion: Q?\noptions: [Yes, No, off]\n", SOURCE, 1)
    assert [o.label for o in spec.options] == ["Yes", "No", "off"]


def test_jam_and_survey_blocks_become_specs():
    jam = parse_block("jam", "id: next\ntitle: What next?\nmoderation: pre\n", SOURCE, 3)
    survey = parse_block("survey", "id: nps\n", SOURCE, 4)
    assert isinstance(jam, JamSpec) and jam.votes_per_person == 3 and jam.moderation == "pre"
    assert isinstance(survey, SurveySpec) and survey.question.startswith("How likely")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (POLL.replace("Wednesday, Saturday", "Monday"),
         "poll 'delivery-day': duplicate option 'Monday'"),
        (POLL.replace(", Wednesday, Saturday", ""),
         "poll 'delivery-day': options must have 2-12 entries"),
        (POLL.replace("[Monday, Wednesday, Saturday]", str([f"o{n}" for n in range(13)])),
         "poll 'delivery-day': options must have 2-12 entries"),
        (POLL.replace("question: Which delivery day suits you best?\n", ""),
         "poll 'delivery-day': missing question"),
        (POLL + "opens: 2027-01-01\n", "poll 'delivery-day': closes must be after opens"),
        (POLL + "colour: blue\n", "poll 'delivery-day': unknown key 'colour'"),
        (POLL.replace("id: delivery-day\n", ""), "poll '?': id must be lowercase"),
        (POLL + "question: Again?\n", "poll 'delivery-day': invalid YAML at line 17: "),
        ("id: delivery-day\nquestion: [unclosed\n",
         "poll 'delivery-day': invalid YAML at line "),
        ("", "poll '?': the block is empty"),
    ],
)
def test_bad_poll_names_file_line_and_id(text, message):
    assert error("poll", text).startswith(f"{SOURCE}:12: {message}")


def test_duplicate_yaml_key_points_at_the_repeated_line():
    assert "duplicate key 'question'" in error("poll", POLL + "question: Again?\n")


def test_error_keeps_its_parts():
    with pytest.raises(BlockError) as caught:
        parse_block("jam", "id: next\n", SOURCE, 7)
    assert (caught.value.source, caught.value.line) == (SOURCE, 7)
    assert caught.value.message == "jam 'next': missing title"


def test_verified_badge_is_a_block_key():
    jam = parse_block("jam", "id: j\ntitle: T\nverified: badge\n", SOURCE, 3)
    assert isinstance(jam, JamSpec) and jam.verified == "badge"
    assert parse_block("poll", POLL + "verified: off\n", SOURCE, 3).verified == "off"
    assert error("jam", "id: j\ntitle: T\nverified: yes\n", 3).startswith(f"{SOURCE}:")
    assert "verified must be off or badge" in error("jam", "id: j\ntitle: T\nverified: yes\n")
