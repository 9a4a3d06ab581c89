"""What the app holds for its requests and background jobs, typed: :class:`Services`.

One :class:`Services` per app, made by the factory and reached through
:mod:`pollserver.web.context` (``services()`` in a request, ``services_of(app)`` outside
one): the settings, the store, the clock, the rate limits, the voter-cookie signer and the
per-app caches. No string keys: a module that needs one of them names the attribute.

This module imports no Flask, so the presenters and the jobs can use what it defines:
:class:`Reader` is what a presenter is handed to show things to one reader (plain values, so
presenters run outside a request too).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pollserver.config import Settings
from pollserver.domain.errors import NotFound
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.paging import OrderCache
from pollserver.domain.records import Item
from pollserver.domain.specs import Spec
from pollserver.store.base import Store

__all__ = ["RateLimits", "Reader", "Services", "SpecCache"]


class RateLimits(Protocol):
    """The app's rate limits (``web/limits.py``), as the rest of the app uses them."""

    limiter: Any

    def check(self, group: str) -> None:
        """Count one hit of ``group`` for this request's voter and address (429 when over)."""

    def warning(self) -> str | None:
        """Why limits are not shared between processes right now, or ``None``."""


class SpecCache:
    """Each item's parsed spec, parsed once per version of the item (not on every vote)."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, str], tuple[dict[str, Any], Spec]] = {}

    def spec_of(self, item: Item) -> Any:
        """Return the item's parsed spec (from the cache while the item is unchanged)."""
        cached = self._specs.get((item.kind, item.id))
        if cached is None or cached[0] is not item.spec and cached[0] != item.spec:
            cached = (item.spec, spec_from_manifest(item.kind, item.spec))
            self._specs[(item.kind, item.id)] = cached
        return cached[1]

    def load(self, store: Store, kind: str, item_id: str) -> tuple[Item, Any]:
        """Return the item and its parsed spec, or raise ``NotFound``.

        The item comes from ``Store.recent_item``: a remote store (PostgreSQL) may reuse a
        copy up to a second old, saving a round trip per request; changes made through this
        process show at once.
        """
        item = store.recent_item(kind, item_id)
        if item is None:
            raise NotFound(f"There is no {kind} called {item_id[:64]!r}.")
        return item, self.spec_of(item)


@dataclass(eq=False)
class Services:
    """The app's services. ``limits`` and ``new_voters`` are set by their ``init_app``;
    ``clock`` is ``None`` for the wall clock (tests set their own)."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime] | None = None
    limits: RateLimits = field(init=False)
    #: The limits on new identities (``web/newvoters.py``); ``None`` until set up.
    new_voters: Any = None
    #: The proof of work and form time check (``web/proof.py``); ``None`` until set up.
    proof: Any = None
    #: The voter-cookie signer (``web/identity.py``), made on first use.
    signer: Any = None
    specs: SpecCache = field(default_factory=SpecCache)
    #: Jam listings prepared per version of a jam, and the orders cursors point into
    #: (``presenters/jams.py``, ``presenters/jam_pages.py``).
    jam_listings: dict[str, Any] = field(default_factory=dict)
    jam_orders: OrderCache = field(default_factory=OrderCache)
    #: A jam's ideas and what admin pages derive from them (counts, merge suggestions), kept
    #: per version of the jam (``admin/versioned.py``).
    admin_views: dict[str, Any] = field(default_factory=dict)
    #: The built site's frame for server pages (``public/shell.py``).
    shell: dict[str, Any] = field(default_factory=dict)
    #: Background jobs started for this app, by name (``web/rounds.py``).
    jobs: dict[str, threading.Thread] = field(default_factory=dict)
    #: Closes the store when the app goes away (``web/context.close_store``).
    closer: Callable[[], Any] | None = None

    def now(self) -> datetime:
        """The app's clock: asked at each call, so a clock a test sets later is used."""
        return self.clock() if self.clock is not None else datetime.now(UTC)

    def reader(self, voter: str | None, *, at: datetime | None = None,
               limited: str | None = None) -> Reader:
        """What presenters need to show things to ``voter`` now (or ``at``)."""
        return Reader(store=self.store, at=self.now() if at is None else at, voter=voter,
                      limited=limited, specs=self.specs, listings=self.jam_listings,
                      orders=self.jam_orders)


@dataclass(frozen=True)
class Reader:
    """One reader at one instant, and what presenters read for them.

    ``limited`` is the reward pool this reader's connection was refused a code from in this
    request (one code per address per day), so the reward says so. The caches are the app's
    (a presenter used alone gets fresh ones).
    """

    store: Store
    at: datetime
    voter: str | None = None
    limited: str | None = None
    specs: SpecCache = field(default_factory=SpecCache)
    listings: dict[str, Any] = field(default_factory=dict)
    orders: OrderCache = field(default_factory=OrderCache)

    def load(self, kind: str, item_id: str) -> tuple[Item, Any]:
        """Return the item and its parsed spec, or raise ``NotFound``."""
        return self.specs.load(self.store, kind, item_id)
