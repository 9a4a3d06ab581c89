"""Champion profiles: every published idea shared under one display name, with badges.

Display names are free text (anyone may type any name), so a profile is only "the ideas
shared as this name": the slug is the name folded to lower-case letters and digits, and two
spellings that fold alike share a profile. Badges follow from the ideas alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pollserver.domain.points import Facts, points_of
from pollserver.domain.records import Idea
from pollserver.domain.shares import POINTS_FRIEND

__all__ = ["BADGES", "Profile", "build_profile", "slug_of"]



def N_(text: str) -> str:  # noqa: N802 - gettext's name for "extract, translate later"
    """Mark ``text`` for the catalogues; it is translated where it is shown."""
    return text


#: (key, label, rule text) of every badge, in the order a profile shows them (English msgids:
#: the presenter words them in the reader's language).
BADGES = (
    ("first-idea", N_("First idea"), N_("shared a first idea that was published")),
    ("first-winner", N_("First winner"), N_("had an idea picked as a winner")),
    ("three-winners", N_("Three winners"), N_("had three winning ideas")),
    ("hundred-votes", N_("100 votes received"), N_("ideas that gathered 100 votes in all")),
)


def slug_of(name: str) -> str:
    """Return the profile slug of a display name (``Marta R.`` -> ``marta-r``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")[:60]


@dataclass(frozen=True)
class Profile:
    """What a champion profile shows."""

    name: str
    slug: str
    ideas: list[Idea] = field(default_factory=list)
    points: int = 0
    wins: int = 0
    votes_received: int = 0
    joined: datetime | None = None
    friends_brought: int = 0
    badges: list[tuple[str, str, str]] = field(default_factory=list)


def build_profile(slug: str, ideas: Iterable[Idea], aliases: Iterable[str] = (), *,
                  facts: Facts | None = None, friends: int = 0) -> Profile | None:
    """Return the profile of ``slug`` from published ideas, or ``None`` if it has none.

    ``aliases`` are slugs an editor merged into this one: their ideas count here too, and the
    name shown stays this slug's own spelling when it has one. ``friends``: newcomers the
    profile's readers brought by share links, a points source of its own (``POINTS_FRIEND``).
    """
    slugs = {slug, *aliases}
    mine = sorted((i for i in ideas if i.author and i.moderation == "published"
                   and slug_of(i.author) in slugs),  # counted as the leaderboard counts
                  key=lambda i: i.created_at)
    if not slug or not mine:
        return None
    own = [i for i in mine if slug_of(str(i.author)) == slug] or mine
    wins = sum(1 for i in mine if i.winner)
    votes = sum(i.votes for i in mine)
    earned = {"first-idea": True, "first-winner": wins >= 1, "three-winners": wins >= 3,
              "hundred-votes": votes >= 100}
    return Profile(name=str(own[-1].author).strip(), slug=slug, ideas=mine[::-1],
                   # Points from others' actions on the ideas, plus one separate source:
                   # newcomers this profile's readers brought by share links.
                   points=(sum(points_of(mine, facts or Facts.default()).values())
                           + friends * POINTS_FRIEND),
                   wins=wins, votes_received=votes, joined=mine[0].created_at,
                   friends_brought=friends,
                   badges=[b for b in BADGES if earned[b[0]]])
