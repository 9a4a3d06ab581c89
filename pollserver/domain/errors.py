"""Domain errors: each carries the API error code and HTTP status it maps to.

The API layer turns any :class:`DomainError` into ``{"error": {"code", "message"}}`` in one
place, so views never build error bodies by hand.
"""

from __future__ import annotations

__all__ = [
    "AlreadyVoted",
    "BadRequest",
    "DomainError",
    "Forbidden",
    "InvalidChoice",
    "NoVotesLeft",
    "NotFound",
    "ItemClosed",
    "ItemNotOpen",
    "Conflict",
    "StoreUnavailable",
    "InvalidEmail",
    "Gone",
    "ClaimGone",
]


class DomainError(Exception):
    """A rule was broken; ``code`` and ``status`` say how the API reports it."""

    code = "bad_request"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BadRequest(DomainError):
    """The request is malformed or a field is out of range."""


class InvalidChoice(DomainError):
    """A vote names an unknown option or too many of them."""

    code = "invalid_choice"


class NotFound(DomainError):
    """No such poll, jam, idea or survey (or it is archived)."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The caller may not do this."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The request is valid but clashes with the item's current state."""

    code = "conflict"
    status = 409


class AlreadyVoted(Conflict):
    """This voter already voted on this item (and may not change it)."""

    code = "already_voted"


class ItemClosed(Conflict):
    """The item (a poll, a jam or its phase, a survey) has closed.

    Its API code keeps the first API's name, ``poll_closed``, for every kind: clients (the
    engage widgets among them) rely on it, so it is the documented alias of "closed".
    """

    code = "poll_closed"


class ItemNotOpen(Conflict):
    """The item (a poll, a jam or its phase, a survey) has not opened yet.

    API code ``poll_not_open`` for every kind, kept like :class:`ItemClosed`'s.
    """

    code = "poll_not_open"


class NoVotesLeft(Conflict):
    """The voter has spent the jam's vote budget."""

    code = "no_votes_left"


class StoreUnavailable(DomainError):
    """The store cannot write (disk full, read-only, database down); nothing acknowledged is
    lost. ``retry_after`` (seconds) becomes the ``Retry-After`` header."""

    code = "store_unavailable"
    status = 503
    retry_after = 2


class InvalidEmail(BadRequest):
    """A follow request names something that can never be an e-mail address."""

    code = "invalid_email"


class Gone(DomainError):
    """A link from a mail is unknown, used up or expired (confirm, unsubscribe, feed)."""

    code = "gone"
    status = 410


class ClaimGone(DomainError):
    """An offer's codes are all claimed, or the offer has ended (``claim_gone``)."""

    code = "claim_gone"
    status = 410
