"""A voter's data rights: see everything stored about their voter id, and erase it.

Erasing withdraws votes from polls and jams that are still open (closed results stay as
published, without the voter id), anonymises ideas and survey answers, and drops the cookie.
"""

from __future__ import annotations

from typing import Any

from pollserver.api.items import get_store, now
from pollserver.domain.polls import phase
from pollserver.domain.specs import spec_from_manifest

__all__ = ["erase", "export"]


def export(voter: str) -> dict[str, Any]:
    """Return everything stored about the voter, ready for a JSON download."""
    return {"voter_id": voter, **get_store().voter_data(voter)}


def _open_ids(kind: str) -> list[str]:
    at = now()
    ids = []
    for item in get_store().list_items(kind):
        spec = spec_from_manifest(kind, item.spec)
        opens = getattr(spec, "opens", None) if kind == "poll" else None
        if phase(opens, spec.closes, item.closed_at, at, archived=item.archived) != "closed":
            ids.append(item.id)
    return ids


def erase(voter: str) -> dict[str, int]:
    """Forget the voter; return how many records were withdrawn or anonymised.

    Their follows (and so the addresses they gave) and their feed address go too.
    """
    counts = get_store().erase_voter(voter, withdraw_polls=_open_ids("poll"),
                                     withdraw_jams=_open_ids("jam"))
    counts["follows"] = get_store().erase_follows(voter)
    return counts
