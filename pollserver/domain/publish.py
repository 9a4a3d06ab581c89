"""The publish trigger's part of the outbox: which events change what static pages show.

Every such event gets one delivery of consumer :data:`PUBLISH` (recipient :data:`SITE`)
when it is written. Pending rows are exactly "what changed since the last build": the build's
``pollserver results`` step marks the rows it baked, and the publisher (with
``POLLSERVER_PUBLISH_COMMAND``) claims them all, runs the command once and finishes them.
"""

from __future__ import annotations

from pollserver.domain.events import PUBLISH, types_for

__all__ = ["PUBLISH", "PUBLISH_EVENTS", "SITE"]

#: Its one recipient (of the outbox consumer :data:`PUBLISH`): the static site.
SITE = "site"
#: Events after which the static pages are out of date (a jam closed, winners picked, a poll
#: closed, an idea's status changed: the roadmap and results pages show them): those that
#: declare the audience :data:`PUBLISH` in ``events.py``.
PUBLISH_EVENTS = frozenset(types_for(PUBLISH))
