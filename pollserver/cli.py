"""The ``pollserver`` command: serve, sync, results, codes, create-admin, export, db, migrate,
backup, restore, inspect, worker."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pollserver.config import Settings
from pollserver.domain.errors import DomainError

__all__ = ["main"]


def _store():
    from pollserver.store import open_store

    return open_store(Settings.from_env())


@click.group(help="pollserver: the live part of valuehub (polls, idea jams, surveys).")
def main() -> None:
    """Group the subcommands."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              show_default="$PORT or 8000")
@click.option("--workers", default=1, show_default=True,
              help="processes; the embedded store serialises writers across them")
@click.option("--threads", default=8, show_default=True)
@click.option("--sender/--no-sender", default=True, show_default=True,
              help="send follower mail from a background thread (off when `pollserver "
                   "worker` runs elsewhere)")
def serve(host: str, port: int, workers: int, threads: int, sender: bool) -> None:
    """Serve the site and the API with gunicorn (one process, threads, by default)."""
    Settings.from_env().resolved_secret_key()  # create the key before workers race for it
    target = "pollserver.wsgi:with_sender()" if sender else "pollserver.wsgi:app"
    os.environ["PORT"] = str(port)  # links in mails point here unless a public origin is set
    args = [
        sys.executable, "-m", "gunicorn", target,
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--no-control-socket", "--graceful-timeout", "5",
        # The access log never shows raw client addresses (see the privacy rules).
        "--access-logfile", "-", "--access-logformat", '"%(r)s" %(s)s %(b)s %(M)sms',
    ]
    click.echo(f"valuehub: serving http://{host}:{port}/ (Ctrl-C to stop)")
    os.execv(sys.executable, args)


@main.command()
@click.option("--interval", default=5.0, show_default=True, help="seconds between rounds")
@click.option("--once", is_flag=True, help="do one round and exit")
def worker(interval: float, once: bool) -> None:
    """Send follower mail and webhooks from the outbox (for several replicas)."""
    import time

    from pollserver import create_app
    from pollserver.mail.service import build_sender
    from pollserver.webhooks.service import build_webhook_sender

    app = create_app()
    sender = build_sender(app)
    hooks = build_webhook_sender(app)
    click.echo("valuehub: sending follower mail and webhooks (Ctrl-C to stop)")
    while True:
        sent = sender.run_once()
        posted = hooks.run_once()
        if once:
            click.echo(f"{sent} mail(s) sent, {posted} webhook(s) delivered")
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

    store = _store()
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
    from pollserver.ops.publish import mark_baked
    from pollserver.ops.sync import results_snapshot
    from pollserver.store.closings import announce_closings

    try:
        read_at = parse_datetime(at, "--now") if at else datetime.now(UTC)
    except SpecError as error:
        raise click.ClickException(str(error)) from None
    store = _store()
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


@main.group()
def codes() -> None:
    """Reward code pools."""


@codes.command("load")
@click.argument("pool")
@click.argument("file", type=click.File("r"))
def codes_load(pool: str, file) -> None:
    """Add the codes in FILE (one per line) to POOL."""
    from pollserver.domain.specs import ID_RE

    if not ID_RE.match(pool):
        raise click.ClickException("pool names are lowercase letters, digits and dashes")
    lines = [line.strip() for line in file if line.strip() and not line.startswith("#")]
    store = _store()
    try:
        added = store.add_codes(pool, lines)
        total, claimed = store.pool_stats().get(pool, (0, 0))
    finally:
        store.close()
    click.echo(f"{pool}: {added} new codes; {total - claimed} of {total} unclaimed")


@codes.command("stats")
def codes_stats() -> None:
    """Show every pool with its unclaimed and claimed counts."""
    store = _store()
    try:
        for pool, (total, claimed) in store.pool_stats().items():
            click.echo(f"{pool}: {total - claimed} left, {claimed} claimed, {total} in all")
    finally:
        store.close()


@codes.command("revoke")
@click.argument("pool")
def codes_revoke(pool: str) -> None:
    """Remove POOL's unclaimed codes (claimed codes stay with their voters)."""
    store = _store()
    try:
        click.echo(f"{pool}: {store.revoke_codes(pool)} unclaimed codes removed")
    finally:
        store.close()


@main.group()
def webhooks() -> None:
    """Webhook endpoints (also in the admin at /admin/webhooks)."""


@webhooks.command("add")
@click.argument("url")
@click.option("--events", required=True,
              help="comma-separated event types, e.g. idea.created,idea.status_changed")
@click.option("--include-text", is_flag=True, help="send free text of survey answers too")
def webhooks_add(url: str, events: str, include_text: bool) -> None:
    """Register an endpoint; its signing secret is printed this once."""
    from datetime import UTC, datetime

    from pollserver.editor import webhooks as hooks

    settings = Settings.from_env()
    store = _store()
    try:
        endpoint = hooks.add(store, "cli", url, events, at=datetime.now(UTC),
                             include_text=include_text,
                             allow_http=settings.webhooks_allow_http)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(f"endpoint {endpoint.id}: {endpoint.url} ({', '.join(endpoint.events)})")
    click.echo(f"secret (shown once): {endpoint.secret}")


@webhooks.command("list")
def webhooks_list() -> None:
    """Show every endpoint with its events and state (never its secret)."""
    store = _store()
    try:
        for e in store.list_webhooks():
            state = "on" if e.enabled else f"off {e.disabled_reason}".strip()
            text = " +text" if e.include_text else ""
            click.echo(f"{e.id} {e.url} [{','.join(e.events)}]{text} {state}")
    finally:
        store.close()


