"""The WSGI entry point for gunicorn: ``gunicorn pollserver.wsgi:app``.

``pollserver serve`` uses ``pollserver.wsgi:with_sender()`` instead, which also starts the
background jobs in threads of each worker: the closing announcer, the mail and webhook senders
(claims keep them from sending twice) and, when configured, the publish loop.
"""

from flask import Flask

from pollserver import create_app

app = create_app()


def with_sender() -> Flask:
    """Return the app after starting its background jobs (gunicorn's app-factory syntax)."""
    from pollserver.mail.service import start_sender
    from pollserver.webhooks.service import start_webhook_sender

    start_closings()
    start_sender(app)
    start_webhook_sender(app)
    start_publisher()
    return app


def start_closings() -> None:
    """Start the closing announcer: polls and jams reaching their ``closes`` date."""
    from pollserver.ops.closings import Closings
    from pollserver.web.context import services_of
    from pollserver.web.rounds import start_rounds

    held = services_of(app)
    job = Closings(held.store, held.now)
    start_rounds(app, lambda: job.run_once, name="pollserver-closings", interval=5.0)


def start_publisher() -> None:
    """Start the publish loop when ``POLLSERVER_PUBLISH_COMMAND`` is set."""
    from datetime import timedelta

    from pollserver.ops.publish import Publisher
    from pollserver.web.context import services_of
    from pollserver.web.rounds import start_rounds

    held = services_of(app)
    settings = held.settings
    if not settings.publish_command:
        return
    publisher = Publisher(held.store, settings.publish_command, held.now, settings.data_dir,
                          quiet=timedelta(seconds=settings.publish_quiet))
    start_rounds(app, lambda: publisher.run_once, name="pollserver-publish", interval=5.0)
