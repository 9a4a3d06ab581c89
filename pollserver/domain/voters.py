"""Voter identity without accounts: random ids and keyed hashes of IP addresses."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date

__all__ = ["ERASED_TITLE", "erase_hash", "erased_id", "hash_ip", "new_voter_id"]

#: What an erased idea is called in the editor's lists (it is never shown to readers), in the
#: audit log and in the outbox's events: every backend blanks the title to this.
ERASED_TITLE = "(erased by its author)"


def new_voter_id() -> str:
    """Return a random, unguessable voter id (128 bits)."""
    return secrets.token_urlsafe(16)


def hash_ip(secret: str, ip: str, day: date) -> str:
    """Return a keyed hash of an IP address with a key that changes every day.

    Abuse limits only need to tell addresses apart for a short while; a daily key means the
    stored or logged value cannot be linked across days or reversed by hashing all IPv4s.
    """
    day_key = hmac.new(secret.encode(), f"ip-key:{day.isoformat()}".encode(), hashlib.sha256)
    return hmac.new(day_key.digest(), ip.encode(), hashlib.sha256).hexdigest()[:24]


def erase_hash(salt: str, voter_id: str) -> str:
    """Return the salted hash an erase record carries instead of the voter id.

    Voter ids are 128 random bits, so the hash cannot be reversed; with a fresh random salt
    per erase, records of two erasures cannot be linked either.
    """
    return hmac.new(salt.encode(), voter_id.encode(), hashlib.sha256).hexdigest()


def erased_id(salt: str) -> str:
    """Return the id an erased voter's closed votes and codes are re-keyed to: made from a
    fresh random ``salt``, so nobody can link it back to the voter."""
    return f"erased-{salt[:16]}"
