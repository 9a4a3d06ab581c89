"""The events registry (``pollserver.domain.events``) is the one list of event types.

Its constructors are registered with their audiences and wording; the lists other modules
used to write out by hand (webhook choices, publish trigger, feed types, which events are
mailed) are computed from it, and these tests pin what they compute to what the product
promises, so moving an event between audiences is a visible, deliberate change.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pollserver.actions.follows import FEED_TYPES
from pollserver.domain import events
from pollserver.domain.events import (
    CONFIRM,
    EVENT_TYPES,
    EVENTS,
    MAIL,
    MAIL_EVENTS,
    describe,
    new_event,
)
from pollserver.domain.outbox import event_from
from pollserver.domain.publish import PUBLISH_EVENTS
from pollserver.domain.webhooks import WEBHOOK_EVENTS

AT = datetime(2026, 12, 1, tzinfo=UTC)
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_lists_are_computed_from_the_registry() -> None:
    assert EVENT_TYPES == (
        "idea.created", "idea.published", "idea.status_changed", "idea.merged", "idea.won",
        "jam.closed", "jam.reopened", "poll.closed", "idea.removed", "survey.answered",
        "reward.issued", "follow.requested", "reward.pool_low", "claim.made", "webhook.test")
    assert WEBHOOK_EVENTS == (
        "idea.created", "idea.published", "idea.status_changed", "idea.merged", "idea.won",
        "jam.closed", "poll.closed", "survey.answered", "reward.pool_low", "claim.made")
    assert PUBLISH_EVENTS == {"jam.closed", "jam.reopened", "idea.won", "poll.closed",
                              "idea.status_changed", "idea.removed"}
    assert set(FEED_TYPES) == {"idea.status_changed", "idea.merged", "idea.won",
                               "idea.published", "jam.closed", "jam.reopened", "poll.closed",
                               "reward.issued"}
    assert MAIL_EVENTS == {"idea.status_changed", "idea.merged", "idea.won", "jam.closed",
                           "jam.reopened", "poll.closed", "reward.issued"}


@pytest.mark.parametrize("name", EVENT_TYPES)
def test_each_constructor_builds_its_own_type(name: str) -> None:
    kind = EVENTS[name]
    assert f'new_event("{name}"' in inspect.getsource(kind.constructor)
    assert kind.doc and getattr(events, kind.constructor.__name__) is kind.constructor


@pytest.mark.parametrize("name", sorted(MAIL_EVENTS))
def test_every_mailed_event_has_its_own_wording(name: str) -> None:
    event = event_from(new_event(name, ["x:1"], {"title": "T", "url": "/x"}, at=AT))
    letter = describe(event)
    assert "Something changed" not in " ".join(letter.lines) and letter.link == "/x"


def test_an_event_without_wording_says_what_changed() -> None:
    event = event_from(new_event("idea.published", ["idea:1"], {"title": "T"}, at=AT))
    assert describe(event).lines == ("Something changed: idea.published.",)


def test_mail_is_the_default_exactly_for_mailed_events() -> None:
    for name, kind in EVENTS.items():
        expected = bool(kind.audiences & {MAIL, CONFIRM})
        assert new_event(name, ["x:1"], {}, at=AT)["notify"] is expected, name
    assert new_event("idea.status_changed", ["x:1"], {}, at=AT, notify=False)["notify"] is False


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type 'idea.liked'"):
        new_event("idea.liked", ["idea:1"], {}, at=AT)


def test_every_webhook_event_is_documented() -> None:
    section = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1].split("\n## ")[0]
    missing = [name for name in (*WEBHOOK_EVENTS, "webhook.test") if f"`{name}`" not in section]
    assert missing == [], "README.md's Webhooks section does not name these events"
