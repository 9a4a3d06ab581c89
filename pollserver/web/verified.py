"""``voters: verified``: the one check every way of voting goes through (the API, the embed
iframe's plain form, the newsletter's confirm page)."""

from __future__ import annotations

from pollserver.domain.specs import JamSpec, PollSpec
from pollserver.errors import VerificationRequired
from pollserver.web.context import get_store
from pollserver.web.identity import current_voter

__all__ = ["require_verified"]


def require_verified(spec: PollSpec | JamSpec, voter: str | None = None) -> None:
    """Refuse a reader who is not a verified customer where the block says
    ``voters: verified`` (403 ``verification_required``); ``voter`` defaults to this
    browser's."""
    if spec.voters != "verified":
        return
    who = voter if voter is not None else current_voter()
    if who is None or not get_store().is_verified(who):
        raise VerificationRequired(
            "Only verified customers can take part here. Sign in on our shop and follow "
            "its \"verify\" link; /verify explains how.")
