"""No-JS outcomes on the two-origin deployment: where a form posted from the static site goes
back to, and which baked message it shows there.

On one origin a no-JS post comes back with a signed cookie that pollserver reads when it
serves the page. A static page on another host cannot read that cookie, so the block
templates (``plugins/engage/templates/engage/*.html``) bake one short message per outcome,
hidden until the URL's fragment targets it (CSS ``:target``), and the 303 names it:
``https://www.brand.example/news/a.html#poll-day-voted``. The page is always one the
manifest knows for the item (its own URL, or a translation's for the form's ``lang``).
"""

from __future__ import annotations

__all__ = ["OUTCOMES", "failed_outcome", "outcome_anchor"]

#: Every outcome a block bakes a message for, by kind (keep in step with the templates).
OUTCOMES = {
    "poll": ("voted", "already", "closed", "error"),
    "jam": ("sent", "pending", "closed", "error"),
    "survey": ("thanks", "already", "closed", "error"),
}
#: Error codes the same-origin flow words apart, as outcomes; every other error is "error".
_FAILED = {"already_voted": "already", "poll_closed": "closed", "poll_not_open": "closed"}


def failed_outcome(kind: str, code: str) -> str:
    """The outcome of a refused form post with error ``code``."""
    return _FAILED.get(code, "error") if kind in OUTCOMES else "error"


def outcome_anchor(kind: str, item_id: str, outcome: str) -> str:
    """The id of the baked message (``poll-day-voted``); a survey's thanks is its section."""
    if kind == "survey" and outcome == "thanks":
        return f"survey-{item_id}-thanks"
    return f"{kind}-{item_id}-{outcome}"

