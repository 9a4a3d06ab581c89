"""A voter's data rights: see everything stored about their voter id, and erase it.

Erasing withdraws votes from polls and jams that are still open (closed results stay as
published, no longer linked to the voter), takes the voter's ideas off the site, keeps only the
score of their answers, unlinks their reward codes, ends champion status; the web layer drops
the cookie. See ``pollserver/store/memory/erasure.py`` for the details every store follows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pollserver.domain import events
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.phases import phase_of
from pollserver.store.base import Store

__all__ = ["erase", "export"]


def export(store: Store, voter: str) -> dict[str, Any]:
    """Return everything stored about the voter, ready for a JSON download (with whether an
    editor made them a champion: the grant is kept under their voter id)."""
    return {"voter_id": voter, **store.voter_data(voter),
            "champion": store.is_champion(voter),
            "friends_brought": store.friends_brought(voter)}


def _open_ids(store: Store, kind: str, at: datetime) -> list[str]:
    ids = []
    for item in store.list_items(kind):
        spec = spec_from_manifest(kind, item.spec)
        if phase_of(item, spec, at) != "closed":
            ids.append(item.id)
    return ids


def erase(store: Store, voter: str, *, at: datetime) -> dict[str, int]:
    """Forget the voter; return how many records were withdrawn or anonymised.

    Their follows (and so the addresses they gave) and their feed address go too, first: the
    embedded store compacts its files after ``erase_voter``, which must also drop the journal
    line of this step (it names the voter).
    """
    follows = store.erase_follows(voter)
    shares = store.erase_shares(voter)  # the share token and the friends' credits
    shown = [i for i in (store.get_idea(str(d["id"])) for d in store.voter_data(voter)["ideas"])
             if i is not None and i.moderation == "published"]
    removed = [events.idea_removed(i.id, i.jam_id, at=at) for i in shown]  # pages rebuild
    counts = store.emit(*removed).erase_voter(voter, withdraw_polls=_open_ids(store, "poll", at),
                                              withdraw_jams=_open_ids(store, "jam", at))
    counts["follows"] = follows
    counts["shares"] = shares
    return counts
