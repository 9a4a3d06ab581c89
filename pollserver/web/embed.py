"""Embeds on other sites (``POLLSERVER_EMBED_ORIGINS``): who may call, and who is voting.

An embed runs in a page of another site, where browsers partition or block our cookies. So
the embed keeps its own voter token (in its own storage) and sends it in the
``X-Valuehub-Voter`` header; an answer that minted a voter id returns the token in the same
header. The token is a signature of the voter id under a key of its own (it is never valid
as the cookie) and is read only on the item endpoints an embed calls, so a token that leaks
from a host page can vote and read that voter's votes, but never export or erase their data.
A custom header cannot be sent cross-site without CORS approval, which only listed origins
get: the token needs no CSRF defence beyond that.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, Signer

from pollserver.web.context import services

__all__ = ["TOKEN_HEADER", "embed_origin", "embeddable", "frame_ancestors", "give_token",
           "token_mode", "token_voter"]

TOKEN_HEADER = "X-Valuehub-Voter"
#: The API paths an embed calls: reading and voting in polls, jams and surveys.
_EMBEDDABLE = re.compile(r"^/api/(polls|jams|surveys)/")


def embeddable(path: str) -> bool:
    """Tell whether ``path`` is one an embed may call from a listed origin."""
    return bool(_EMBEDDABLE.match(path))


def embed_origin() -> str | None:
    """The request's ``Origin`` when it is a listed embed origin, else ``None``."""
    origin = (request.headers.get("Origin") or "").rstrip("/")
    return origin if origin and origin in services().settings.embed_origins else None


def frame_ancestors() -> str:
    """The ``frame-ancestors`` value of an embed page: this site and the listed origins."""
    return " ".join(("'self'", *services().settings.embed_origins))


def _signer() -> Signer:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, b"valuehub embed voter token", hashlib.sha256).digest()
    return Signer(key, key_derivation="none", digest_method=hashlib.sha256)


def token_mode() -> bool:
    """Tell whether this request identifies its voter by the embed's token (it sent the
    header, even as ``-`` before it has one) rather than by the cookie."""
    return TOKEN_HEADER in request.headers and embeddable(request.path)


def token_voter() -> str | None:
    """The voter id the embed's token names, or ``None`` (no token yet, or a bad one)."""
    raw = request.headers.get(TOKEN_HEADER, "")
    if not raw or raw == "-":
        return None
    try:
        return _signer().unsign(raw.encode("ascii", "replace")).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def give_token(response: Response) -> None:
    """Hand the embed the token of the voter id this request minted."""
    response.headers[TOKEN_HEADER] = _signer().sign(g.voter_id).decode()
