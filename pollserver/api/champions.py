"""Editor JSON API for champions and profiles under ``/api/admin``.

``POST /api/admin/champions`` (``{"idea": ID}``) makes the idea's author a champion,
``DELETE /api/admin/champions/ID`` takes it back; ``GET`` lists the grants (never a voter
id). ``POST /api/admin/profiles/SLUG`` hides or merges a profile. Signed-in editors only,
with the session's CSRF token in ``X-CSRF-Token``, like the jam actions; the work and its
audit entry are :mod:`pollserver.editor.champions`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from pollserver.api import bp
from pollserver.domain.champions import Champion, ProfileRule
from pollserver.domain.errors import BadRequest
from pollserver.domain.profiles import slug_of
from pollserver.domain.specs import iso_utc
from pollserver.editor import champions as actions
from pollserver.web.context import get_store, now
from pollserver.web.editors import current_editor, editor_required
from pollserver.web.inputs import has_body


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True) if has_body() else {}
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def _grant(grant: Champion) -> dict[str, Any]:
    idea = get_store().get_idea(grant.idea_id)
    return {"idea": grant.idea_id, "jam": idea.jam_id if idea else None,
            "title": idea.title if idea else None, "author": idea.author if idea else None,
            "granted_by": grant.granted_by, "granted_at": iso_utc(grant.granted_at)}


def _rule(slug: str, rule: ProfileRule | None) -> dict[str, Any]:
    return {"slug": slug, "hidden": bool(rule and rule.hidden),
            "merged_into": rule.merged_into if rule else None}


@bp.get("/admin/champions")
@editor_required
def editor_champions() -> Response:
    """List every champion grant, oldest first."""
    return jsonify({"champions": [_grant(g) for g in get_store().list_champions()]})


@bp.post("/admin/champions")
@editor_required
def editor_grant_champion() -> Response:
    """Make the author of ``{"idea": ID}`` a champion."""
    idea = _json().get("idea")
    if not isinstance(idea, str | int) or isinstance(idea, bool) or not str(idea):
        raise BadRequest("Name the idea whose author becomes a champion as 'idea'.",
                         field="idea")
    grant = actions.grant(get_store(), current_editor() or "unknown", str(idea), at=now())
    return jsonify({"champion": _grant(grant)})


@bp.delete("/admin/champions/<idea_id>")
@editor_required
def editor_revoke_champion(idea_id: str) -> Response:
    """Take champion status from the idea's author."""
    revoked = actions.revoke(get_store(), current_editor() or "unknown", idea_id, at=now())
    return jsonify({"revoked": revoked})


@bp.post("/admin/profiles/<slug>")
@editor_required
def editor_profile(slug: str) -> Response:
    """Hide or show (``hidden``), merge or unmerge (``merged_into``: a slug or null)."""
    data = _json()
    if "hidden" not in data and "merged_into" not in data:
        raise BadRequest("Send 'hidden' (true or false) or 'merged_into' (a profile or null).")
    store, actor, at = get_store(), current_editor() or "unknown", now()
    hidden, into = data.get("hidden"), data.get("merged_into")
    # Everything is checked before anything is saved: an error means nothing changed.
    if "hidden" in data and not isinstance(hidden, bool):
        raise BadRequest("hidden must be true or false.", field="hidden")
    if into is not None and not isinstance(into, str):
        raise BadRequest("merged_into must be a profile name or null.", field="merged_into")
    if "merged_into" in data:
        actions.check_merge(store, slug, into or "")
    rule: ProfileRule | None = None
    if isinstance(hidden, bool):
        rule = actions.hide_profile(store, actor, slug, hidden=hidden, at=at)
    if "merged_into" in data:
        rule = actions.merge_profile(store, actor, slug, into or "", at=at)
    return jsonify({"profile": _rule(slug_of(slug), rule)})
