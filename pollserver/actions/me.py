"""A voter's data rights: see everything stored about their voter id, and erase it.

Erasing withdraws votes from polls and jams that are still open (closed results stay as
published, no longer linked to the voter), takes the voter's ideas off the site, keeps only the
score of their answers, unlinks their reward codes, ends champion status; the web layer drops
the cookie. See ``pollserver/store/memory/erasure.py`` for the details every store follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pollserver.domain import events
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.phases import phase_of
from pollserver.store.base import Store

__all__ = ["erase", "export", "forget_letters"]


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


def erase(store: Store, voter: str, *, at: datetime,
          letters: Path | None = None) -> dict[str, int]:
    """Forget the voter; return how many records were withdrawn or anonymised.

    Their follows (and so the addresses they gave) and their feed address go too, first: the
    embedded store compacts its files after ``erase_voter``, which must also drop the journal
    line of this step (it names the voter). ``letters`` is the folder of written mail
    (``var/mail/`` without an SMTP server): the messages naming their addresses go too.
    """
    addresses = store.follow_addresses(voter)
    follows = store.erase_follows(voter)
    shares = store.erase_shares(voter)  # the share token and the friends' credits
    shown = [i for i in (store.get_idea(str(d["id"])) for d in store.voter_data(voter)["ideas"])
             if i is not None and i.moderation == "published"]
    removed = [events.idea_removed(i.id, i.jam_id, at=at) for i in shown]  # pages rebuild
    counts = store.emit(*removed).erase_voter(voter, withdraw_polls=_open_ids(store, "poll", at),
                                              withdraw_jams=_open_ids(store, "jam", at))
    counts["follows"] = follows
    counts["shares"] = shares
    if letters is not None:
        counts["letters"] = forget_letters(letters, addresses)
    return counts


def forget_letters(folder: Path, addresses: Iterable[str]) -> int:
    """Delete the written messages (``*.eml``) addressed to any of ``addresses``."""
    needles = [a.lower().encode() for a in addresses if a]
    gone = 0
    if not needles or not folder.is_dir():
        return gone
    for path in folder.glob("*.eml"):
        try:
            data = path.read_bytes().lower()
        except OSError:
            continue
        if any(n in data for n in needles):
            path.unlink(missing_ok=True)
            gone += 1
    return gone
