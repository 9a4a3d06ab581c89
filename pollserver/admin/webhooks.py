"""``/admin/webhooks``: endpoints, their secrets (shown once), the log, send again, test.

The actions are in ``editor/webhooks.py`` (each audited); these views parse the form, call
one of them and show the result. The sender (``webhooks/sender.py``) does the sending.
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for

from pollserver.admin import bp
from pollserver.admin.auth import editor_required
from pollserver.domain.errors import BadRequest
from pollserver.domain.webhooks import WEBHOOK, WEBHOOK_EVENTS, Endpoint
from pollserver.editor import webhooks as hooks
from pollserver.web.context import get_store, now, services
from pollserver.web.editors import current_editor

#: Attempts and deliveries shown on an endpoint's page.
LOG_MAX = 50


def _actor() -> str:
    return current_editor() or "unknown"


def _list(status: int = 200, *, created: Endpoint | None = None,
          errors: dict[str, str] | None = None, form: dict[str, object] | None = None
          ) -> tuple[str, int]:
    settings = services().settings
    return render_template(
        "admin/webhooks.html", title="Webhooks", endpoints=get_store().list_webhooks(),
        event_types=WEBHOOK_EVENTS, created=created, errors=errors or {},
        form=form or {"events": []}, allow_http=settings.webhooks_allow_http,
        notice=request.args.get("notice", "")[:200]), status


def _endpoint(endpoint_id: str) -> Endpoint:
    endpoint = get_store().get_webhook(endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


@bp.get("/webhooks")
@editor_required
def webhooks() -> tuple[str, int]:
    """Every endpoint with its events and state, and the form to add one."""
    return _list()


@bp.post("/webhooks")
@editor_required
def add_webhook() -> tuple[str, int]:
    """Add an endpoint and show its secret, this once."""
    form = {"url": request.form.get("url", ""), "events": request.form.getlist("events"),
            "include_text": bool(request.form.get("include_text"))}
    settings = services().settings
    try:
        created = hooks.add(get_store(), _actor(), form["url"], form["events"], at=now(),
                            include_text=bool(form["include_text"]),
                            allow_http=settings.webhooks_allow_http)
    except BadRequest as exc:
        return _list(400, errors={exc.field or "url": exc.message}, form=form)
    return _list(201, created=created)


@bp.get("/webhooks/<endpoint_id>")
@editor_required
def webhook_log(endpoint_id: str) -> str:
    """One endpoint: its attempts (status, code, duration, body) and deliveries."""
    endpoint = _endpoint(endpoint_id)
    store = get_store()
    deliveries = [d for d in store.list_deliveries(WEBHOOK, limit=500)
                  if d.recipient == endpoint.id][:LOG_MAX]
    return render_template("admin/webhook_log.html", title=f"Webhook {endpoint.url}",
                           endpoint=endpoint, attempts=store.list_attempts(endpoint.id,
                                                                           limit=LOG_MAX),
                           deliveries=deliveries, notice=request.args.get("notice", "")[:200])


def _back(endpoint_id: str, notice: str) -> Response:
    return redirect(url_for("admin.webhook_log", endpoint_id=endpoint_id, notice=notice),
                    code=303)


@bp.post("/webhooks/<endpoint_id>/test")
@editor_required
def test_webhook(endpoint_id: str) -> Response:
    """Queue a test event for this endpoint."""
    hooks.send_test(get_store(), _actor(), _endpoint(endpoint_id).id, at=now())
    return _back(endpoint_id, "A test event is on its way.")


@bp.post("/webhooks/<endpoint_id>/switch")
@editor_required
def switch_webhook(endpoint_id: str) -> Response:
    """Turn the endpoint on or off."""
    enabled = request.form.get("enabled") == "1"
    hooks.switch(get_store(), _actor(), _endpoint(endpoint_id).id, enabled=enabled, at=now())
    return _back(endpoint_id, "Switched on." if enabled else "Switched off.")


@bp.post("/webhooks/<endpoint_id>/text")
@editor_required
def webhook_text(endpoint_id: str) -> Response:
    """Send the free text of survey answers to this endpoint, or stop sending it."""
    include = request.form.get("include_text") == "1"
    hooks.set_text(get_store(), _actor(), _endpoint(endpoint_id).id, include_text=include,
                   at=now())
    return _back(endpoint_id, "Survey comments will be sent." if include
                 else "Survey comments will no longer be sent.")


@bp.post("/webhooks/<endpoint_id>/remove")
@editor_required
def remove_webhook(endpoint_id: str) -> Response:
    """Remove the endpoint."""
    hooks.remove(get_store(), _actor(), _endpoint(endpoint_id).id, at=now())
    return redirect(url_for("admin.webhooks", notice="Endpoint removed."), code=303)


@bp.post("/webhooks/<endpoint_id>/resend/<delivery_id>")
@editor_required
def resend_webhook(endpoint_id: str, delivery_id: str) -> Response:
    """Send one delivery again (same ``webhook-id``)."""
    endpoint = _endpoint(endpoint_id)
    if not delivery_id.isdigit():
        abort(404)
    hooks.send_again(get_store(), _actor(), delivery_id, at=now())
    return _back(endpoint.id, f"Delivery {delivery_id} will be sent again.")


def failing_endpoints() -> list[Endpoint]:
    """Endpoints switched off by failures or failing now (for the dashboard)."""
    return [e for e in get_store().list_webhooks()
            if e.disabled_reason or e.failing_since is not None]
