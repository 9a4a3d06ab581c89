"""``pollserver webhooks``: add, list, remove, disable, enable, test, switch free text, and a
local receiver to try them."""

from __future__ import annotations

from collections.abc import Callable

import click

from pollserver.cli.base import main, open_store_from_env
from pollserver.config import Settings
from pollserver.domain.errors import DomainError

__all__ = ["webhooks"]


@main.group()
def webhooks() -> None:
    """Webhook endpoints (also in the admin at /admin/webhooks)."""


@webhooks.command("add")
@click.argument("url")
@click.option("--events", required=True,
              help="comma-separated event types, e.g. idea.created,idea.status_changed, or all")
@click.option("--include-text", is_flag=True, help="send free text of survey answers too")
def webhooks_add(url: str, events: str, include_text: bool) -> None:
    """Register an endpoint; its signing secret is printed this once."""
    from datetime import UTC, datetime

    from pollserver.editor import webhooks as hooks

    settings = Settings.from_env()
    store = open_store_from_env()
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
    store = open_store_from_env()
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

    store = open_store_from_env()
    try:
        hooks.set_text(store, "cli", endpoint_id, include_text=include, at=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(f"endpoint {endpoint_id}: survey comments {'on' if include else 'off'}")


def _change(endpoint_id: str, what: str, change: Callable[..., object]) -> None:
    """Apply ``change(store, "cli", endpoint_id, at=...)`` to an endpoint that exists."""
    from datetime import UTC, datetime

    store = open_store_from_env()
    try:
        if store.get_webhook(endpoint_id) is None:
            raise click.ClickException(f"no webhook endpoint {endpoint_id!r} "
                                       "(see pollserver webhooks list)")
        change(store, "cli", endpoint_id, at=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    click.echo(f"endpoint {endpoint_id}: {what}")


@webhooks.command("remove")
@click.argument("endpoint_id")
def webhooks_remove(endpoint_id: str) -> None:
    """Remove an endpoint (what it had not received yet is dropped)."""
    from pollserver.editor import webhooks as hooks

    _change(endpoint_id, "removed", hooks.remove)


@webhooks.command("disable")
@click.argument("endpoint_id")
def webhooks_disable(endpoint_id: str) -> None:
    """Stop sending to an endpoint (it keeps its secret and log)."""
    from functools import partial

    from pollserver.editor import webhooks as hooks

    _change(endpoint_id, "off", partial(hooks.switch, enabled=False))


@webhooks.command("enable")
@click.argument("endpoint_id")
def webhooks_enable(endpoint_id: str) -> None:
    """Send to an endpoint again (its failures are forgotten)."""
    from functools import partial

    from pollserver.editor import webhooks as hooks

    _change(endpoint_id, "on", partial(hooks.switch, enabled=True))


@webhooks.command("test")
@click.argument("endpoint_id")
def webhooks_test(endpoint_id: str) -> None:
    """Queue a ``webhook.test`` event for one endpoint (the webhooks job sends it)."""
    from pollserver.editor import webhooks as hooks

    _change(endpoint_id, "test event queued", hooks.send_test)


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
