"""The publish trigger's part of the outbox: which events change what static pages show.

Every such event gets one delivery of consumer :data:`PUBLISH` (recipient :data:`SITE`)
when it is written. Pending rows are exactly "what changed since the last build": the build's
``pollserver results`` step marks the rows it baked, and the publisher (with
``POLLSERVER_PUBLISH_COMMAND``) claims them all, runs the command once and finishes them.
"""

from __future__ import annotations

__all__ = ["PUBLISH", "PUBLISH_EVENTS", "SITE"]

#: The outbox consumer of the publish trigger.
PUBLISH = "publish"
#: Its one recipient: the static site.
SITE = "site"
#: Events after which the static pages are out of date (a jam closed, winners picked, a poll
#: closed, an idea's status changed: the roadmap and results pages show them; a published
#: idea hidden, rejected or erased by its author: its title and name must leave them).
PUBLISH_EVENTS = frozenset({"jam.closed", "jam.reopened", "idea.won", "poll.closed",
                            "idea.status_changed", "idea.removed"})
