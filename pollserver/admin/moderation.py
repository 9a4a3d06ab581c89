"""Jam moderation screens: approve, reject, hide, set status, merge, pick winners, close.

The work (and its audit entry) is done by :mod:`pollserver.editor.jams`, the same functions
the editor JSON API calls; these views only read forms and show the outcome.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, redirect, render_template, request, url_for

from pollserver.admin import bp
from pollserver.admin.auth import current_editor, editor_required
from pollserver.admin.overview import item_state
from pollserver.admin.versioned import ideas_of, per_version
from pollserver.domain.statuses import label_of, settable
from pollserver.editor import jams as actions
from pollserver.editor.champions import champion_ideas
from pollserver.errors import DomainError
from pollserver.presenters.moderation import moderation_page, read_page
from pollserver.store.roadmap import site_statuses
from pollserver.web.context import get_store, load, now
from pollserver.web.errors import respond

MODERATION_ACTIONS: dict[str, Callable[..., object]] = {
    "approve": actions.approve, "reject": actions.reject, "hide": actions.hide,
}
DONE = {"approve": "published", "reject": "rejected", "hide": "hidden"}


def _page(jam_id: str, status: int = 200, error: str = "", field: str | None = None
          ) -> tuple[str, int]:
    item, spec = load("jam", jam_id)
    everything = ideas_of(jam_id)
    q, state = request.args.get("q", "")[:200], request.args.get("state", "")[:20]
    number = read_page(request.args.get("page"))
    view = per_version(jam_id, f"page\n{q}\n{state}\n{number}",
                       lambda ideas: moderation_page(ideas, q=q, state=state, page=number))
    shown = view.ideas + [w for w in view.winners if w not in view.ideas]
    return render_template(
        "admin/jam.html", title=f"Moderate: {spec.title}", item=item, spec=spec,
        state=item_state(item), ideas=view.ideas, view=view, ideas_total=len(everything),
        statuses=_status_choices(), status_labels=_status_labels(),
        followers=get_store().follower_counts(),
        champions=champion_ideas(get_store(), shown),
        error=error, error_field=field, notice=request.args.get("notice", "")[:200],
    ), status


def _done(jam_id: str, notice: str) -> Response:
    return redirect(url_for("admin.jam", jam_id=jam_id, notice=notice), code=303)


def run_action(jam_id: str, work: Callable[[], str]) -> Response | tuple[str, int]:
    """Run one editor action; on a rule error show the page again with the reason."""
    try:
        return _done(jam_id, work())
    except DomainError as error:
        if error.status == 404:
            raise
        return respond(error, page=lambda e: _page(jam_id, e.status, e.message, e.field))



def _status_labels() -> dict[str, str]:
    """Every status key with the site's label ("Brewing", not ``in-progress``)."""
    statuses = site_statuses(get_store(), main=True)
    return {status.key: status.label for status in statuses}


def _status_choices() -> list[tuple[str, str]]:
    """The statuses an editor may set, as ``(key, the site's label)`` for the form."""
    statuses = site_statuses(get_store(), main=True)
    return [(key, label_of(statuses, key).label) for key in settable(statuses)]

@bp.get("/jams/<jam_id>")
@editor_required
def jam(jam_id: str) -> tuple[str, int]:
    """Show one page of a jam's ideas (search, state filter), waiting ones first."""
    return _page(jam_id)


@bp.post("/jams/<jam_id>/ideas/<idea_id>/<any(approve, reject, hide):action>")
@editor_required
def moderate(jam_id: str, idea_id: str, action: str) -> Response | tuple[str, int]:
    """Approve, reject or hide one idea."""
    def work() -> str:
        idea = MODERATION_ACTIONS[action](get_store(), current_editor(), idea_id, at=now(),
                                          jam_id=jam_id)
        return f"“{idea.title}” is now {DONE[action]}."
    return run_action(jam_id, work)


@bp.post("/jams/<jam_id>/ideas/<idea_id>/status")
@editor_required
def idea_status(jam_id: str, idea_id: str) -> Response | tuple[str, int]:
    """Set where an idea stands (open, planned, in-progress, done, declined)."""
    def work() -> str:
        idea = actions.set_status(get_store(), current_editor(), idea_id,
                                  request.form.get("status", ""), at=now(), jam_id=jam_id,
                                  note=request.form.get("note", "").strip(),
                                  notify=request.form.get("notify") == "yes")
        label = _status_labels().get(idea.status, idea.status)
        return f"“{idea.title}” is now {label}."
    return run_action(jam_id, work)


@bp.post("/jams/<jam_id>/ideas/<idea_id>/merge")
@editor_required
def idea_merge(jam_id: str, idea_id: str) -> Response | tuple[str, int]:
    """Merge this idea into another one of the same jam."""
    def work() -> str:
        target = actions.merge(get_store(), current_editor(), idea_id,
                               request.form.get("into", ""), at=now(), jam_id=jam_id)
        return f"Merged into “{target.title}” ({target.votes} votes)."
    return run_action(jam_id, work)


@bp.post("/jams/<jam_id>/winners")
@editor_required
def winners(jam_id: str) -> Response | tuple[str, int]:
    """Make exactly the ticked ideas the winners."""
    def work() -> str:
        chosen = actions.pick_winners(get_store(), current_editor(), jam_id,
                                      request.form.getlist("winner"), at=now())
        return f"{len(chosen)} winner{'s' if len(chosen) != 1 else ''} picked."
    return run_action(jam_id, work)


@bp.post("/jams/<jam_id>/<any(close, reopen):action>")
@editor_required
def close_or_reopen(jam_id: str, action: str) -> Response | tuple[str, int]:
    """Close the jam now, or undo an early close."""
    def work() -> str:
        if action == "close":
            actions.close_early(get_store(), current_editor(), jam_id, at=now())
            return "The jam is closed."
        actions.reopen(get_store(), current_editor(), jam_id, at=now())
        return "The early close was undone; the jam's own dates apply."
    return run_action(jam_id, work)
