"""Build the app's webhook sender from its settings, and run it in the background.

Started next to the mail sender by ``pollserver serve`` and ``pollserver worker``;
``create_app`` never starts it, so tests send only when they ask (``run_once``).
"""

from __future__ import annotations

import ssl

from flask import Flask

from pollserver.config import site_origin
from pollserver.web.context import services_of
from pollserver.web.rounds import Rounds, start_rounds
from pollserver.webhooks.sender import WebhookSender

__all__ = ["build_webhook_sender", "start_webhook_sender"]


def build_webhook_sender(app: Flask) -> WebhookSender:
    """Return a sender on the app's store, settings and clock."""
    held = services_of(app)
    settings = held.settings
    context = None
    if settings.webhooks_ca_file:
        context = ssl.create_default_context()
        context.load_verify_locations(settings.webhooks_ca_file)
    return WebhookSender(store=held.store, clock=held.now,
                         allow_http=settings.webhooks_allow_http,
                         allow_private=settings.webhooks_allow_private, context=context,
                         origin=site_origin(settings))



def start_webhook_sender(app: Flask, interval: float = 2.0) -> Rounds:
    """Start the webhook loop in a daemon thread (once per app) and return it."""
    return start_rounds(app, lambda: build_webhook_sender(app).run_once,
                        name="pollserver-webhooks", interval=interval)
