"""Where an item stands at an instant: the one phase rule for polls, jams and surveys.

Every item is ``not-open``, ``open`` or ``closed`` (the words the API and the admin show);
an editor's early close and archiving win over the dates. A jam's opening is its
``submit_from``. A jam also has a finer stage while open (taking ideas, or votes): see
:func:`pollserver.domain.jams.jam_state`. The build uses the same function, with no item
(nothing is closed early at build time).
"""

from __future__ import annotations

from datetime import datetime

from pollserver.domain.polls import phase
from pollserver.domain.records import Item
from pollserver.domain.specs import JamSpec, Spec

__all__ = ["CLOSED", "NOT_OPEN", "OPEN", "phase_of"]

NOT_OPEN, OPEN, CLOSED = "not-open", "open", "closed"


def phase_of(item: Item | None, spec: Spec, at: datetime) -> str:
    """Return ``not-open``, ``open`` or ``closed`` for the item (or a bare spec) at ``at``."""
    opens = spec.submit_from if isinstance(spec, JamSpec) else spec.opens
    if item is None:
        return phase(opens, spec.closes, None, at)
    return phase(opens, spec.closes, item.closed_at, at, archived=item.archived)
