"""Every error type pollserver raises, in one place.

The rule errors live in :mod:`pollserver.domain.errors` (the domain must stay free of the
rest of the package) and are re-exported here; the errors only the web layer raises (no
editor signed in, a bad CSRF token, a foreign origin, a rate limit) are defined here. Each
carries its API ``code`` and HTTP ``status``; :func:`pollserver.web.errors.respond` is the
one place that turns any of them into a JSON, form or admin response.
"""

from __future__ import annotations

from pollserver.domain.errors import (
    AlreadyVoted,
    BadRequest,
    ClaimGone,
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    InvalidChoice,
    InvalidEmail,
    ItemClosed,
    ItemNotOpen,
    NotFound,
    NoVotesLeft,
    StoreUnavailable,
)

__all__ = ["AlreadyVoted", "BadRequest", "ClaimGone", "Conflict", "CsrfFailed", "DomainError",
           "Forbidden",
           "ForbiddenOrigin", "Gone", "InvalidChoice", "InvalidEmail", "NoVotesLeft", "NotFound",
           "ItemClosed", "ItemNotOpen", "ProofRequired", "RateLimited", "StoreUnavailable",
           "Unauthorized", "VerificationRequired"]


class Unauthorized(DomainError):
    """No editor is signed in (or the session has expired)."""

    code = "unauthorized"
    status = 401


class CsrfFailed(Forbidden):
    """A state-changing editor request did not carry this session's CSRF token."""

    code = "csrf_failed"


class ForbiddenOrigin(Forbidden):
    """A state-changing request did not come from our own pages."""

    code = "forbidden_origin"


class RateLimited(DomainError):
    """Too many requests; ``retry_after`` says how many seconds to wait."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProofRequired(DomainError):
    """An anonymous costly write came without a valid, unused proof of work (or, from a
    plain form, without a plausible signed render time)."""

    code = "proof_required"
    status = 400


class VerificationRequired(Forbidden):
    """Only voters the brand's own site vouched for may take part here (``voters:
    verified``); ``/verify`` explains how."""

    code = "verification_required"
