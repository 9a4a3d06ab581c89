"""Who is asking: the voter id from a signed cookie, and a keyed hash of the client IP.

There are no accounts. A random voter id lives in a signed, HttpOnly cookie; it is also the
voter's receipt for ``/api/me``. The cookie is only set when a voter first changes something,
so merely reading the site sets no cookie.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, Signer

from pollserver.domain.voters import hash_ip, new_voter_id
from pollserver.web import embed
from pollserver.web.context import now, services

__all__ = ["client_ip_hash", "current_voter", "ensure_voter", "init_app", "is_https"]

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


def current_voter() -> str | None:
    """Return the voter id from the cookie, or ``None`` for a first-time visitor."""
    if "voter_id" not in g:
        if embed.token_mode():  # an embed on another site: its token, never the cookie
            g.voter_id = embed.token_voter()
            return g.voter_id
        raw = request.cookies.get(COOKIE_SECURE) or request.cookies.get(COOKIE_PLAIN)
        voter = None
        if raw:
            try:
                voter = _signer().unsign(raw).decode()
            except BadSignature:
                voter = None
        g.voter_id = voter if isinstance(voter, str) else None
    return g.voter_id


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
    secure = is_https()
    if g.get("clear_voter_cookie"):
        for name in (COOKIE_SECURE, COOKIE_PLAIN):
            if name in request.cookies:
                response.delete_cookie(name, path="/", secure=name == COOKIE_SECURE,
                                       httponly=True, samesite="Lax")
    elif g.get("set_voter_cookie") and embed.token_mode():
        embed.give_token(response)
    elif g.get("set_voter_cookie") and secure and g.get("embed_frame"):
        # A form in an iframe on another site: over HTTPS a partitioned cookie, kept per
        # embedding site (CHIPS); SameSite=None because the frame is cross-site.
        response.set_cookie(
            COOKIE_SECURE, _signer().sign(g.voter_id).decode(), max_age=COOKIE_MAX_AGE,
            path="/", secure=True, httponly=True, samesite="None", partitioned=True,
        )
    elif g.get("set_voter_cookie"):
        response.set_cookie(
            COOKIE_SECURE if secure else COOKIE_PLAIN,
            _signer().sign(g.voter_id).decode(),
            max_age=COOKIE_MAX_AGE, path="/", secure=secure, httponly=True, samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    """Set the voter cookie on responses that minted a voter id."""
    app.after_request(_set_cookie)
