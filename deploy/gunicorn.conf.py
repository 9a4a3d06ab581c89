"""gunicorn settings for pollserver in production: ``gunicorn -c deploy/gunicorn.conf.py``.

The WSGI target is ``pollserver.wsgi:app``. Values come from the environment so one file serves
every machine; the systemd unit (deploy/pollserver.service) loads them from an env file.

Process model. With ``POLLSERVER_DATABASE_URL`` set (PostgreSQL), run several worker
processes on every host: the database enforces one vote per voter, the budgets and the claims,
so workers and hosts need no coordination. Without it (the embedded TinyDB store) the default
is ONE process with threads, the simplest safe setup; more processes still work (the store
serialises writers with a file lock) but buy nothing, as writes are serial anyway.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "pollserver.wsgi:app"

# nginx on the same host talks to 127.0.0.1; for pollserver hosts behind a load balancer on
# other machines, set GUNICORN_BIND=0.0.0.0:8000 and firewall the port to the proxy.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

_scale_out = bool(os.environ.get("POLLSERVER_DATABASE_URL"))
workers = int(os.environ.get("WEB_CONCURRENCY",
                             2 * multiprocessing.cpu_count() + 1 if _scale_out else 1))
worker_class = "gthread"
# Each thread holds at most one pooled connection at a time; PostgresStore's pool (10 by
# default) is larger than this, so a request never waits for a connection. Budget the
# database's max_connections as hosts x workers x 10.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# Never preload: every worker must open its own store (a psycopg pool or the TinyDB journal)
# after the fork; connections and file locks do not survive being shared by processes.
preload_app = False

timeout = 30
graceful_timeout = 10
keepalive = 5  # nginx keeps upstream connections open (``keepalive`` in the upstream block)

# gunicorn >= 25 opens a control socket for ``gunicornc`` by default; a web service does not
# need a local admin interface (``--no-control-socket``).
control_socket_disable = True

# The client address is taken from X-Forwarded-For by pollserver itself, behind exactly
# POLLSERVER_TRUSTED_PROXIES proxies; gunicorn only trusts X-Forwarded-Proto from nginx here.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log to stdout (journald) without raw client addresses, which are never logged, and
# without query strings: a verify token, a newsletter merge tag or a share token rides in one.
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("POLLSERVER_LOG_LEVEL", "info").lower()


def post_worker_init(worker: object) -> None:
    """Start the background jobs in this worker (mail, webhooks, closings, publish; as
    ``POLLSERVER_JOBS`` says): the same list ``pollserver serve`` and ``pollserver worker``
    run. Claims keep workers and hosts from doing the same delivery twice."""
    from pollserver.jobs import start_jobs

    app = getattr(worker, "wsgi", None)
    if hasattr(app, "extensions"):
        start_jobs(app)


def worker_exit(server: object, worker: object) -> None:
    """Close the worker's store as it stops: the journal is flushed, the pool released."""
    from pollserver.web.context import close_store

    app = getattr(worker, "wsgi", None)
    if hasattr(app, "extensions"):  # the Flask app the worker loaded
        close_store(app)
