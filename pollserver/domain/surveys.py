"""Promoter survey rules: score categories, answer validation, NPS maths and the invitation.

The invitation is the heart of the review-site rules: every respondent sees the *same*
review links whatever their score (no review gating), and nothing is ever given for a
review. Promoters additionally get a share with their own words; detractors a support link.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from math import floor
from typing import Any
from urllib.parse import quote, urlencode

from pollserver.domain.errors import BadRequest
from pollserver.domain.specs import SurveySpec
from pollserver.domain.text import clean_text

__all__ = [
    "CATEGORIES",
    "MAX_COMMENT",
    "Nps",
    "TrendPoint",
    "category_of",
    "clean_comment",
    "invite",
    "nps",
    "parse_consent",
    "parse_score",
    "share_links",
    "trend",
]

CATEGORIES = ("promoter", "passive", "detractor")
MAX_COMMENT = 2000
DEFAULT_SHARE_TEXT = "I recommend them, have a look:"
_TRUE = {"true", "on", "1", "yes"}


def category_of(score: int) -> str:
    """Return ``promoter`` (9-10), ``passive`` (7-8) or ``detractor`` (0-6)."""
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def parse_score(value: Any) -> int:
    """Return the score as an int 0..10 (``"7"`` from a form is fine); else ``BadRequest``."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise BadRequest("score must be a whole number from 0 to 10.", field="score")
    return value


def clean_comment(value: Any) -> str:
    """Return the comment stripped, at most :data:`MAX_COMMENT` characters; else ``BadRequest``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest("comment must be text.", field="comment")
    text = clean_text(value, "comment").strip()
    if len(text) > MAX_COMMENT:
        raise BadRequest(f"comment must be at most {MAX_COMMENT} characters.", field="comment")
    return text


def parse_consent(value: Any) -> bool:
    """Read ``consent_to_quote`` from JSON (true/false) or a form checkbox (``"true"``/absent)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in _TRUE


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score with the counts behind it; ``score`` is ``None`` with no answers."""

    total: int
    promoters: int
    passives: int
    detractors: int
    score: int | None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by exports and the dashboard."""
        return {"nps": self.score, "total": self.total, "promoters": self.promoters,
                "passives": self.passives, "detractors": self.detractors}


def _round_half_away(value: Fraction) -> int:
    # Exact fractions: 100 * (p - d) / n must not pick up float error before rounding.
    magnitude = floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def nps(scores: Iterable[int]) -> Nps:
    """Return %promoters - %detractors (rounded half away from zero) with the counts."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for score in scores:
        counts[category_of(score)] += 1
    total = sum(counts.values())
    value = (None if total == 0 else
             _round_half_away(Fraction(100 * (counts["promoter"] - counts["detractor"]), total)))
    return Nps(total=total, promoters=counts["promoter"], passives=counts["passive"],
               detractors=counts["detractor"], score=value)


@dataclass(frozen=True)
class TrendPoint:
    """NPS over the ``window`` days ending on ``day`` (inclusive)."""

    day: date
    nps: Nps


def trend(answers: Sequence[tuple[datetime, int]], end: date, *, days: int = 30,
          window: int = 30) -> list[TrendPoint]:
    """Return one point per day for ``days`` days up to ``end``, each a rolling ``window``."""
    points = []
    for offset in range(days - 1, -1, -1):
        day = end - timedelta(days=offset)
        first = day - timedelta(days=window - 1)
        points.append(TrendPoint(day, nps(s for at, s in answers if first <= at.date() <= day)))
    return points


def share_links(text: str, url: str) -> list[dict[str, str]]:
    """Return share links (mail, Mastodon, LinkedIn, X) prefilled with ``text`` and ``url``."""
    message = f"{text} {url}".strip()
    return [
        {"name": "Email", "url": "mailto:?" + urlencode(
            {"subject": "A recommendation", "body": message}, quote_via=quote)},
        {"name": "Mastodon", "url": "https://mastodonshare.com/?" + urlencode(
            {"text": text, "url": url}, quote_via=quote)},
        {"name": "LinkedIn", "url": "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}, quote_via=quote)},
        {"name": "X", "url": "https://x.com/intent/post?" + urlencode(
            {"text": text, "url": url}, quote_via=quote)},
    ]


def invite(spec: SurveySpec, category: str, *, comment: str, consent_to_quote: bool,
           page_url: str) -> dict[str, Any]:
    """Return the invitation after an answer.

    ``review_links`` are the spec's links for *every* category (never gated on the score).
    Promoters also get a share; its text is their own comment only if they consented to be
    quoted. Detractors get the support link.
    """
    share = None
    if category == "promoter":
        text = comment if consent_to_quote and comment else (spec.share_text
                                                              or DEFAULT_SHARE_TEXT)
        share = {"text": text, "links": share_links(text, page_url)}
    return {
        "review_links": [{"name": link.name, "url": link.url} for link in spec.review_links],
        "share": share,
        "support_url": spec.support_url if category == "detractor" else None,
    }
