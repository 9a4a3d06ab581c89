"""Build data dirs holding many votes without sending them one by one.

The state is built with the store's own state machine (``State.apply``, the very code the
TinyDB store replays its journal with), written as a snapshot with ``snapshot.write`` and
installed with the store's public ``TinyDBStore.restore``. So the server opens exactly the files it
would have after receiving those votes over HTTP, in a second instead of minutes.
"""

from __future__ import annotations

import random
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from pollserver.domain.kinds import parse_spec
from pollserver.domain.records import Item
from pollserver.domain.specs import spec_to_manifest
from pollserver.store.memory.state import State
from pollserver.store.tinydb import TinyDBStore, snapshot

__all__ = ["JAM_ID", "OPTIONS", "POLL_ID", "jam_item", "poll_item", "prefill_tinydb"]

POLL_ID = "bench-poll"
JAM_ID = "bench-jam"
OPTIONS = ("a", "b", "c", "d")

_WORDS = ("delivery faster cheaper pickup locker weekend evening reusable packaging refill "
          "loyalty points recipe bundle seasonal local organic discount student family "
          "subscription repair warranty trade-in gift card newsletter workshop tasting "
          "app offline mode dark theme export calendar reminder").split()


def poll_item(poll_id: str = POLL_ID) -> Item:
    """A single-choice poll with results always visible (the expensive case to read)."""
    spec = parse_spec("poll", {
        "id": poll_id, "question": "Which delivery day suits you best?",
        "options": [{"key": k, "label": k.upper()} for k in OPTIONS],
        "max_choices": 1, "results": "always", "changeable": False,
    })
    return Item(kind="poll", id=poll_id, spec=spec_to_manifest(spec), source="bench:1",
                url="/bench.html")


def jam_item(jam_id: str = JAM_ID, votes_per_person: int = 5) -> Item:
    """An open jam (no phase dates: submitting and voting both open)."""
    spec = parse_spec("jam", {"id": jam_id, "title": "What should we build next?",
                              "prompt": "Tell us, then vote.",
                              "votes_per_person": votes_per_person, "moderation": "post"})
    return Item(kind="jam", id=jam_id, spec=spec_to_manifest(spec), source="bench:2",
                url="/bench-jam.html")


def _items_op(items: list[Item]) -> dict:
    return {"op": "sync", "items": [{"kind": i.kind, "id": i.id, "spec": i.spec,
                                     "source": i.source, "url": i.url} for i in items]}


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(lo, hi))).capitalize()


def prefill_tinydb(data_dir: Path, *, poll_votes: int = 0, jam_ideas: int = 0,
                   jam_votes: int = 0, votes_per_person: int = 5, seed: int = 7,
                   pending_every: int = 0, audit_entries: int = 0,
                   admins: dict[str, str] | None = None) -> int:
    """Create ``data_dir`` holding the bench poll (and jam) with the given numbers of votes.

    Voter ids are real ones (``secrets.token_urlsafe(16)``), so memory use is realistic.
    Every ``pending_every``-th idea waits for moderation; ``audit_entries`` editor actions
    fill the audit log; ``admins`` maps editor names to password hashes. Returns the
    number of operations the snapshot covers.
    """
    rng = random.Random(seed)
    at = datetime.now(UTC).isoformat()
    state = State()
    items = [poll_item()]
    if jam_ideas:
        items.append(jam_item(votes_per_person=votes_per_person))
    ops = 0
    state.apply(_items_op(items))
    ops += 1
    keys = [sys.intern(k) for k in OPTIONS]
    weights = (4, 3, 2, 1)
    for _ in range(poll_votes):
        state.apply({"op": "vote", "poll": POLL_ID, "voter": secrets.token_urlsafe(16),
                     "choices": rng.choices(keys, weights)[:1], "replace": False, "at": at})
        ops += 1
    idea_ids = []
    for n in range(jam_ideas):
        idea = state.apply({"op": "idea", "jam": JAM_ID, "title": _sentence(rng, 3, 8),
                            "body": _sentence(rng, 15, 60) + ".", "author": f"Reader {n}",
                            "voter": secrets.token_urlsafe(16), "at": at,
                            "moderation": "pending" if pending_every and n % pending_every == 0
                            else "published"})
        if idea.moderation == "published":
            idea_ids.append(idea.id)
        ops += 1
    left = jam_votes if idea_ids else 0
    while left > 0:
        voter = secrets.token_urlsafe(16)
        want = min(left, votes_per_person, len(idea_ids))
        chosen: set[str] = set()
        while len(chosen) < want:  # a skewed pick: a few popular ideas, a long tail
            chosen.add(idea_ids[int(len(idea_ids) * rng.random() ** 3)])
        for idea_id in chosen:
            state.apply({"op": "idea-vote", "jam": JAM_ID, "idea": idea_id, "voter": voter,
                         "budget": votes_per_person, "at": at})
            ops += 1
        left -= want
    for name, password_hash in (admins or {}).items():
        state.apply({"op": "admin", "username": name, "hash": password_hash})
        ops += 1
    for n in range(audit_entries):
        state.apply({"op": "audit", "at": at, "actor": "editor:bench", "action": "idea.approve",
                     "target": f"idea:{n}", "details": {"jam": JAM_ID}})
        ops += 1
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir.parent / f".{data_dir.name}-prefill.json"
    meta = {"format": getattr(snapshot, "FORMAT", 1), "generation": 0, "base": None, "n": ops}
    snapshot.write(tmp, state, meta)
    try:
        TinyDBStore.restore(tmp, data_dir)  # the store's public backup-restore entry point
    finally:
        tmp.unlink(missing_ok=True)
    return ops
