"""The ``pollserver`` command: serve, worker, sync, results, codes, webhooks, tokens,
create-admin, migrate, db, export, attention, seed, backup, restore, inspect, embed, newsletter.

The group lives in ``base.py``; each module here adds its commands to it when imported, and
this package imports every one of them, so ``pollserver.cli:main`` has them all.
"""

from __future__ import annotations

from pollserver.cli import data, hooks, reach, run, tokens
from pollserver.cli.base import main

__all__ = ["data", "hooks", "main", "reach", "run", "tokens"]
