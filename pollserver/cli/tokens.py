"""``pollserver tokens``: editor API tokens for scripts (add prints the token once, list,
revoke)."""

from __future__ import annotations

import click

from pollserver.cli.base import main, open_store_from_env
from pollserver.domain.errors import DomainError

__all__ = ["tokens"]


@main.group()
def tokens() -> None:
    """Bearer tokens for the editor API (``Authorization: Bearer ...``, no CSRF token)."""


@tokens.command("add")
@click.argument("name")
def tokens_add(name: str) -> None:
    """Make a token; it is printed this once (only its hash is kept)."""
    from datetime import UTC, datetime

    from pollserver.editor import tokens as actions

    store = open_store_from_env()
    try:
        _, token = actions.add(store, "cli", name, at=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(f"token {name} (shown once; use it as Authorization: Bearer ...):")
    click.echo(token)


@tokens.command("list")
def tokens_list() -> None:
    """Show every token's name, when and by whom it was made (never the token)."""
    store = open_store_from_env()
    try:
        for t in store.list_tokens():
            click.echo(f"{t.name} {t.created_at.isoformat(timespec='seconds')} "
                       f"{t.created_by}".rstrip())
    finally:
        store.close()


@tokens.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Revoke a token: requests carrying it get 401 from now on."""
    from datetime import UTC, datetime

    from pollserver.editor import tokens as actions

    store = open_store_from_env()
    try:
        actions.revoke(store, "cli", name, at=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(f"token {name} revoked")
