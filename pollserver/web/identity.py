"""Who is asking: the voter id from a signed cookie, and a keyed hash of the client IP.

There are no accounts. A random voter id lives in a signed, HttpOnly cookie; it is also the
voter's receipt for ``/api/me``. The cookie is only set when a voter first changes something,
so merely reading the site sets no cookie.

The signature is HMAC-SHA256 with a key derived for this one purpose, cut to 128 bits
(``id.`` + 22 base64url characters): one C call to sign or check, on the hottest path we
have. Cookies signed before (the full 256-bit signature, 43 characters, the format
``itsdangerous.Signer`` writes) are still accepted, so no voter loses their identity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import Flask, Response, current_app, g, request
from itsdangerous import Signer

from pollserver.domain.voters import hash_ip, new_voter_id
from pollserver.web import embed
from pollserver.web.context import now, services

__all__ = ["client_ip_hash", "current_voter", "ensure_voter", "init_app", "is_https",
           "sign_voter", "verify_voter"]

COOKIE_SECURE = "__Host-vh_voter"
COOKIE_PLAIN = "vh_voter"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers accept


def is_https() -> bool:
    """Tell whether this request reached us over HTTPS (directly or via a trusted proxy)."""
    mode = services().settings.https
    return mode == "on" or (mode == "auto" and request.scheme == "https")


def _signer() -> Signer:
    """Return the app's voter-cookie signer, made once.

    The key is derived for this one purpose up front: itsdangerous would otherwise derive it
    again (one more HMAC) on every sign and check, on the hottest path we have.
    """
    held = services()
    if held.signer is None:
        secret = current_app.config["SECRET_KEY"].encode()
        key = hmac.new(secret, b"valuehub voter cookie", hashlib.sha256).digest()
        held.signer = Signer(key, key_derivation="none", digest_method=hashlib.sha256)
    return held.signer


#: Length of a signature in base64url characters: ours (128 bits) and the older full one.
SHORT_SIG, FULL_SIG = 22, 43


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_voter(voter: str) -> str:
    """Return the cookie value for ``voter``: ``voter.signature`` (128-bit HMAC-SHA256)."""
    key = _signer().secret_keys[-1]
    return f"{voter}.{_b64(hmac.digest(key, voter.encode(), 'sha256')[:16])}"


def verify_voter(raw: str) -> str | None:
    """Return the voter id of a cookie value signed by us (short or full form), else None."""
    voter, dot, sig = raw.rpartition(".")
    if not dot or not voter or len(sig) not in (SHORT_SIG, FULL_SIG):
        return None
    try:
        mac = hmac.digest(_signer().secret_keys[-1], voter.encode(), "sha256")
    except UnicodeEncodeError:
        return None
    expected = _b64(mac[:16] if len(sig) == SHORT_SIG else mac)
    return voter if hmac.compare_digest(expected, sig) else None


def current_voter() -> str | None:
    """Return the voter id from the cookie, or ``None`` for a first-time visitor (the
    signature is checked once per request; the answer is kept in ``g``)."""
    held = g._get_current_object()
    try:
        return held.voter_id  # type: ignore[no-any-return]
    except AttributeError:
        pass
    if embed.token_mode():  # an embed on another site: its token, never the cookie
        held.voter_id = embed.token_voter()
        return held.voter_id  # type: ignore[no-any-return]
    cookies = request.cookies
    raw = cookies.get(COOKIE_SECURE) or cookies.get(COOKIE_PLAIN)
    held.voter_id = verify_voter(raw) if raw else None
    return held.voter_id


def ensure_voter() -> str:
    """Return the voter id, minting one (and setting the cookie on the response) if needed."""
    voter = current_voter()
    if voter is None:
        limits = services().new_voters
        if limits is not None:
            limits.new_voter()  # the limits on new identities (web/newvoters.py) may refuse
        voter = new_voter_id()
        g.voter_id = voter
        g.set_voter_cookie = True
    return voter


def forget_voter() -> None:
    """Drop the voter cookie on this response (after the voter erased their data)."""
    g.clear_voter_cookie = True


def client_ip_hash() -> str:
    """Return today's keyed hash of the client IP; the raw address is never kept. "Today" is
    the app's clock's (the clock is an input: tests give it an explicit instant)."""
    ip = request.remote_addr or "unknown"
    return hash_ip(current_app.config["SECRET_KEY"], ip, now().date())


def _set_cookie(response: Response) -> Response:
    held = g._get_current_object()
    if getattr(held, "clear_voter_cookie", False):
        for name in (COOKIE_SECURE, COOKIE_PLAIN):
            if name in request.cookies:
                response.delete_cookie(name, path="/", secure=name == COOKIE_SECURE,
                                       httponly=True, samesite="Lax")
    elif getattr(held, "set_voter_cookie", False) and embed.token_mode():
        embed.give_token(response)
    elif getattr(held, "set_voter_cookie", False):
        secure = is_https()
        if secure and g.get("embed_frame"):
            # A form in an iframe on another site: over HTTPS a partitioned cookie, kept per
            # embedding site (CHIPS); SameSite=None because the frame is cross-site.
            response.set_cookie(
                COOKIE_SECURE, sign_voter(g.voter_id), max_age=COOKIE_MAX_AGE,
                path="/", secure=True, httponly=True, samesite="None", partitioned=True,
            )
            return response
        response.set_cookie(
            COOKIE_SECURE if secure else COOKIE_PLAIN,
            sign_voter(g.voter_id),
            max_age=COOKIE_MAX_AGE, path="/", secure=secure, httponly=True, samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    """Set the voter cookie on responses that minted a voter id."""
    app.after_request(_set_cookie)
