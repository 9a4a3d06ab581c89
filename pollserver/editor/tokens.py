"""Editor API tokens: make one (shown once), list them, revoke one; each change audited.

Used by ``pollserver tokens``; the web layer only checks a bearer token against the store
(:mod:`pollserver.web.editors`), naming the token as the actor of whatever it does.
"""

from __future__ import annotations

from datetime import datetime

from pollserver.domain.errors import NotFound
from pollserver.domain.records import AuditEntry
from pollserver.domain.tokens import ApiToken, check_name, hash_token, new_token
from pollserver.store.base import Store

__all__ = ["add", "revoke"]


def add(store: Store, actor: str, name: object, *, at: datetime) -> tuple[ApiToken, str]:
    """Make a token named ``name``; return its record and the token itself (show it once)."""
    token = new_token()
    record = store.add_token(ApiToken(name=check_name(name), token_hash=hash_token(token),
                                      created_at=at, created_by=actor))
    store.add_audit(AuditEntry(at=at, actor=actor, action="token.add",
                               target=f"token:{record.name}"))
    return record, token


def revoke(store: Store, actor: str, name: str, *, at: datetime) -> None:
    """Revoke the named token: from now on it is refused."""
    if not store.revoke_token(name):
        raise NotFound(f"No token is named {name!r}.")
    store.add_audit(AuditEntry(at=at, actor=actor, action="token.revoke",
                               target=f"token:{name}"))
