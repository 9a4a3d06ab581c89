"""The WSGI entry point for gunicorn: ``gunicorn pollserver.wsgi:app``."""

from pollserver import create_app

app = create_app()
