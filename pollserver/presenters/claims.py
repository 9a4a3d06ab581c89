"""An offer's claim as readers see it: dates, codes left, and the reader's own code."""

from __future__ import annotations

from typing import Any

from pollserver.domain.phases import phase_of
from pollserver.domain.records import Item
from pollserver.domain.specs import ClaimSpec, iso_utc
from pollserver.web.services import Reader

__all__ = ["claim_view"]


def claim_view(reader: Reader, item: Item, spec: ClaimSpec,
               code: str | None = None) -> dict[str, Any]:
    """Build the claim's public JSON: ``left`` of ``total`` codes, and ``my_code``."""
    state = phase_of(item, spec, reader.at)
    total, claimed = reader.store.pool_stats().get(spec.pool, (0, 0))
    left = total - claimed
    if code is None and reader.voter:
        code = reader.store.code_of(spec.pool, reader.voter)
    return {
        "id": spec.id,
        "opens": iso_utc(spec.opens),
        "closes": iso_utc(spec.closes),
        "state": state,
        "open": state == "open" and left > 0,
        "left": left,
        "total": total,
        "per_person": spec.per_person,
        "my_code": code,
        "url": item.url or None,
    }
