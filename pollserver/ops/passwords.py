"""Editor passwords: argon2id hashes, a minimum length, and no default password ever."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["MIN_LENGTH", "PasswordTooShort", "hash_password", "needs_rehash", "verify"]

MIN_LENGTH = 10
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Return a hash to verify against when the username is unknown, so both failures take
    the same time. Made on first use: hashing costs ~0.3 s and ~64 MB, too much for every
    worker's start-up."""
    return _hasher.hash("not-a-real-password-for-timing")


class PasswordTooShort(ValueError):
    """The password is shorter than :data:`MIN_LENGTH`."""


def hash_password(password: str) -> str:
    """Return the argon2 hash of a new password; refuse short ones."""
    if len(password) < MIN_LENGTH:
        raise PasswordTooShort(f"Passwords need at least {MIN_LENGTH} characters.")
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Tell whether the password matches; an unknown user costs as much as a wrong one."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether the hash uses weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(stored_hash)
