"""Load the demo hub's sample ideas and votes (``sample/seed.yaml``) into an empty store.

Only jams that have no ideas yet are touched, so running it again (every ``make run``) adds
nothing and never mixes sample data into a jam real readers have used.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from pollserver.domain.champions import Champion
from pollserver.store.base import Store

__all__ = ["seed"]

#: Idea fields an entry may set besides its vote count.
FIELDS = {"title", "body", "author", "status", "winner", "votes", "note", "days_ago",
          "champion"}
#: The made-up voter id of a sample author marked ``champion: true``.
CHAMPION_VOTER = "sample-champion-{jam}-{idea}"


def _entries(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    jams = data.get("jams") or {}
    for jam, ideas in jams.items():
        for entry in ideas:
            unknown = set(entry) - FIELDS
            if unknown or "title" not in entry:
                raise ValueError(f"{path}: jam {jam!r}: each idea needs a title and may set "
                                 f"{', '.join(sorted(FIELDS - {'title'}))}")
    return jams


#: How long before its status changed (or before the seeding) a sample idea was shared.
SHARED_BEFORE = timedelta(days=21)

def seed(store: Store, path: Path) -> dict[str, int]:
    """Add the sample ideas (and votes from made-up voters); return ideas added per jam.

    An entry with ``champion: true`` is shared by a made-up voter who is made a champion.
    """
    added: dict[str, int] = {}
    at = datetime.now(UTC).replace(microsecond=0)
    for jam, ideas in _entries(path).items():
        if store.list_ideas(jam):
            continue
        for entry in ideas:
            champion = bool(entry.get("champion"))
            voter = CHAMPION_VOTER.format(jam=jam, idea=len(store.list_ideas(jam)) + 1)
            changed = at - timedelta(days=int(entry.get("days_ago", 0)))
            # Shared a while before its status changed, so pages never show a status given
            # before the idea existed.
            idea = store.add_idea(jam, title=entry["title"], body=entry.get("body", ""),
                                  author=entry.get("author"),
                                  voter_id=voter if champion else None,
                                  moderation="published", at=changed - SHARED_BEFORE)
            if champion:  # so an editor sees a champion in /admin/profiles at once
                store.grant_champion(Champion(voter, idea.id, "sample data", at))
            voters = [f"sample-{jam}-{idea.id}-{n}" for n in range(int(entry.get("votes", 0)))]
            # Threads let the store's group commit share fsyncs across these votes.
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda v, j=jam, i=idea.id: store.vote_idea(j, i, v, budget=0,
                                                                          at=at), voters))
            changes = {k: entry[k] for k in ("status", "winner") if k in entry}
            if changes:  # a status comes with its note, dated ``days_ago`` days before now
                store.update_idea(idea.id, at=changed, note=str(entry.get("note", "")),
                                  **changes)
        added[jam] = len(ideas)
    return added
