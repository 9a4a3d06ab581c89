"""Records of the outbox: events, followers and deliveries (pure data, no I/O).

An :class:`Event` is written by the store in the same step as the change that caused it, so
a crash can neither lose it nor leave one behind for a change that did not happen. Consumers
(follower mail, confirmation mail, webhooks, the publish trigger) each get their own
:class:`Delivery` rows, claimed, retried and finished independently of one another. Which
events exist, and which consumers hear of each, is declared in ``events.py``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pollserver.domain.errors import InvalidEmail
from pollserver.domain.text import problem_of

__all__ = [
    "CONFIRM",
    "CONFIRM_WINDOW",
    "FOLLOW_KINDS",
    "FOLLOW_SENT",
    "MAIL",
    "Delivery",
    "Event",
    "Follow",
    "check_email",
    "mailbox_of",
    "complete_event",
    "event_from",
    "follow_id",
    "new_token",
]

FOLLOW_KINDS = ("idea", "jam", "poll")
#: The consumer that mails followers; webhooks add ``webhook:<endpoint>`` consumers.
MAIL = "mail"
#: The consumer of confirmation mails: its own, so a daily digest never holds them back.
CONFIRM = "mail.confirm"
#: What a reader is told after asking to follow (the same for every address).
FOLLOW_SENT = "Thank you. We sent you a mail: press the button in it to confirm."
#: How long an unconfirmed follow request (and the address it names) is kept.
CONFIRM_WINDOW = timedelta(hours=48)

# Deliberately plain: one @, no spaces or angle brackets, a dot in the domain. The mail
# itself is the real check (double opt-in); this only refuses what can never be an address.
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")


def check_email(value: object) -> str:
    """Return the address, trimmed, or raise ``InvalidEmail`` (400 ``invalid_email``).

    Invalid text (a lone surrogate, a control character) is refused here too, whatever
    checked the request before: such an address could never be written into a mail.
    """
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > 254 or not _EMAIL.match(text) or problem_of(text) is not None \
            or not text.isprintable():
        raise InvalidEmail("That does not look like an e-mail address.", field="email")
    return text


def mailbox_of(address: str) -> tuple[str, str]:
    """Return ``(mailbox, domain)``: the inbox an address reaches, for limits.

    Lower-case, and the ``+tag`` of a sub-address removed: ``Victim+1@Example.org`` and
    ``victim+2@example.org`` land in one inbox, so they count as one. The address itself is
    stored and mailed exactly as given.
    """
    local, _, domain = address.strip().rpartition("@")
    local = local.casefold().split("+", 1)[0]
    domain = domain.casefold().rstrip(".")
    return f"{local}@{domain}", domain


def new_token() -> str:
    """Return a fresh secret for a link in a mail (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def follow_id(token: str) -> str:
    """Return the id of the follow whose confirmation link holds ``token``.

    The id (a hash of the token) is what unsubscribe links carry, so a mail's unsubscribe
    link cannot be turned into a confirmation of some other request.
    """
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Event:
    """Something that happened, with everything a consumer needs to tell about it.

    ``subjects`` name what it concerns (``idea:12``, ``jam:ideas-2025``, ``poll:p``): followers
    of any of them hear of it, and a voter's private feed shows it when the voter took part
    in one. ``voter`` names a single voter it is meant for (a reward code). ``notify`` false
    keeps it out of mail (an editor's silent change) while feeds and other consumers see it.
    """

    id: str
    type: str
    subjects: tuple[str, ...]
    data: dict[str, Any]
    created_at: datetime
    notify: bool = True
    voter: str | None = None


def complete_event(raw: dict[str, Any], result: Any) -> dict[str, Any] | None:
    """Resolve ``if_result`` and ``:*`` subjects against the change's result (or drop it)."""
    if raw.get("if_result") and not result:
        return None
    made = getattr(result, "id", None)
    subjects = [s[:-1] + str(made) if s.endswith(":*") and made is not None else s
                for s in raw["subjects"]]
    data = dict(raw["data"])
    if made is not None and "id" not in data and any(s.endswith(":*") for s in raw["subjects"]):
        data["id"] = str(made)
    if made is not None and str(data.get("url", "")).endswith("/*"):
        data["url"] = str(data["url"])[:-1] + str(made)  # the new idea's own page
    return dict(raw, subjects=subjects, data=data)


def event_from(raw: dict[str, Any]) -> Event:
    """Build the record from a completed event dict."""
    return Event(id=raw["id"], type=raw["type"], subjects=tuple(raw["subjects"]),
                 data=dict(raw["data"]), created_at=datetime.fromisoformat(raw["at"]),
                 notify=bool(raw.get("notify", True)), voter=raw.get("voter"))


@dataclass(frozen=True)
class Follow:
    """A request to hear about one idea, jam or poll by mail.

    Unconfirmed, it keeps the address only so the confirmation can be sent and accepted, and
    for :data:`CONFIRM_WINDOW` at most; confirmed, it lasts until unsubscribe or erase.
    """

    id: str
    kind: str
    item: str
    jam: str | None
    email: str
    voter_id: str | None
    created_at: datetime
    confirmed_at: datetime | None = None
    #: The language of the page the follow was asked from: its mails speak it ("" = the
    #: site's main language). Stored with the follow, so it goes when the follow goes.
    lang: str = ""

    @property
    def subject(self) -> str:
        """The event subject this follow listens to."""
        return f"{self.kind}:{self.item}"

    def expired(self, now: datetime) -> bool:
        """Whether an unconfirmed request is past its window."""
        return self.confirmed_at is None and now - self.created_at > CONFIRM_WINDOW


@dataclass(frozen=True)
class Delivery:
    """One event on its way to one recipient of one consumer.

    ``recipient`` is the follow id for mail (one row per event and address, whatever number
    of follows matched), so ``(event, consumer, recipient)`` is unique: at most one mail.
    ``claim`` is set while a sender holds it; ``next_attempt`` is when it may be tried (again).
    """

    id: str
    event_id: str
    consumer: str
    recipient: str
    address: str | None
    status: str  # pending | sent | failed
    attempts: int
    next_attempt: datetime
    created_at: datetime
    claim: str | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    event: Event | None = field(default=None, compare=False)
