"""Build the app's mail sender from its settings, and run it in the background.

It runs as the ``mail`` job of ``pollserver/jobs.py`` (wherever ``POLLSERVER_JOBS`` says).
Mails speak in the brand's name (``web/brand.py``). ``create_app``
never starts it, so tests send only when they ask (``run_once`` or :func:`start_sender`).
"""

from __future__ import annotations

from flask import Flask

from pollserver.config import site_origin
from pollserver.mail.compose import MailContext
from pollserver.mail.sender import Sender
from pollserver.mail.transport import transport_for
from pollserver.web.brand import brand_name, mail_from
from pollserver.web.context import services_of
from pollserver.web.rounds import Rounds, start_rounds

__all__ = ["build_sender", "start_sender"]


def build_sender(app: Flask) -> Sender:
    """Return a sender on the app's store, settings and clock."""
    held = services_of(app)
    settings = held.settings
    return Sender(store=held.store,
                  transport=transport_for(settings.smtp_url, settings.data_dir,
                                          ca_file=settings.smtp_ca_file),
                  ctx=MailContext(mail_from=mail_from(settings), base_url=site_origin(settings),
                                  site_name=brand_name(settings), language=settings.language),
                  clock=held.now, digest=settings.mail_digest)


def start_sender(app: Flask, interval: float = 5.0) -> Rounds:
    """Start the sender loop in a daemon thread (once per app) and return it."""
    return start_rounds(app, lambda: build_sender(app).run_once, name="pollserver-mail",
                        interval=interval)
