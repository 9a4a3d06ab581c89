"""What needs an editor's attention: the top of the admin dashboard and `pollserver attention`.

The hub lives on fresh content (the marketing brief: readers come back when something is new),
so the list is the to-do of an editor opening the admin: offers about to expire, polls and jams
about to close or closed without winners, ideas waiting for moderation, reward pools running
low, channels with nothing new for a month. It is a pure function of the store's records, the
build manifest (offers and channel dates) and ``now``, so a test moves the clock by hand and
the web page and the cron mail can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pollserver.domain.polls import phase
from pollserver.domain.records import Idea, Item
from pollserver.domain.specs import SpecError, parse_datetime

__all__ = ["CHANNEL_STALE", "CLOSING_SOON", "OFFER_EXPIRING", "Notice", "Records",
           "collect", "needs_attention"]

OFFER_EXPIRING = timedelta(days=7)
CLOSING_SOON = timedelta(days=3)
CHANNEL_STALE = timedelta(days=30)
#: A pool is low when this few codes are left, or a tenth of what was loaded if that is more.
POOL_LOW = 10


@dataclass(frozen=True)
class Notice:
    """One thing to do: ``kind`` (for styling and tests), the sentence, and where to do it.

    ``jam`` names the jam whose moderation page fixes it; ``url`` is the public page.
    """

    kind: str
    text: str
    due: datetime | None = None
    url: str = ""
    jam: str = ""

    def line(self) -> str:
        """Return the notice as one plain line (the CLI and cron mail)."""
        return self.text + (f" ({self.url})" if self.url else "")


class Records(Protocol):
    """The part of a store the list reads (every store has these)."""

    def list_items(self, kind: str | None = None) -> list[Item]: ...
    def list_ideas(self, jam_id: str) -> list[Idea]: ...
    def pool_stats(self) -> dict[str, tuple[int, int]]: ...


def _when(value: Any) -> datetime | None:
    try:
        return parse_datetime(value, "date")
    except SpecError:
        return None


def _days(delta: timedelta) -> str:
    days = max(delta // timedelta(days=1), 0)
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def _day(moment: datetime) -> str:
    return f"{moment:%a %d %b %Y}"


def _offers(manifest: Mapping[str, Any], now: datetime) -> list[Notice]:
    found = []
    for offer in manifest.get("offers") or []:
        expires = _when(offer.get("expires"))
        if expires and now < expires <= now + OFFER_EXPIRING:
            found.append(Notice("offer-expiring", f"Offer \u201c{offer.get('title', '')}\u201d "
                                f"expires {_days(expires - now)} ({_day(expires)}): extend it "
                                "or line up the next one", expires, str(offer.get("url", ""))))
    return found


def _item(item: Item, ideas: Sequence[Idea], now: datetime) -> list[Notice]:
    spec = item.spec
    name = f"{item.kind} \u201c{spec.get('question') or spec.get('title') or item.id}\u201d"
    closes = _when(spec.get("closes"))
    opens = _when(spec.get("opens") or spec.get("submit_from"))
    state = phase(opens, closes, item.closed_at, now, archived=item.archived)
    found = []
    if state == "open" and closes and closes <= now + CLOSING_SOON:
        found.append(Notice("closing-soon", f"The {name} closes {_days(closes - now)} "
                            f"({_day(closes)})", closes, item.url))
    if item.kind != "jam" or item.archived:
        return found
    pending = sum(1 for idea in ideas if idea.moderation == "pending")
    if pending:
        found.append(Notice("moderation", f"{pending} idea{'s' if pending != 1 else ''} "
                            f"waiting for moderation in the {name}", None, item.url, item.id))
    published = [i for i in ideas if i.moderation == "published" and i.status != "merged"]
    if state == "closed" and published and not any(i.winner for i in ideas):
        ended = item.closed_at if item.closed_at and item.closed_at <= now else closes
        found.append(Notice("no-winners", f"The {name} has closed but no winners are picked",
                            ended, item.url, item.id))
    return found


def _pools(items: Iterable[Item], pools: Mapping[str, tuple[int, int]],
           now: datetime) -> list[Notice]:
    """Pools that items still running (or not yet open) hand out, with few codes left."""
    wanted: dict[str, str] = {}
    for item in items:
        pool = item.spec.get("reward")
        closes = _when(item.spec.get("closes"))
        opens = _when(item.spec.get("opens") or item.spec.get("submit_from"))
        if pool and phase(opens, closes, item.closed_at, now, archived=item.archived) != "closed":
            wanted.setdefault(pool, item.id)
    found = []
    for pool, item_id in sorted(wanted.items()):
        total, claimed = pools.get(pool, (0, 0))
        left = total - claimed
        if left <= max(POOL_LOW, total // 10):
            found.append(Notice("pool-low", f"Reward pool {pool!r} has {left} code"
                                f"{'s' if left != 1 else ''} left (used by {item_id}): load "
                                "more codes"))
    return found


def _channels(manifest: Mapping[str, Any], now: datetime) -> list[Notice]:
    found = []
    for channel, latest in sorted((manifest.get("channels") or {}).items()):
        newest = _when(latest)
        if newest and now - newest >= CHANNEL_STALE:
            found.append(Notice("channel-stale", f"Nothing new in {channel} for "
                                f"{(now - newest).days} days (last on {_day(newest)})",
                                None, f"/{channel}/"))
    return found


def needs_attention(items: Sequence[Item], ideas: Mapping[str, Sequence[Idea]],
                    pools: Mapping[str, tuple[int, int]], manifest: Mapping[str, Any],
                    now: datetime) -> list[Notice]:
    """Return the notices, the ones with a deadline first (soonest first), then the rest."""
    found = _offers(manifest, now)
    for item in items:
        found.extend(_item(item, ideas.get(item.id, ()), now))
    found.extend(_pools(items, pools, now))
    found.extend(_channels(manifest, now))
    dated = sorted((n for n in found if n.due), key=lambda n: (n.due or now, n.text))
    return dated + [n for n in found if not n.due]


def collect(records: Records, manifest: Mapping[str, Any], now: datetime) -> list[Notice]:
    """Read what :func:`needs_attention` needs from a store and return the notices."""
    items = [i for i in records.list_items() if not i.archived]
    ideas = {i.id: records.list_ideas(i.id) for i in items if i.kind == "jam"}
    return needs_attention(items, ideas, records.pool_stats(), manifest, now)
