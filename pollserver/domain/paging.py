"""Pages of a jam's idea list: the ``limit``/``cursor``/``q`` arguments and the cursor itself.

A jam can hold a thousand ideas; a reader sees fifty at a time. Sorting by votes while votes
move is the hard part: with offsets or "after this vote count" keys, an idea that gains votes
between two pages jumps back over the cursor and is never shown (or shown twice). So a cursor
names the *order* it was cut from (the jam's version when the first page was served) and its
position in that order; as long as the server still holds that order, the following pages
continue it exactly, with each idea's current vote count. When it does not (another worker,
or an order old enough to have been dropped) the cursor falls back to the position of the
last idea it showed in today's order.

The cursor is opaque to clients (base64 of a small JSON object) and not secret: all it can
choose is a position in a list the reader may read anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock

from pollserver.domain.errors import BadRequest

__all__ = ["Cursor", "OrderCache", "PageRequest", "cut_page", "decode_cursor",
           "encode_cursor", "parse_page_request", "search_terms"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
Q_MAX = 200
TERMS_MAX = 8
CURSOR_MAX = 300


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: ``offset`` in the order named by ``order``."""

    order: str | None
    offset: int
    last: str


@dataclass(frozen=True)
class PageRequest:
    """One request's paging arguments, checked."""

    limit: int = DEFAULT_LIMIT
    q: str = ""
    cursor: Cursor | None = None
    topic: str = ""  # a topic key of the jam (``?topic=``), or every topic
    status: str = ""  # a status key (``?status=``), or every status

    @property
    def filtered(self) -> bool:
        """Whether the listing is narrowed (search, topic or status): totals are counted."""
        return bool(self.q or self.topic or self.status)


def encode_cursor(cursor: Cursor) -> str:
    raw = json.dumps({"o": cursor.order, "n": cursor.offset, "l": cursor.last},
                     separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> Cursor:
    """Read a cursor from a client; anything else is a 400, never a 500."""
    bad = BadRequest("cursor is not one this server gave out; start from the first page.",
                     field="cursor")
    if not value or len(value) > CURSOR_MAX:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict):
        raise bad
    order, offset, last = data.get("o"), data.get("n"), data.get("l")
    if (order is not None and not isinstance(order, str)) or not isinstance(last, str) \
            or not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise bad
    return Cursor(order, offset, last)


def search_terms(q: str) -> list[str]:
    """Return the words of a search, case-folded: an idea matches when it has all of them."""
    return q.casefold().split()[:TERMS_MAX]


def parse_page_request(args: Callable[[str], str | None]) -> PageRequest:
    """Check ``limit`` (1 to 100, default 50), ``q``, ``cursor``, ``topic`` and ``status``."""
    raw_limit = args("limit")
    limit = DEFAULT_LIMIT
    if raw_limit not in (None, ""):
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.",
                             field="limit")
        limit = int(raw_limit)
    q = (args("q") or "").strip()
    if len(q) > Q_MAX or any(ord(c) < 32 for c in q):
        raise BadRequest(f"q must be at most {Q_MAX} characters of text.", field="q")
    raw_cursor = args("cursor")
    cursor = decode_cursor(raw_cursor) if raw_cursor else None
    topic, status = (_key(args(name), name) for name in ("topic", "status"))
    return PageRequest(limit=limit, q=q, cursor=cursor, topic=topic, status=status)


def _key(value: str | None, name: str) -> str:
    """Check a filter's key: lower-case letters, digits and dashes (or nothing)."""
    value = (value or "").strip()
    if value and (len(value) > 64 or not all(c.isascii() and (c.isalnum() or c == "-")
                                              for c in value) or value.lower() != value):
        raise BadRequest(f"{name} must be a key of lower-case letters, digits and dashes.",
                         field=name)
    return value


class OrderCache:
    """The last few idea orders handed out with a cursor, by (jam, version, sort).

    An order is a list the jam's listing already built, so keeping one costs a reference.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._orders: OrderedDict[tuple[str, str], Sequence[str]] = OrderedDict()
        self._lock = Lock()

    def keep(self, jam_id: str, token: str, order: Sequence[str]) -> None:
        with self._lock:
            self._orders[(jam_id, token)] = order
            self._orders.move_to_end((jam_id, token))
            while len(self._orders) > self.size:
                self._orders.popitem(last=False)

    def get(self, jam_id: str, token: str | None) -> Sequence[str] | None:
        if token is None:
            return None
        with self._lock:
            return self._orders.get((jam_id, token))


def cut_page(order: Sequence[str], request: PageRequest, *, token: str | None,
             kept: Sequence[str] | None, keep: Callable[[], None],
             shown: Callable[[str], bool]) -> tuple[list[str], str | None, int]:
    """Return (ids on this page, next cursor or ``None``, ideas in the whole listing).

    ``order`` is today's order and ``token`` its name, ``kept`` the order the cursor names if
    still held, ``shown`` tells whether an id is listed now (still there, matches the search);
    ``keep`` stores today's order when this page hands out a cursor into it. Positions count
    in the unfiltered order, so an idea removed between two pages shifts nothing.
    """
    cursor = request.cursor
    ids: list[str]
    if cursor is None and not request.filtered:  # the common first page: nothing to filter
        ids = list(order[:request.limit])
        if len(order) <= request.limit:
            return ids, None, len(order)
        if token is not None:
            keep()
        return ids, encode_cursor(Cursor(token, request.limit, ids[-1])), len(order)
    base, start = order, 0
    if cursor is not None and kept is not None:
        base, start, token = kept, min(cursor.offset, len(kept)), cursor.order
    elif cursor is not None:
        token = None  # today's order is not the cursor's: carry on after its last idea
        try:
            start = order.index(cursor.last) + 1
        except ValueError:
            start = min(cursor.offset, len(order))
    ids = []
    end = start
    while end < len(base) and len(ids) < request.limit:
        if shown(base[end]):
            ids.append(base[end])
        end += 1
    # Without a search or filter the listing is today's order (every id in it is shown).
    total = sum(1 for i in base if shown(i)) if request.filtered else len(order)
    if not ids or not any(shown(i) for i in base[end:]):
        return ids, None, total
    if cursor is None and token is not None:
        keep()
    return ids, encode_cursor(Cursor(token, end, ids[-1])), total
