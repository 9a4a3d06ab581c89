"""The JSON API under ``/api``: one blueprint, one module per resource."""

from __future__ import annotations

import importlib

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

#: Resource modules; each registers its routes on ``bp`` when imported.
MODULES = [
    "health",
    "polls",
    "me",
    "jams",
    "surveys",
]

for _name in MODULES:
    importlib.import_module(f"pollserver.api.{_name}")
