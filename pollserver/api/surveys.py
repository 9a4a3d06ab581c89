"""Survey endpoints: read a promoter survey and answer it (JSON or no-JS form)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from pollserver.actions import shares, surveys
from pollserver.api import bp
from pollserver.api.guards import reply, state_changing
from pollserver.domain.records import Item
from pollserver.domain.surveys import invite
from pollserver.presenters.polls import reward_view
from pollserver.presenters.surveys import survey_view
from pollserver.web.context import get_store, load, now, reader
from pollserver.web.identity import client_ip_hash, current_voter, ensure_voter
from pollserver.web.newvoters import reward_gate

THANKS = {
    "promoter": "Thank you! We are glad you would recommend us.",
    "passive": "Thank you for your answer.",
    "detractor": "Thank you for telling us; we are sorry we fell short.",
}


def _page_url(item: Item) -> str:
    """Return the absolute address of the survey's article, for share links."""
    path = item.url if item.url.startswith("/") else "/"
    return request.host_url.rstrip("/") + path


def _token(voter: str) -> str:
    """The respondent's share token: their share links credit them for friends they bring."""
    return shares.my_token(get_store(), voter, client=client_ip_hash())


@bp.get("/surveys/<survey_id>")
def get_survey(survey_id: str) -> Response:
    """Return the survey's question, follow-ups, review links and the voter's answer."""
    item, spec = load("survey", survey_id)
    return jsonify(survey_view(reader(current_voter()), item, spec))


@bp.post("/surveys/<survey_id>/responses")
@state_changing("survey", limit="answer",
                proof=lambda body: bool(str(body.get("comment") or "").strip()))
def answer(survey_id: str, body: Any) -> Response:
    """Record one answer per voter and return the same review invitation for every score."""
    item, spec = load("survey", survey_id)
    done = surveys.answer(get_store(), item, spec, ensure_voter, score=body.get("score"),
                          comment=body.get("comment"),
                          consent_to_quote=body.get("consent_to_quote"), at=now(),
                          reward=reward_gate)
    payload = {
        "category": done.category,
        "invite": invite(spec, done.category, comment=done.comment,
                         consent_to_quote=done.consent_to_quote,
                         page_url=_page_url(item) + f"?via={_token(done.voter)}"),
        "reward": reward_view(reader(done.voter), spec.reward, took_part=True),
    }
    return reply("survey", spec.id, payload, status=201, message=THANKS[done.category],
                 anchor=f"survey-{spec.id}-thanks", outcome="thanks")
