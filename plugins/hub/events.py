"""Split events into upcoming and past at build time, by when they end."""

from __future__ import annotations


def classify_events(events, now) -> dict:
    """Return upcoming events (soonest first) and past events (latest first)."""
    upcoming = sorted((e for e in events if e.hub_ends >= now), key=lambda e: e.hub_starts)
    past = sorted((e for e in events if e.hub_ends < now), key=lambda e: e.hub_starts, reverse=True)
    for event in upcoming:
        event.hub_state = "upcoming"
    for event in past:
        event.hub_state = "past"
    return {"hub_upcoming_events": upcoming, "hub_past_events": past}
