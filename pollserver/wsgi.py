"""The WSGI entry point for gunicorn: ``gunicorn pollserver.wsgi:app``.

Importing it starts nothing: the background jobs (``pollserver/jobs.py``) are started by
whoever runs the server, the same way everywhere: the shipped ``deploy/gunicorn.conf.py`` in
each worker's ``post_worker_init`` hook, ``pollserver serve`` through :func:`with_sender`
(gunicorn's app-factory syntax), ``pollserver worker`` in its own process.
"""

from flask import Flask

from pollserver import create_app
from pollserver.jobs import start_jobs

app = create_app()


def with_sender() -> Flask:
    """Return the app after starting the jobs ``POLLSERVER_JOBS`` names (all by default)."""
    start_jobs(app)
    return app
