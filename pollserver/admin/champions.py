"""Champions and profiles in the editor UI.

On a jam's moderation page each idea with a recognisable author (a voter id) has a "Make
champion" or "Revoke champion" button; ``/admin/profiles`` lists the grants and every
profile, with hide/show and merge forms. The work and the audit entries are
:mod:`pollserver.editor.champions`, shared with the editor JSON API.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, redirect, render_template, request, url_for

from pollserver.admin import bp
from pollserver.admin.auth import current_editor, editor_required
from pollserver.admin.moderation import run_action
from pollserver.domain.champions import profile_target
from pollserver.editor import champions as actions
from pollserver.errors import DomainError
from pollserver.web.context import get_store, now
from pollserver.web.errors import respond


@bp.post("/jams/<jam_id>/ideas/<idea_id>/<any(champion, 'revoke-champion'):action>")
@editor_required
def idea_champion(jam_id: str, idea_id: str, action: str) -> Response | tuple[str, int]:
    """Make the idea's author a champion, or take it back."""
    def work() -> str:
        store = get_store()
        if action == "champion":
            actions.grant(store, current_editor(), idea_id, at=now(), jam_id=jam_id)
            return "Its author is now a champion: they can read insider previews."
        if actions.revoke(store, current_editor(), idea_id, at=now(), jam_id=jam_id):
            return "Its author is no longer a champion."
        return "Its author was not a champion."
    return run_action(jam_id, work)


def _profiles_page(status: int = 200, error: str = "") -> tuple[str, int]:
    store = get_store()
    names = actions.known_slugs(store)
    rules = store.profile_rules()
    profiles = [{"slug": slug, "name": name, "rule": rules.get(slug),
                 "shown_as": profile_target(slug, rules)}
                for slug, name in sorted(names.items())]
    grants = []
    for grant in store.list_champions():
        idea = store.get_idea(grant.idea_id)
        grants.append({"grant": grant, "idea": idea})
    return render_template("admin/profiles.html", title="Champions and profiles",
                           profiles=profiles, grants=grants, error=error,
                           notice=request.args.get("notice", "")[:200]), status


@bp.get("/profiles")
@editor_required
def profiles() -> tuple[str, int]:
    """List champions and profiles."""
    return _profiles_page()


def _profile_run(work: Callable[[], str]) -> Response | tuple[str, int]:
    try:
        notice = work()
    except DomainError as error:
        return respond(error, page=lambda e: _profiles_page(e.status, e.message))
    return redirect(url_for("admin.profiles", notice=notice), code=303)


@bp.post("/profiles/<slug>/<any(hide, show, merge):action>")
@editor_required
def profile_action(slug: str, action: str) -> Response | tuple[str, int]:
    """Hide or show a profile, or merge it into another (an empty target undoes a merge)."""
    def work() -> str:
        store, editor, at = get_store(), current_editor(), now()
        if action in ("hide", "show"):
            actions.hide_profile(store, editor, slug, hidden=action == "hide", at=at)
            return f"The profile {slug} is {'hidden' if action == 'hide' else 'shown again'}."
        into = request.form.get("into", "")
        rule = actions.merge_profile(store, editor, slug, into, at=at)
        if rule is None or not rule.merged_into:
            return f"The profile {slug} stands on its own again."
        return f"The profile {slug} now shows under {rule.merged_into}."
    return _profile_run(work)
