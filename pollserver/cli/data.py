"""The store's contents for editors and operators: reward codes, exports, the attention list,
sample data, backups and queries."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from pollserver.cli.base import main, open_store_from_env
from pollserver.config import Settings

__all__ = ["attention", "backup", "codes", "export", "inspect", "restore", "seed_command"]


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
    store = open_store_from_env()
    try:
        added = store.add_codes(pool, lines)
        total, claimed = store.pool_stats().get(pool, (0, 0))
    finally:
        store.close()
    click.echo(f"{pool}: {added} new codes; {total - claimed} of {total} unclaimed")


@codes.command("stats")
def codes_stats() -> None:
    """Show every pool with its unclaimed and claimed counts."""
    store = open_store_from_env()
    try:
        for pool, (total, claimed) in store.pool_stats().items():
            click.echo(f"{pool}: {total - claimed} left, {claimed} claimed, {total} in all")
    finally:
        store.close()


@codes.command("revoke")
@click.argument("pool")
def codes_revoke(pool: str) -> None:
    """Remove POOL's unclaimed codes (claimed codes stay with their voters)."""
    store = open_store_from_env()
    try:
        click.echo(f"{pool}: {store.revoke_codes(pool)} unclaimed codes removed")
    finally:
        store.close()


# The same group answers as `pollserver rewards …`: editors think of reward pools, and offer
# articles name the pool they hand codes from.
main.add_command(codes, name="rewards")


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

    store = open_store_from_env()
    try:
        at = datetime.now(UTC)
        rows = list(open_data(store, at) if what == "open-data" else build(store, what, at))
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
    """List what needs attention (for a cron mail): the editors' to-do and what keeps the hub
    running (jobs, publish runs, mail, webhooks). Exit status 1 when anything is listed."""
    from pollserver.config import clock_for
    from pollserver.domain.attention import collect
    from pollserver.domain.specs import SpecError, parse_datetime
    from pollserver.ops.jobstate import runtime_attention
    from pollserver.ops.sync import manifest_content

    settings = Settings.from_env()
    clock = clock_for(settings)
    try:
        moment = parse_datetime(at, "--now") if at else clock() if clock else None
    except SpecError as error:
        raise click.ClickException(str(error)) from None
    moment = moment or _wall_clock()
    if manifest is None:
        site_dir = settings.site_dir
        manifest = site_dir / "engage" / "manifest.json" if site_dir else None
    store = open_store_from_env()
    try:
        notices = (runtime_attention(store, settings.data_dir, moment)
                   + collect(store, manifest_content(manifest), moment))
    finally:
        store.close()
    for notice in notices:
        click.echo(notice.line())
    if notices:
        sys.exit(1)


def _wall_clock() -> datetime:
    """The machine's time, when no ``--now`` or ``POLLSERVER_NOW`` names the instant."""
    return datetime.now(UTC)


@main.command("seed")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def seed_command(file: Path) -> None:
    """Load sample ideas and votes (demo hub) into jams that have no ideas yet."""
    from pollserver.ops.seed import seed

    store = open_store_from_env()
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
    if settings.backend == "postgres":
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
    if snapshot is None and settings.backend == "postgres":
        raise click.ClickException("inspect reads the embedded store; pass --snapshot FILE")
    source = nullcontext(snapshot) if snapshot else queries.fresh_snapshot(settings.data_dir)
    with source as path:
        db = queries.open_snapshot(path)
        answer: object = (queries.poll_votes(db, poll) if what == "votes" and poll else
                          queries.idea_rows(db, str(jam), status))
        db.close()
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
