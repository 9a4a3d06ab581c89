"""Taking polls, jams and surveys to other sites and to newsletters: the embed snippets and
the newsletter subscriber's voter id. Pure rules (stdlib only), shared by the command line,
the admin and the web pages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from html import escape
from typing import NamedTuple

__all__ = ["EMBEDS", "MERGE_TAG_MAX", "Snippets", "embed_snippets", "subscriber_voter"]

#: The kinds that embed, with their custom element and the attribute naming the item.
EMBEDS: dict[str, tuple[str, str]] = {
    "poll": ("valuehub-poll", "poll"),
    "jam": ("valuehub-jam", "jam"),
    "survey": ("valuehub-survey", "survey"),
}

#: The longest per-recipient merge value accepted (tools use ids of 10 to 40 characters).
MERGE_TAG_MAX = 200


class Snippets(NamedTuple):
    """The two ways to put an item on another site: the script with its element, or an
    iframe for sites whose policy forbids foreign scripts."""

    element: str
    iframe: str


def embed_snippets(origin: str, kind: str, item_id: str) -> Snippets:
    """Return the HTML snippets embedding ``kind`` ``item_id`` served from ``origin``."""
    tag, attribute = EMBEDS[kind]
    base = escape(origin.rstrip("/"))
    ident = escape(item_id)
    element = (f'<script type="module" src="{base}/embed.js"></script>\n'
               f'<{tag} {attribute}="{ident}"></{tag}>')
    iframe = (f'<iframe src="{base}/embed/{kind}/{ident}" title="{kind} {ident}" '
              f'width="100%" height="480" loading="lazy"></iframe>')
    return Snippets(element, iframe)


def subscriber_voter(secret: str, subscriber: str) -> str:
    """The voter id of a newsletter subscriber, from the tool's per-recipient merge value.

    Keyed with the server secret, so the id cannot be computed outside and never names the
    subscriber; the same value gives the same id on every device (one vote per subscriber).
    The shape is that of a random voter id (22 URL-safe characters).
    """
    digest = hmac.new(secret.encode(), b"valuehub newsletter subscriber\0" + subscriber.encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
