"""The ``pollserver`` command group, and the store every offline command opens."""

from __future__ import annotations

import click

from pollserver.config import Settings

__all__ = ["main", "open_store_from_env"]


def open_store_from_env():
    """The store the ``POLLSERVER_*`` settings name (each command closes it when done)."""
    from pollserver.store import open_store

    return open_store(Settings.from_env())


@click.group(help="pollserver: the live part of valuehub (polls, idea jams, surveys).")
def main() -> None:
    """Group the subcommands."""
