"""``pollserver embed`` and ``pollserver newsletter``: take an item to another site or a mail."""

from __future__ import annotations

import click

from pollserver.cli.base import main, open_store_from_env
from pollserver.config import Settings, site_origin
from pollserver.domain.errors import DomainError
from pollserver.domain.reach import EMBEDS, embed_snippets

__all__ = ["embed", "newsletter"]

_ORIGIN_HELP = "the hub's public origin (default: POLLSERVER_PUBLIC_ORIGIN)"


@main.command()
@click.argument("kind", type=click.Choice(sorted(EMBEDS)))
@click.argument("item_id")
@click.option("--origin", default=None, help=_ORIGIN_HELP)
def embed(kind: str, item_id: str, origin: str | None) -> None:
    """Print the two snippets that put a poll, jam or survey on another site."""
    store = open_store_from_env()
    try:
        item = store.get_item(kind, item_id)
    finally:
        store.close()
    if item is None:
        raise click.ClickException(f"no {kind} {item_id!r} (run pollserver sync first?)")
    snippets = embed_snippets(origin or site_origin(Settings.from_env()), kind, item_id)
    click.echo("<!-- The script and its element (the site lists this origin in "
               "POLLSERVER_EMBED_ORIGINS): -->")
    click.echo(snippets.element)
    click.echo("<!-- Or an iframe, for sites whose policy forbids foreign scripts: -->")
    click.echo(snippets.iframe)


@main.command()
@click.argument("kind", type=click.Choice(["poll"]))
@click.argument("item_id")
@click.option("--origin", default=None, help=_ORIGIN_HELP)
@click.option("--merge-tag", default=None,
              help="the newsletter tool's per-recipient tag, e.g. '*|UNIQID|*'")
@click.option("--lang", default=None,
              help="the newsletter's language, e.g. 'de': the poll's words and the confirm page")
def newsletter(kind: str, item_id: str, origin: str | None, merge_tag: str | None,
               lang: str | None) -> None:
    """Print e-mail-safe HTML for a poll: one link per answer, confirmed on the hub."""
    from pollserver.ops.newsletter import newsletter_html
    from pollserver.web import po  # noqa: F401 - installs the catalogues for `speaking`

    store = open_store_from_env()
    try:
        html = newsletter_html(store, origin or site_origin(Settings.from_env()), item_id,
                               merge_tag, lang)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(html, nl=False)
