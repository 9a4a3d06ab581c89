"""Decide at build time which offers are current, upcoming or expired.

An expired offer keeps its page (links in old newsletters still work) but is marked expired
and never listed as current. The theme's offers.js re-checks in the browser, so an offer that
expires between two builds is not shown as current either.
"""

from __future__ import annotations


def classify_offers(offers, now) -> dict:
    """Mark each offer's `hub_state` and return current (soonest expiry first) and expired lists."""
    current, expired = [], []
    for offer in offers:
        if offer.hub_expires < now:
            offer.hub_state = "expired"
            expired.append(offer)
        else:
            offer.hub_state = "upcoming" if offer.hub_starts and offer.hub_starts > now else "live"
            current.append(offer)
    current.sort(key=lambda o: o.hub_expires)
    expired.sort(key=lambda o: o.hub_expires, reverse=True)
    return {"hub_current_offers": current, "hub_expired_offers": expired}
