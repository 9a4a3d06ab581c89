"""The JSON API under ``/api``: one blueprint, one module per resource."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

# Import the views for their route registrations (they need ``bp`` defined first).
from pollserver.api import health, polls  # noqa: E402,F401