@webhooks.command("text")
@click.argument("endpoint_id")
@click.option("--on/--off", "include", required=True,
              help="send the free text of survey answers to this endpoint, or stop")
def webhooks_text(endpoint_id: str, include: bool) -> None:
    """Start or stop sending survey comments to one endpoint."""
    from datetime import UTC, datetime

    from pollserver.editor import webhooks as hooks

    store = _store()
    try:
        hooks.set_text(store, "cli", endpoint_id, include_text=include, at=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(f"endpoint {endpoint_id}: survey comments {'on' if include else 'off'}")


@webhooks.command("receive")
@click.option("--port", default=9009, show_default=True, type=int)
@click.option("--secret", default=None, help="the endpoint's secret, to check signatures")
def webhooks_receive(port: int, secret: str | None) -> None:
    """Run a local receiver that prints (and checks) what it gets, for trying webhooks."""
    from pollserver.webhooks.receiver import serve_receiver

    server = serve_receiver(port, secret, click.echo)
    click.echo(f"valuehub: receiving webhooks at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


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
    store = _store()
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


@main.command()
@click.option("--what", type=click.Choice(["polls", "jams", "surveys", "audit", "open-data"]),
              required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="file to write (default: stdout)")
def export(what: str, fmt: str, out: Path | None) -> None:
    """Export poll tallies, jam ideas, survey answers or the audit log (no voter ids)."""
    from datetime import UTC, datetime

    from pollserver.ops.exports import FIELDS, build, open_data, to_csv, to_json

    store = _store()
    try:
        at = datetime.now(UTC)
        rows = open_data(store, at) if what == "open-data" else build(store, what, at)
    finally:
        store.close()
    text = to_csv(rows, FIELDS[what]) if fmt == "csv" else to_json(rows) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"export: {len(rows)} {what} rows -> {out}", err=True)


@main.command()
@click.option("--manifest", type=click.Path(path_type=Path), default=None,
              help="the build manifest  [default: $POLLSERVER_SITE_DIR/engage/manifest.json]")
@click.option("--now", "at", default=None, help="ISO 8601 instant to judge by (default: now)")
def attention(manifest: Path | None, at: str | None) -> None:
    """List what needs an editor's attention (for a cron mail); nothing printed if all is well."""
    from datetime import UTC, datetime

    from pollserver.domain.attention import collect
    from pollserver.domain.specs import SpecError, parse_datetime
    from pollserver.ops.sync import manifest_content

    try:
        moment = parse_datetime(at, "--now") if at else datetime.now(UTC)
    except SpecError as error:
        raise click.ClickException(str(error)) from None
    if manifest is None:
        site_dir = Settings.from_env().site_dir
        manifest = site_dir / "engage" / "manifest.json" if site_dir else None
    store = _store()
    try:
        notices = collect(store, manifest_content(manifest), moment or datetime.now(UTC))
    finally:
        store.close()
    for notice in notices:
        click.echo(notice.line())


@main.command("seed")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def seed_command(file: Path) -> None:
    """Load sample ideas and votes (demo hub) into jams that have no ideas yet."""
    from pollserver.ops.seed import seed

    store = _store()
    try:
        added = seed(store, file)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if added:
        click.echo("seeded " + ", ".join(f"{jam}: {n} ideas" for jam, n in added.items()))
    else:
        click.echo("seed: every jam already has ideas; nothing added")


@main.command()
@click.argument("dest", type=click.Path(path_type=Path))
def backup(dest: Path) -> None:
    """Write a consistent snapshot of the embedded store to DEST (safe while serving)."""
    from pollserver.store.tinydb import TinyDBStore

    settings = Settings.from_env()
    if settings.database_url:
        raise click.ClickException("backup is for the embedded store; use pg_dump for PostgreSQL")
    store = TinyDBStore(settings.data_dir, snapshot_every=settings.snapshot_every)
    try:
        store.backup(dest)
    finally:
        store.close()
    click.echo(f"backup: {settings.data_dir} -> {dest}")


@main.command()
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(src: Path) -> None:
    """Replace the embedded store's state with the backup SRC (stop the server first)."""
    from pollserver.store.tinydb import TinyDBStore

    settings = Settings.from_env()
    try:
        TinyDBStore.restore(src, settings.data_dir)
    except (ValueError, KeyError, OSError) as error:
        raise click.ClickException(f"{src}: not a valuehub backup ({error})") from None
    click.echo(f"restore: {src} -> {settings.data_dir}")


@main.command()
@click.argument("what", type=click.Choice(["votes", "ideas"]))
@click.option("--poll", help="votes: the poll to count")
@click.option("--jam", help="ideas: the jam to list")
@click.option("--status", help="ideas: only this status (open, planned, done, ...)")
@click.option("--snapshot", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="query this snapshot file instead of a fresh one of the data dir")
def inspect(what: str, poll: str | None, jam: str | None, status: str | None,
            snapshot: Path | None) -> None:
    """Answer a question about the embedded store's data offline (JSON on stdout)."""
    from contextlib import nullcontext

    from pollserver.ops import inspect as queries

    if (what, poll, jam) in {("votes", None, jam), ("ideas", poll, None)}:
        raise click.UsageError("votes needs --poll, ideas needs --jam")
    settings = Settings.from_env()
    if snapshot is None and settings.database_url:
        raise click.ClickException("inspect reads the embedded store; pass --snapshot FILE")
    source = nullcontext(snapshot) if snapshot else queries.fresh_snapshot(settings.data_dir)
    with source as path:
        db = queries.open_snapshot(path)
        answer: object = (queries.poll_votes(db, poll) if what == "votes" and poll else
                          queries.idea_rows(db, str(jam), status))
        db.close()
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
