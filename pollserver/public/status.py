"""Render the outcome of a no-JS form post into a static page's status slot (a view's part:
it renders a template, so it lives here, not with the Flask-free presenters)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from pollserver.domain.errors import DomainError
from pollserver.domain.outbox import FOLLOW_SENT
from pollserver.presenters.polls import poll_view
from pollserver.web.context import load, reader
from pollserver.web.identity import current_voter
from pollserver.web.locale import current_lang
from pollserver.web.messages import localized
from pollserver.web.texts import in_language

__all__ = ["render_status"]


def _poll_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    results = view["results"]
    if not results:
        return []
    total = results["total"] or 1  # share of voters, as the baked table and engage/poll.js show
    mine = set(view["my_vote"] or ())
    return [{"label": o["label"], "count": results["counts"][o["key"]],
             "pct": round(100 * results["counts"][o["key"]] / total),
             "mine": o["key"] in mine} for o in view["options"]]


def render_status(kind: str, item_id: str, outcome: dict[str, Any]) -> str:
    """Return the HTML for the slot: the message, and for polls the results if visible."""
    context: dict[str, Any] = {"ok": bool(outcome.get("ok")), "message": outcome.get("m", ""),
                               "kind": kind, "rows": [], "view": None, "item_id": item_id,
                               # after a vote or an answer, offer to hear what becomes of it
                               "follow": kind == "poll" and bool(outcome.get("ok"))
                               and outcome.get("m") not in (FOLLOW_SENT,
                                                            localized(FOLLOW_SENT))}
    if kind == "poll":
        try:
            item, spec = load("poll", item_id)
        except DomainError:
            pass
        else:
            view = in_language(poll_view(reader(current_voter()), item, spec), current_lang())
            context.update(view=view, rows=_poll_rows(view))
    return render_template("engage/status.html", **context)
