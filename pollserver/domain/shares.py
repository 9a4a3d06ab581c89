"""Rewards for sharing: a reader's share token, and the credit for a friend it brought.

A reader who has taken part gets a random token (never their voter id) to put in share links
as ``?via=TOKEN``. A newcomer arriving through such a link whose first write mints their
voter id credits the sharer once (one credit per newcomer, ever), unless the newcomer's keyed
client hash is the sharer's own (their second browser). Credits are champion points of their
own kind (:data:`POINTS_FRIEND`), separate from the points for ideas, and may hand the sharer a
reward code where the block names a ``share_reward`` pool, a few per sharer a day.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

__all__ = ["POINTS_FRIEND", "TOKEN_RE", "ShareCredit", "new_share_token", "parse_via"]

#: Champion points per friend brought: one named source, beside those of ideas and wins.
POINTS_FRIEND = 2
#: What a share token looks like (``secrets.token_urlsafe(12)``: 16 characters).
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")


@dataclass(frozen=True)
class ShareCredit:
    """``sharer`` brought ``newcomer`` at ``at``; ``rewarded``: within the day's reward cap."""

    sharer: str
    newcomer: str
    at: datetime
    rewarded: bool


def new_share_token() -> str:
    """Return a fresh random share token (the caller's store keeps one per voter)."""
    return secrets.token_urlsafe(12)


def parse_via(value: object) -> str | None:
    """Return a well-formed share token from a request, or ``None`` (anything else is
    ignored: a bad ``via`` never fails a write)."""
    if isinstance(value, str) and TOKEN_RE.match(value):
        return value
    return None
