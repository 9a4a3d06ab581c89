"""pollserver: the live part of valuehub (polls, idea jams, surveys) behind a static site."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pollserver.config import Settings

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]

#: Largest request body accepted (ideas are the biggest: 120 + 2,000 characters).
MAX_BODY = 16 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    """Create and configure the pollserver application."""
    # Imported here, not at the top: the build (the engage plugin) imports pollserver.domain,
    # which must not load Flask by way of this package.
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from pollserver import admin, api, public
    from pollserver.public import site, sitefiles
    from pollserver.store import open_store
    from pollserver.web import (
        context,
        cors,
        errors,
        identity,
        inputs,
        limits,
        locale,
        newvoters,
        proof,
        security,
    )

    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.json.sort_keys = False
    context.init_app(app, settings, open_store(settings))

    locale.init_app(app)
    identity.init_app(app)
    security.init_app(app)
    inputs.init_app(app)
    cors.init_app(app)
    limits.init_app(app, settings)
    newvoters.init_app(app, settings)
    proof.init_app(app, settings)
    errors.init_app(app)
    api.init_app(app)
    public.init_app(app)
    admin.init_app(app)
    site.init_app(app)
    sitefiles.init_app(app)
    _remember_sync(app)
    if settings.trusted_proxies > 0:  # outermost, so WhiteNoise sees the client's scheme too
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


def _remember_sync(app: Flask) -> None:
    """Ask whether a hook or view is a coroutine function once per function, not on every
    request: Flask's ``ensure_sync`` runs ``inspect.iscoroutinefunction`` for each of the
    half-dozen hooks of every request (a measurable part of a vote; docs/benchmarks.md)."""
    plain = app.ensure_sync
    seen: dict[object, object] = {}

    def ensure_sync(func: object) -> object:
        try:
            return seen[func]
        except (KeyError, TypeError):  # new, or unhashable: ask Flask
            pass
        out = plain(func)  # type: ignore[arg-type]
        if len(seen) < 1024:  # hooks and views are few; never grow without bound
            try:
                seen[func] = out
            except TypeError:
                pass
        return out

    app.ensure_sync = ensure_sync  # type: ignore[method-assign,assignment]
