"""Editor API tokens: what a script sends as ``Authorization: Bearer ...`` instead of a
session cookie and a CSRF token.

A token is 32 random bytes, printed once when it is made; the store keeps only its SHA-256
(with a fixed prefix), which is enough for a secret of that entropy (a slow password hash
would buy nothing and cost every API call) and lets a request find its token in one lookup.
A copy of the data therefore cannot be replayed as a token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from pollserver.domain.errors import BadRequest

__all__ = ["PREFIX", "ApiToken", "check_name", "hash_token", "new_token"]

#: Every token starts with this, so a leaked one is easy to recognise in a log or a diff.
PREFIX = "vht_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class ApiToken:
    """One named token: its hash, when and by whom it was made."""

    name: str
    token_hash: str
    created_at: datetime
    created_by: str = ""


def new_token() -> str:
    """Return a fresh token (show it once; store only :func:`hash_token` of it)."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The token's stored form."""
    return hashlib.sha256(f"valuehub api token:{token}".encode()).hexdigest()


def check_name(name: object) -> str:
    """Return a valid token name (letters, digits, ``.``, ``_``, ``-``; up to 64)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadRequest("A token name is 1-64 letters, digits, '.', '_' or '-'.",
                         field="name")
    return name
