"""Record editor actions: who did what to which target, and when."""

from __future__ import annotations

from typing import Any

from flask import session

from pollserver.domain.records import AuditEntry
from pollserver.web.context import get_store, now

__all__ = ["record"]


def record(action: str, target: str, **details: Any) -> AuditEntry:
    """Append one audit entry for the signed-in editor and return it."""
    entry = AuditEntry(at=now(), actor=str(session.get("editor") or "unknown"),
                       action=action, target=target, details=details)
    get_store().add_audit(entry)
    return entry
