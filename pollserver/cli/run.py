"""Running pollserver and moving its data: serve, worker, sync, results, create-admin, migrate,
db upgrade."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pollserver.cli.base import main, open_store_from_env
from pollserver.config import Settings
from pollserver.domain.errors import DomainError

__all__ = ["create_admin", "db", "migrate", "results", "serve", "sync", "worker"]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              show_default="$PORT or 8000")
@click.option("--workers", default=1, show_default=True,
              help="processes; the embedded store serialises writers across them")
@click.option("--threads", default=8, show_default=True)
@click.option("--sender/--no-sender", default=True, show_default=True,
              help="run the background jobs POLLSERVER_JOBS names (closings, mail, "
                   "webhooks, publish) in each worker (off when `pollserver worker` runs them)")
def serve(host: str, port: int, workers: int, threads: int, sender: bool) -> None:
    """Serve the site and the API with gunicorn (one process, threads, by default)."""
    Settings.from_env().resolved_secret_key()  # create the key before workers race for it
    target = "pollserver.wsgi:with_sender()" if sender else "pollserver.wsgi:app"
    os.environ["PORT"] = str(port)  # links in mails point here unless a public origin is set
    args = [
        sys.executable, "-m", "gunicorn", target,
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--no-control-socket", "--graceful-timeout", "5",
        # The access log never shows raw client addresses (see the privacy rules) nor query
        # strings (a verify token, a newsletter merge tag or a share token rides in one).
        "--access-logfile", "-", "--access-logformat", '"%(m)s %(U)s" %(s)s %(b)s %(M)sms',
    ]
    click.echo(f"valuehub: serving http://{host}:{port}/ (Ctrl-C to stop)")
    os.execv(sys.executable, args)


@main.command()
@click.option("--interval", default=2.0, show_default=True, help="seconds between rounds")
@click.option("--once", is_flag=True, help="do one round of every job and exit")
@click.option("--jobs", "names", default=None,
              help="comma-separated jobs to run  [default: $POLLSERVER_JOBS, all]")
def worker(interval: float, once: bool, names: str | None) -> None:
    """Run the background jobs (closings, mail, webhooks, publish): the same list the web
    process starts, for deployments whose web processes run none (POLLSERVER_JOBS=)."""
    import time

    from pollserver import create_app
    from pollserver.config import parse_jobs
    from pollserver.jobs import build_rounds, run_round

    app = create_app()
    try:
        rounds = build_rounds(app, list(parse_jobs(names)) if names is not None else None,
                              every=interval)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"valuehub: running {', '.join(rounds) or 'no jobs'} (Ctrl-C to stop)")
    while True:
        results = run_round(rounds)
        if once:
            click.echo(", ".join(f"{name}: {result}" for name, result in results.items()))
            return
        time.sleep(interval)


@main.command()
@click.option("--manifest", type=click.Path(path_type=Path),
              default=Path("output/engage/manifest.json"), show_default=True)
def sync(manifest: Path) -> None:
    """Load the build manifest: create new items, update wording, archive removed ones."""
    from datetime import UTC, datetime

    from pollserver.domain.statuses import ANNOUNCEMENTS
    from pollserver.editor.delivered import mark_delivered
    from pollserver.ops.sync import SyncError, empty_pools, load_manifest, sync_manifest

    store = open_store_from_env()
    try:
        items = load_manifest(manifest)
        report = sync_manifest(store, items)
        warnings = empty_pools(store, items)
        item = store.get_item(*ANNOUNCEMENTS)
        moved = mark_delivered(store, item.spec.get("announcements", {}) if item else {},
                               at=datetime.now(UTC))
    except SyncError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    for warning in warnings:
        click.echo(str(warning), err=True)
    click.echo(f"sync: {len(report.created)} created, {len(report.updated)} updated, "
               f"{len(report.archived)} archived, {len(report.unchanged)} unchanged"
               + (f"; moved to done: {', '.join(moved)}" if moved else ""))


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("var/results.json"),
              show_default=True)
@click.option("--now", "at", default=None,
              help="ISO 8601 instant the build is made at (default: now)")
def results(out: Path, at: str | None) -> None:
    """Write current results for the build to bake into closed polls and jams.

    ``--now`` is the build's instant (the clock is an input): items past their date by it are
    announced as closed, and changes written before it count as baked.
    """
    from datetime import UTC, datetime, timedelta

    from pollserver.domain.specs import SpecError, parse_datetime
    from pollserver.ops.closings import announce_closings
    from pollserver.ops.publish import mark_baked
    from pollserver.ops.sync import results_snapshot

    try:
        read_at = parse_datetime(at, "--now") if at else datetime.now(UTC)
    except SpecError as error:
        raise click.ClickException(str(error)) from None
    store = open_store_from_env()
    try:
        # Items past their date are closed on the pages this build writes: announce them
        # first, so their closing is among the changes the site already shows.
        announce_closings(store, read_at)
        baked_at = (read_at if at else max(datetime.now(UTC), read_at)) \
            + timedelta(microseconds=1)
        data = results_snapshot(store)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(out)
        # The build bakes these results: changes written before now are on the site next.
        mark_baked(store, baked_at)
    finally:
        store.close()
    click.echo(f"results: {len(data['polls'])} polls, {len(data['jams'])} jams -> {out}")


@main.command("create-admin")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="read the password from the first line of stdin (for scripts)")
def create_admin(username: str, password_stdin: bool) -> None:
    """Create an editor account (or set a new password); there is no default password."""
    from pollserver.domain.specs import ID_RE
    from pollserver.ops.passwords import PasswordTooShort, hash_password

    if not ID_RE.match(username):
        raise click.ClickException("usernames are lowercase letters, digits and dashes")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        password_hash = hash_password(password)
    except PasswordTooShort as error:
        raise click.ClickException(str(error)) from None
    store = open_store_from_env()
    try:
        store.put_admin(username, password_hash)
    finally:
        store.close()
    click.echo(f"editor {username!r} can now sign in at /admin/login")


@main.command()
@click.option("--from", "source", required=True, metavar="DIR|URL",
              help="the embedded store's data dir (var/) or a postgresql:// URL")
@click.option("--to", "target", required=True, metavar="URL|DIR",
              help="postgresql:// URL of an empty database (migrated first), or an embedded"
                   " data dir that holds no store yet")
def migrate(source: str, target: str) -> None:
    """Copy everything between PostgreSQL and the embedded store (either way) and check that
    every tally and every outbox, webhook and history row came out identical."""
    from pollserver.store.migrate import MigrationError, migrate_to_dir
    from pollserver.store.migrate import migrate as copy_store
    from pollserver.store.postgres import PostgresStore
    from pollserver.store.tinydb import TinyDBStore

    def is_url(text: str) -> bool:
        return text.startswith(("postgresql://", "postgres://"))

    if not is_url(source) and not is_url(target):
        raise click.ClickException("one of --from and --to must be a postgresql:// URL")
    src = PostgresStore(source) if is_url(source) else TinyDBStore(Path(source))
    try:
        if is_url(target):
            dst = PostgresStore(target)
            try:
                counts = copy_store(src, dst)
            except (MigrationError, DomainError) as error:
                raise click.ClickException(str(error)) from None
            finally:
                dst.close()
        else:
            try:
                counts = migrate_to_dir(src, Path(target), TinyDBStore)
            except (MigrationError, DomainError) as error:
                raise click.ClickException(str(error)) from None
    finally:
        src.close()
    click.echo("migrate: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@main.group()
def db() -> None:
    """PostgreSQL schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations to $POLLSERVER_DATABASE_URL (safe to repeat)."""
    from pollserver.store.postgres import PostgresStore

    url = Settings.from_env().database_url
    if not url:
        raise click.ClickException("set POLLSERVER_DATABASE_URL=postgresql://...")
    store = PostgresStore(url, auto_upgrade=False, min_size=0, max_size=1)
    try:
        applied = store.upgrade()
        version = store.schema_version()
    finally:
        store.close()
    click.echo(f"db: schema version {version}"
               + (f" (applied {', '.join(map(str, applied))})" if applied else " (up to date)"))
