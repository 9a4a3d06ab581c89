"""Editor JSON API for jams under ``/api/admin/jams``: moderate, merge, pick winners, close.

Only a signed-in editor gets through (401 ``unauthorized`` otherwise), and every change needs
the session's CSRF token in ``X-CSRF-Token``. The work is done by :mod:`pollserver.editor.jams`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from pollserver.api import bp
from pollserver.domain.errors import BadRequest
from pollserver.domain.records import Idea
from pollserver.domain.specs import iso_utc
from pollserver.editor import ideas as corrections
from pollserver.editor import jams as actions
from pollserver.presenters.jams import jam_view
from pollserver.presenters.markup import idea_html
from pollserver.web.context import get_store, load, now, reader
from pollserver.web.editors import current_editor, editor_required
from pollserver.web.inputs import has_body


def editor_idea(idea: Idea) -> dict[str, Any]:
    """Return an idea with everything an editor sees (every moderation state)."""
    return {"id": idea.id, "jam": idea.jam_id, "title": idea.title, "body": idea.body,
            "body_html": idea_html(idea.body), "author": idea.author, "votes": idea.votes,
            "moderation": idea.moderation, "status": idea.status, "winner": idea.winner,
            "merged_into": idea.merged_into, "created_at": iso_utc(idea.created_at),
            "topics": list(idea.topics)}


def _json() -> dict[str, Any]:
    if not has_body():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def _actor() -> str:
    return current_editor() or "unknown"


@bp.get("/admin/jams/<jam_id>")
@editor_required
def editor_jam(jam_id: str) -> Response:
    """Return the jam as readers see it plus every idea in any moderation state."""
    item, spec = load("jam", jam_id)
    body = jam_view(reader(None), item, spec)
    ideas = get_store().list_ideas(spec.id)
    body["all_ideas"] = [editor_idea(i) for i in ideas]
    body["pending"] = sum(1 for i in ideas if i.moderation == "pending")
    return jsonify(body)


_MODERATE = {"approve": actions.approve, "reject": actions.reject, "hide": actions.hide}


@bp.post("/admin/jams/<jam_id>/ideas/<idea_id>/<action>")
@editor_required
def editor_idea_action(jam_id: str, idea_id: str, action: str) -> Response:
    """Approve, reject, hide, set the status of, merge, correct (``edit``: ``{title, body}``)
    or give topics to (``topics``: ``{topics: [keys]}``) one idea."""
    load("jam", jam_id)
    data = _json()
    store, at = get_store(), now()
    if action in _MODERATE:
        idea = _MODERATE[action](store, _actor(), idea_id, at=at, jam_id=jam_id)
    elif action == "status":
        note, notify = data.get("note", ""), data.get("notify", True)
        if not isinstance(note, str):
            raise BadRequest("note must be text.", field="note")
        if not isinstance(notify, bool):
            raise BadRequest("notify must be true or false.", field="notify")
        idea = actions.set_status(store, _actor(), idea_id, str(data.get("status", "")),
                                  at=at, jam_id=jam_id, note=note.strip(), notify=notify)
    elif action == "merge":
        into = data.get("into")
        if not isinstance(into, str | int) or isinstance(into, bool):
            raise BadRequest("Name the idea to merge into as 'into'.", field="into")
        idea = actions.merge(store, _actor(), idea_id, str(into), at=at, jam_id=jam_id)
    elif action == "edit":  # a correction: the old words go to the audit log, nobody is told
        idea = corrections.edit_idea(store, _actor(), jam_id, idea_id, title=data.get("title"),
                                     body=data.get("body"), at=at)
    elif action == "topics":
        topics = data.get("topics")
        if not isinstance(topics, list):
            raise BadRequest("topics must be a list of topic keys.", field="topics")
        idea = corrections.set_topics(store, _actor(), jam_id, idea_id, topics, at=at)
    else:
        raise BadRequest(f"Unknown action {action[:20]!r}; use approve, reject, hide, "
                         "status, merge, edit or topics.")
    return jsonify({"idea": editor_idea(idea)})


@bp.post("/admin/jams/<jam_id>/winners")
@editor_required
def editor_winners(jam_id: str) -> Response:
    """Make the listed ideas (``{"ideas": [ids]}``) the jam's winners."""
    load("jam", jam_id)
    chosen = _json().get("ideas")
    if not isinstance(chosen, list) or not all(isinstance(i, str | int) for i in chosen):
        raise BadRequest("ideas must be a list of idea ids.", field="ideas")
    winners = actions.pick_winners(get_store(), _actor(), jam_id, [str(i) for i in chosen],
                                   at=now())
    return jsonify({"winners": [editor_idea(i) for i in winners]})


@bp.post("/admin/jams/<jam_id>/close")
@editor_required
def editor_close(jam_id: str) -> Response:
    """Close the jam now."""
    load("jam", jam_id)
    actions.close_early(get_store(), _actor(), jam_id, at=now())
    item, spec = load("jam", jam_id)
    return jsonify(jam_view(reader(None), item, spec))


@bp.post("/admin/jams/<jam_id>/reopen")
@editor_required
def editor_reopen(jam_id: str) -> Response:
    """Undo an early close."""
    load("jam", jam_id)
    actions.reopen(get_store(), _actor(), jam_id, at=now())
    item, spec = load("jam", jam_id)
    return jsonify(jam_view(reader(None), item, spec))
