"""The state machine's share of editor API tokens: tokens by name and by hash, snapshot
table and loading (mixed into :class:`pollserver.store.memory.state.State`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.errors import Conflict
from pollserver.domain.tokens import ApiToken

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["TokenState", "add_token", "find_token", "list_tokens", "load_tokens",
           "revoke_token", "token_doc", "token_tables"]


def token_doc(token: ApiToken) -> dict[str, Any]:
    """A token as a JSON-able dict (operations and snapshots; the hash, never the token)."""
    return {"name": token.name, "hash": token.token_hash, "at": token.created_at.isoformat(),
            "by": token.created_by}


def _token(doc: dict[str, Any]) -> ApiToken:
    return ApiToken(name=doc["name"], token_hash=doc["hash"],
                    created_at=datetime.fromisoformat(doc["at"]), created_by=doc.get("by", ""))


class TokenState:
    """Tokens by name (in the order made) and the hash index a bearer request reads."""

    tokens: dict[str, ApiToken]
    token_hashes: dict[str, str]

    def init_tokens(self) -> None:
        """Start with no tokens (called from ``State.__init__``)."""
        self.tokens = {}
        self.token_hashes = {}

    def keep_token(self, token: ApiToken) -> ApiToken:
        """Add one token (a taken name is a ``Conflict``)."""
        if token.name in self.tokens:
            raise Conflict(f"A token named {token.name!r} exists; revoke it first.")
        self.tokens[token.name] = token
        self.token_hashes[token.token_hash] = token.name
        return token

    def _op_token_add(self, op: dict[str, Any]) -> ApiToken:
        return self.keep_token(_token(op["token"]))

    def _op_token_revoke(self, op: dict[str, Any]) -> bool:
        token = self.tokens.pop(op["name"], None)
        if token is None:
            return False
        self.token_hashes.pop(token.token_hash, None)
        return True


def token_tables(state: TokenState) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Yield the snapshot table ``api_tokens``."""
    yield "api_tokens", (token_doc(t) for t in state.tokens.values())


def load_tokens(state: TokenState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Fill tokens from a snapshot (the table is missing in older ones)."""
    for doc in tables.get("api_tokens", {}).values():
        state.keep_token(_token(doc))


# -- the store's token calls (bound by MemoryStore, like items.py) -------------------------


def add_token(store: MemoryStore, token: ApiToken) -> ApiToken:
    return store.commit({"op": "token-add", "token": token_doc(token)})


def list_tokens(store: MemoryStore) -> list[ApiToken]:
    with store.reading() as state:
        return list(state.tokens.values())


def revoke_token(store: MemoryStore, name: str) -> bool:
    return bool(store.commit({"op": "token-revoke", "name": name}))


def find_token(store: MemoryStore, token_hash: str) -> ApiToken | None:
    with store.reading() as state:
        name = state.token_hashes.get(token_hash)
        return state.tokens.get(name) if name is not None else None
