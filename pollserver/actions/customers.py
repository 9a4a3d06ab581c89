"""Verified customers: the brand's own site vouches for a reader with a signed token.

The brand's server signs a short-lived JWT (``sub`` = its customer id, ``exp``, ``aud`` = this
hub's origin) with ``POLLSERVER_VERIFY_KEY``: an HS256 secret, or the public half (PEM) of an
RS256 or ES256 key. Only the algorithms the key's type allows are accepted (a public key
can never be used as an HMAC secret). ``exp`` is checked against the app clock, not the
machine's. The customer id is kept only as a keyed hash, so the hub can tell two voters who
are one customer apart from two customers without learning who they are.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import jwt

from pollserver.actions.voters import VoterSource
from pollserver.domain.errors import BadRequest, Forbidden
from pollserver.store.base import Store

__all__ = ["CustomerVerified", "algorithms_for", "customer_hash", "verify_customer"]

#: Tokens longer than this are refused unread.
TOKEN_MAX = 4096


@dataclass(frozen=True)
class CustomerVerified:
    """The voter is now a verified customer."""

    voter: str


def algorithms_for(key: str) -> list[str]:
    """The algorithms a key allows: asymmetric for a PEM public key, else HS256."""
    return ["RS256", "ES256"] if key.lstrip().startswith("-----BEGIN") else ["HS256"]


def customer_hash(secret: str, customer_id: str) -> str:
    """The keyed hash of the brand's customer id that the store keeps."""
    return hmac.new(secret.encode(), f"customer:{customer_id}".encode(),
                    hashlib.sha256).hexdigest()


def verify_customer(store: Store, voter: VoterSource, *, key: str | None, secret: str,
                    token: object, audiences: Iterable[str], at: datetime) -> CustomerVerified:
    """Check the token and mark the voter verified; raise ``Forbidden``/``BadRequest``."""
    if not key:
        raise Forbidden("This hub does not verify customers.")
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise BadRequest("Send the token your account page gave you.", field="token")
    pem = key.replace("\\n", "\n")
    try:
        claims = jwt.decode(token, pem, algorithms=algorithms_for(pem),
                            audience=list(audiences),
                            options={"require": ["sub", "exp", "aud"], "verify_exp": False,
                                     "verify_nbf": False, "verify_iat": False})
    except jwt.PyJWTError:
        raise Forbidden("That verification link is not valid for this site.") from None
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp < at.timestamp():
        raise Forbidden("That verification link has expired; please ask for a new one.")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 256:
        raise Forbidden("That verification link names no customer.")
    who = voter()
    store.mark_verified(who, customer_hash(secret, subject), at)
    return CustomerVerified(who)
