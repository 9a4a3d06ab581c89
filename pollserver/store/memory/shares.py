"""The state machine's share of shares: tokens by voter, credits by newcomer, snapshots.

Mixed into :class:`pollserver.store.memory.state.State`; the calls at the bottom are bound by
``MemoryStore`` (TinyDB replays the same operations from its journal).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.shares import ShareCredit

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["ShareState", "credit_share", "erase_shares", "friends_brought", "load_shares",
           "share_tables", "share_token", "sharer_of"]


def _credit_doc(credit: ShareCredit) -> dict[str, Any]:
    return {"sharer": credit.sharer, "newcomer": credit.newcomer,
            "at": credit.at.isoformat(), "rewarded": credit.rewarded}


def _credit(doc: dict[str, Any]) -> ShareCredit:
    return ShareCredit(sharer=doc["sharer"], newcomer=doc["newcomer"],
                       at=datetime.fromisoformat(doc["at"]), rewarded=bool(doc["rewarded"]))


class ShareState:
    """Tokens (voter -> [token, client]), the token index, credits by newcomer."""

    share_tokens: dict[str, list[str]]
    share_owner: dict[str, str]
    share_credits: dict[str, ShareCredit]

    def init_shares(self) -> None:
        """Start with no tokens and no credits (called from ``State.__init__``)."""
        self.share_tokens = {}
        self.share_owner = {}
        self.share_credits = {}

    def _op_share_token(self, op: dict[str, Any]) -> str:
        held = self.share_tokens.get(op["voter"])
        token = held[0] if held else op["token"]
        self.share_tokens[op["voter"]] = [token, op["client"]]
        self.share_owner[token] = op["voter"]
        return token

    def _op_share_credit(self, op: dict[str, Any]) -> ShareCredit | None:
        if op["newcomer"] in self.share_credits:
            return None
        at = datetime.fromisoformat(op["at"])
        today = sum(1 for c in self.share_credits.values()
                    if c.sharer == op["sharer"] and c.rewarded and c.at.date() == at.date())
        credit = ShareCredit(op["sharer"], op["newcomer"], at, today < op["cap"])
        self.share_credits[credit.newcomer] = credit
        return credit

    def _op_share_erase(self, op: dict[str, Any]) -> int:
        voter = op["voter"]
        gone = 0
        held = self.share_tokens.pop(voter, None)
        if held:
            self.share_owner.pop(held[0], None)
            gone += 1
        for newcomer, credit in list(self.share_credits.items()):
            if voter in (credit.sharer, newcomer):
                del self.share_credits[newcomer]
                gone += 1
        return gone


def share_tables(state: ShareState) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Yield the snapshot tables ``share_tokens`` and ``share_credits``."""
    yield "share_tokens", ({"voter": v, "token": t, "client": c}
                           for v, (t, c) in state.share_tokens.items())
    yield "share_credits", (_credit_doc(c) for c in state.share_credits.values())


def load_shares(state: ShareState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Fill tokens and credits from a snapshot (both tables are missing in older ones)."""
    for doc in tables.get("share_tokens", {}).values():
        state.share_tokens[doc["voter"]] = [doc["token"], doc.get("client", "")]
        state.share_owner[doc["token"]] = doc["voter"]
    for doc in tables.get("share_credits", {}).values():
        credit = _credit(doc)
        state.share_credits[credit.newcomer] = credit


# -- the store's share calls (bound by MemoryStore, like items.py) -------------------------


def share_token(store: MemoryStore, voter_id: str, *, token: str, client: str) -> str:
    with store.reading() as state:  # pages show the link on every view: no journal line then
        held = state.share_tokens.get(voter_id)
        if held and held[1] == client:
            return held[0]
    return str(store.commit({"op": "share-token", "voter": voter_id, "token": token,
                             "client": client}))


def sharer_of(store: MemoryStore, token: str) -> tuple[str, str] | None:
    with store.reading() as state:
        voter = state.share_owner.get(token)
        return (voter, state.share_tokens[voter][1]) if voter else None


def credit_share(store: MemoryStore, sharer: str, newcomer: str, *, at: datetime,
                 reward_cap: int) -> ShareCredit | None:
    return store.commit({"op": "share-credit", "sharer": sharer, "newcomer": newcomer,
                         "at": at.isoformat(), "cap": reward_cap})


def friends_brought(store: MemoryStore, voter_id: str) -> int:
    with store.reading() as state:
        return sum(1 for c in state.share_credits.values() if c.sharer == voter_id)


def erase_shares(store: MemoryStore, voter_id: str) -> int:
    return int(store.commit({"op": "share-erase", "voter": voter_id}))
