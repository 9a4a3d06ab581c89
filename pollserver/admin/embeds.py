"""The embed snippets the dashboard shows beside each poll, jam and survey."""

from __future__ import annotations

from flask import request

from pollserver.domain.reach import Snippets, embed_snippets
from pollserver.web.context import services

__all__ = ["snippets_for"]


def snippets_for(kind: str, item_id: str) -> Snippets:
    """The script-and-element and iframe snippets for the item, on the hub's public origin
    (this request's origin when none is set)."""
    origin = services().settings.public_origin or request.host_url
    return embed_snippets(origin, kind, item_id)
