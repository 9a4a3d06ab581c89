"""Idea jam rules: phases, idea validation, similar titles, ordering, winners, champions.

Phase rule. A jam has up to three dates: ``submit_from``, ``vote_from`` and ``closes``.
Submitting and voting are *separate* phases when ``vote_from`` is set: ideas are taken from
``submit_from`` (or at once) until ``vote_from``, votes from ``vote_from`` until ``closes``.
Without ``vote_from`` there is one combined phase in which readers both submit and vote,
from ``submit_from`` until ``closes``. An editor's early close, an archived item or reaching
``closes`` make the jam ``closed`` for both. The reported ``phase`` is ``closed`` when closed,
``vote`` from ``vote_from`` on, and ``submit`` otherwise (also before ``submit_from`` and in
the combined phase), which is exactly what the build shows on the static page; clients that
need more read ``submit_open`` and ``vote_open``.

Champion rule. A champion is a named author (anonymous ideas count for nobody). Points come
only from what others did (``domain/points.py``): other voters' votes on published ideas
(capped per voter), wins and editors' status changes; an idea alone earns nothing. Pending,
rejected and hidden ideas earn nothing; a merged idea's votes count for its target. Authors
are grouped by name, case-insensitively; ties are broken by wins, then votes, then name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pollserver.domain.errors import BadRequest, Conflict, ItemClosed, ItemNotOpen
from pollserver.domain.likeness import trigram_similarity, trigrams
from pollserver.domain.points import Facts, points_of
from pollserver.domain.records import Idea
from pollserver.domain.specs import JamSpec
from pollserver.domain.text import clean_name, clean_text, without_format_characters

__all__ = [
    "AUTHOR_MAX",
    "BODY_MAX",
    "TITLE_MAX",
    "TITLE_MIN",
    "Champion",
    "IdeaInput",
    "JamState",
    "champions",
    "check_can_submit",
    "check_can_vote",
    "check_winners",
    "jam_state",
    "similar_ideas",
    "sort_ideas",
    "title_words",
    "validate_idea",
    "votes_left",
]

TITLE_MIN, TITLE_MAX = 4, 120
BODY_MAX = 2000
AUTHOR_MAX = 60
SORTS = ("top", "new")

_STOPWORDS = frozenset("""
a about add all also an and any are as at be but by can could do for from get have how i if
in into is it its let make me more my new no not of on or our please should so some that the
their them there this to too up us use we what when which will with would you your
""".split())
_WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class JamState:
    """Where a jam stands at one instant."""

    phase: str  # submit | vote | closed
    submit_open: bool
    vote_open: bool
    not_started: bool


@dataclass(frozen=True)
class IdeaInput:
    """A validated idea as a reader submitted it."""

    title: str
    body: str
    author: str | None


@dataclass(frozen=True)
class Champion:
    """One line of a leaderboard."""

    name: str
    points: int
    ideas: int
    votes_received: int
    wins: int

    def as_dict(self) -> dict[str, object]:
        """Return the API form."""
        return {"name": self.name, "points": self.points, "ideas": self.ideas,
                "votes_received": self.votes_received, "wins": self.wins}


def jam_state(spec: JamSpec, closed_at: datetime | None, now: datetime, *,
              archived: bool = False) -> JamState:
    """Apply the phase rule (module docstring) at ``now``."""
    if (archived or (closed_at is not None and closed_at <= now)
            or (spec.closes is not None and now >= spec.closes)):
        return JamState("closed", False, False, False)
    not_started = spec.submit_from is not None and now < spec.submit_from
    if spec.vote_from is None:
        return JamState("submit", not not_started, not not_started, not_started)
    if now >= spec.vote_from:
        return JamState("vote", False, True, False)
    return JamState("submit", not not_started, False, not_started)


def check_can_submit(state: JamState) -> None:
    """Raise ``ItemNotOpen``/``ItemClosed`` unless ideas are taken now."""
    if state.submit_open:
        return
    if state.not_started:
        raise ItemNotOpen("This jam is not taking ideas yet.")
    if state.phase == "vote":
        raise ItemClosed("Ideas are closed; voting is open now.")
    raise ItemClosed("This jam has closed.")


def check_can_vote(state: JamState) -> None:
    """Raise ``ItemNotOpen``/``ItemClosed`` unless votes are taken now."""
    if state.vote_open:
        return
    if state.phase == "closed":
        raise ItemClosed("This jam has closed.")
    raise ItemNotOpen("Voting has not started yet.")


def _clean(value: object, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be text.", field=name)
    text = clean_text(value, name).strip()
    if len(text) > limit:
        raise BadRequest(f"The {name} can be at most {limit:,} characters.", field=name)
    return text


def validate_idea(title: object, body: object, author: object = None) -> IdeaInput:
    """Return the cleaned idea or raise ``BadRequest`` naming the bad ``field``.

    Title and display name lose Unicode format characters (zero-width, bidi controls), and
    the name is NFKC-folded (:func:`pollserver.domain.text.clean_name`), before their lengths
    are checked: what is left is what readers see.
    """
    clean_title = " ".join(without_format_characters(
        _clean(title, "title", 10 * TITLE_MAX)).split())
    if len(clean_title) < TITLE_MIN:
        raise BadRequest(f"Give your idea a title of at least {TITLE_MIN} characters.",
                         field="title")
    if len(clean_title) > TITLE_MAX:
        raise BadRequest(f"The title can be at most {TITLE_MAX} characters.", field="title")
    clean_body = _clean(body, "body", BODY_MAX)
    clean_author = clean_name(_clean(author, "author", 4 * AUTHOR_MAX))
    if len(clean_author) > AUTHOR_MAX:
        raise BadRequest(f"The author can be at most {AUTHOR_MAX:,} characters.", field="author")
    return IdeaInput(clean_title, clean_body, clean_author or None)


def title_words(title: str) -> frozenset[str]:
    """Return the title's meaningful words: lowercased, accents and stopwords dropped."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    words = set()
    for word in _WORD_RE.findall(ascii_only):
        if word in _STOPWORDS or len(word) < 2:
            continue
        # A crude plural fold so "pouch" and "pouches" meet.
        for suffix in ("es", "s"):
            if len(word) > 4 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        words.add(word)
    return frozenset(words)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the overlap of two word sets relative to the smaller one (0..1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similar_ideas(title: str, ideas: Iterable[Idea], *, threshold: float = 0.5,
                  limit: int = 5, letters: float = 0.5) -> list[Idea]:
    """Return published, unmerged ideas like ``title``, most alike first: sharing most
    meaningful words (at least two unless a title has one), or at least ``letters`` of their
    letter trigrams (a typo, a joined word, another inflection: ``domain/likeness.py``)."""
    words = title_words(title)
    grams = trigrams(title)
    scored = []
    for idea in ideas:
        if idea.moderation != "published" or idea.status == "merged":
            continue
        other = title_words(idea.title)
        shared = len(words & other)
        score = similarity(words, other)
        by_words = score >= threshold and (shared >= 2 or min(len(words), len(other)) == 1)
        by_letters = trigram_similarity(grams, trigrams(idea.title))
        if by_words or (words and by_letters >= letters):
            best = max(score if by_words else 0.0, by_letters)
            scored.append((-round(best, 1), -idea.votes, idea.created_at, idea))
    scored.sort(key=lambda row: row[:3])
    return [row[3] for row in scored[:limit]]


def _id_key(idea: Idea) -> tuple[int, str]:
    return (int(idea.id), "") if idea.id.isdigit() else (0, idea.id)


def sort_ideas(ideas: Iterable[Idea], sort: str) -> list[Idea]:
    """Order ideas: ``top`` = most votes, then oldest; ``new`` = newest first."""
    if sort not in SORTS:
        raise BadRequest("sort must be top or new.", field="sort")
    if sort == "new":
        return sorted(ideas, key=lambda i: (i.created_at, _id_key(i)), reverse=True)
    return sorted(ideas, key=lambda i: (-i.votes, i.created_at, _id_key(i)))


def votes_left(budget: int, used: int) -> int | None:
    """Return the votes a voter can still spend, or ``None`` when voting is unlimited."""
    return None if budget == 0 else max(0, budget - used)


def check_winners(spec: JamSpec, ideas: Mapping[str, Idea], chosen: Iterable[str]) -> list[str]:
    """Validate an editor's winner pick; return the ids without duplicates, in order."""
    picked = list(dict.fromkeys(str(i) for i in chosen))
    if len(picked) > spec.max_winners:
        raise BadRequest(f"This jam has at most {spec.max_winners} winner"
                         f"{'s' if spec.max_winners != 1 else ''}.", field="ideas")
    for idea_id in picked:
        idea = ideas.get(idea_id)
        if idea is None:
            raise BadRequest(f"No idea {idea_id[:20]!r} in this jam.", field="ideas")
        if idea.moderation != "published" or idea.status == "merged":
            raise Conflict(f"Idea {idea_id} is not published, so it cannot win.")
    return picked


def champions(ideas: Iterable[Idea], *, facts: Facts | None = None,
              limit: int | None = 100) -> list[Champion]:
    """Apply the champion rule (module docstring; points from ``domain/points.py``) to ideas
    from one or many jams. ``facts`` says who backs which idea (no facts: no vote points)."""
    ideas = list(ideas)
    points = points_of(ideas, facts or Facts.default())
    table: dict[str, list] = {}
    for idea in ideas:
        name = (idea.author or "").strip()
        if not name or idea.moderation != "published":
            continue
        # Spellings that differ only by invisible characters or compatibility forms (from
        # before names were cleaned on the way in) share a row: no look-alike second row.
        row = table.setdefault(clean_name(name).casefold(), [name, 0, 0, 0, 0])
        row[1] += 1
        row[2] += idea.votes
        row[3] += 1 if idea.winner else 0
        row[4] += points.get(idea.id, 0)
    board = [Champion(name, p, n, v, w) for name, n, v, w, p in table.values()]
    board.sort(key=lambda c: (-c.points, -c.wins, -c.votes_received, c.name.casefold()))
    return board if limit is None else board[:limit]
