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
    from pollserver.web.context import clock_of
    from pollserver.web.rounds import start_rounds

    job = Closings(app.extensions["pollserver.store"], clock_of(app))
    start_rounds(app, "pollserver.closings", lambda: job.run_once, name="pollserver-closings",
                 interval=5.0)


def start_publisher() -> None:
    """Start the publish loop when ``POLLSERVER_PUBLISH_COMMAND`` is set."""
    from datetime import timedelta

    from pollserver.ops.publish import Publisher
    from pollserver.web.context import clock_of
    from pollserver.web.rounds import Rounds

    settings = app.extensions["pollserver.settings"]
    if not settings.publish_command or "pollserver.publisher" in app.extensions:
        return
    publisher = Publisher(app.extensions["pollserver.store"], settings.publish_command,
                          clock_of(app), settings.data_dir,
                          quiet=timedelta(seconds=settings.publish_quiet))
    loop = Rounds(publisher.run_once, name="pollserver-publish", interval=5.0)
    app.extensions["pollserver.publisher"] = loop
    loop.start()
