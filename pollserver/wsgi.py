"""The WSGI entry point for gunicorn: ``gunicorn pollserver.wsgi:app``.

``pollserver serve`` uses ``pollserver.wsgi:with_sender()`` instead, which also starts the
mail and webhook senders in background threads of each worker (claims keep them from sending twice).
"""

from flask import Flask

from pollserver import create_app

app = create_app()


def with_sender() -> Flask:
    """Return the app after starting its mail and webhook senders (gunicorn's app-factory
    syntax)."""
    from pollserver.mail.service import start_sender
    from pollserver.webhooks.service import start_publisher, start_webhook_sender

    start_sender(app)
    start_webhook_sender(app)
    start_publisher(app)
    return app
