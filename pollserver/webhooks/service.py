"""Build the app's webhook sender from its settings, and run it in the background.

Started next to the mail sender by ``pollserver serve`` and ``pollserver worker``;
``create_app`` never starts it, so tests send only when they ask (``run_once``).
"""

from __future__ import annotations

import logging
import ssl
import threading
from datetime import UTC, datetime

from flask import Flask

from pollserver.config import Settings, site_origin
from pollserver.webhooks.sender import WebhookSender

__all__ = ["build_webhook_sender", "start_webhook_sender"]

log = logging.getLogger(__name__)


def build_webhook_sender(app: Flask) -> WebhookSender:
    """Return a sender on the app's store, settings and clock."""
    settings: Settings = app.extensions["pollserver.settings"]

    def clock() -> datetime:
        given = app.extensions.get("pollserver.clock")
        return given() if given else datetime.now(UTC)

    context = None
    if settings.webhooks_ca_file:
        context = ssl.create_default_context()
        context.load_verify_locations(settings.webhooks_ca_file)
    return WebhookSender(store=app.extensions["pollserver.store"], clock=clock,
                         allow_http=settings.webhooks_allow_http,
                         allow_private=settings.webhooks_allow_private, context=context,
                         origin=site_origin(settings))


class _Loop(threading.Thread):
    def __init__(self, sender: WebhookSender, interval: float) -> None:
        super().__init__(name="pollserver-webhooks", daemon=True)
        self.sender = sender
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.sender.run_once()
            except Exception:  # a store hiccup must not end the loop; the next round retries
                log.exception("webhook round failed")
            self.stopped.wait(self.interval)


def start_webhook_sender(app: Flask, interval: float = 2.0) -> threading.Thread:
    """Start the webhook loop in a daemon thread (once per app) and return it."""
    running = app.extensions.get("pollserver.webhook_sender")
    if isinstance(running, threading.Thread) and running.is_alive():
        return running
    thread = _Loop(build_webhook_sender(app), interval)
    app.extensions["pollserver.webhook_sender"] = thread
    thread.start()
    return thread

