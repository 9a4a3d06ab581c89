"""The memory store's editor calls (``store/base.py``, editors): accounts, the audit log and
sign-in sessions (kept by a hash of the session id). Bound by ``MemoryStore`` like
``items.py``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from pollserver.domain.records import AuditEntry

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["add_audit", "add_editor_session", "editor_session", "get_admin", "list_audit",
           "put_admin", "revoke_editor_sessions"]


def put_admin(store: MemoryStore, username: str, password_hash: str) -> None:
    store.commit({"op": "admin", "username": username, "hash": password_hash})


def get_admin(store: MemoryStore, username: str) -> str | None:
    with store.reading() as state:
        return state.admins.get(username)


def add_audit(store: MemoryStore, entry: AuditEntry) -> None:
    store.commit(dict(asdict(entry), op="audit", at=entry.at.isoformat()))


def list_audit(store: MemoryStore, limit: int = 500) -> list[AuditEntry]:
    with store.reading() as state:
        return list(reversed(state.audit[-limit:]))


def add_editor_session(store: MemoryStore, session_hash: str, username: str, *,
                       at: datetime) -> None:
    store.commit({"op": "editor-session", "session": session_hash, "username": username,
                  "at": at.isoformat()})


def editor_session(store: MemoryStore, session_hash: str) -> str | None:
    with store.reading() as state:
        return state.editor_sessions.get(session_hash, (None, ""))[0]


def revoke_editor_sessions(store: MemoryStore, *, session_hash: str | None = None,
                           username: str | None = None) -> int:
    return store.commit({"op": "editor-session-revoke", "session": session_hash,
                         "username": username})
