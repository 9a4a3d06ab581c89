"""Specs for polls, jams and surveys: the validated form of an editor's Markdown block.

One parser per kind serves both the build (plugins/engage reports ``file:line`` errors) and
``pollserver sync`` (which re-checks the manifest), so the two can never disagree. Which
kinds exist, and which parser reads which, is the registry's business: ``kinds.py``
(``parse_spec``, ``spec_from_manifest``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from pollserver.domain.entries import ID_RE, Option, SpecError, read_entry, slugify_key
from pollserver.domain.topics import parse_topics

__all__ = [
    "ID_RE",
    "DEFAULT_SURVEY_QUESTION",
    "ClaimSpec",
    "JamSpec",
    "Option",
    "PollSpec",
    "ReviewLink",
    "Spec",
    "SpecError",
    "SurveySpec",
    "check_common",
    "iso_utc",
    "keys_of",
    "read_entry",
    "parse_datetime",
    "parse_claim",
    "parse_jam",
    "parse_poll",
    "parse_survey",
    "slugify_key",
    "spec_to_manifest",
]

RESULTS_VISIBILITY = ("always", "after-vote", "after-close")
MODERATION = ("pre", "post", "first")
#: Who may vote (``voters``): everyone, or verified customers only.
VOTERS = ("all", "verified")
#: Whether verified customers' votes are counted and shown apart (``verified``).
VERIFIED = ("off", "badge")
DEFAULT_SURVEY_QUESTION = "How likely are you to recommend us to a friend?"
MAX_OPTIONS = 12


@dataclass(frozen=True)
class ReviewLink:
    """A public review site where every survey respondent is invited to review."""

    name: str
    url: str


@dataclass(frozen=True)
class PollSpec:
    """A poll as the editor wrote it."""

    id: str
    question: str
    options: tuple[Option, ...]
    max_choices: int = 1
    opens: datetime | None = None
    closes: datetime | None = None
    results: str = "after-vote"
    changeable: bool = False
    reward: str | None = None
    share_reward: str | None = None
    voters: str = "all"
    verified: str = "off"
    kind: str = field(default="poll", init=False)

    def option_keys(self) -> tuple[str, ...]:
        """Return the option keys in the editor's order."""
        return tuple(o.key for o in self.options)


@dataclass(frozen=True)
class JamSpec:
    """An idea jam or challenge: submit phase, vote phase, then closed with winners."""

    id: str
    title: str
    prompt: str = ""
    submit_from: datetime | None = None
    vote_from: datetime | None = None
    closes: datetime | None = None
    votes_per_person: int = 3
    moderation: str = "post"
    reward: str | None = None
    max_winners: int = 3
    share_reward: str | None = None
    topics: tuple[Option, ...] = ()
    voters: str = "all"
    verified: str = "off"
    kind: str = field(default="jam", init=False)

    def topic_keys(self) -> dict[str, str]:
        """Return ``key -> label`` for the jam's topics (the key is what ideas and ``?topic=``
        carry, so relabelling "App" as "Our app", or translating it, keeps the ideas' topics)."""
        return {topic.key: topic.label for topic in self.topics}


@dataclass(frozen=True)
class SurveySpec:
    """A promoter (NPS) survey with the same review invitation for every score."""

    id: str
    question: str = DEFAULT_SURVEY_QUESTION
    followups: dict[str, str] = field(default_factory=dict)
    review_links: tuple[ReviewLink, ...] = ()
    share_text: str = ""
    support_url: str = "/category/support.html"
    reward: str | None = None
    opens: datetime | None = None
    closes: datetime | None = None
    kind: str = field(default="survey", init=False)


@dataclass(frozen=True)
class ClaimSpec:
    """An offer readers claim: one unique code each from a reward pool, until it closes."""

    id: str
    pool: str
    closes: datetime
    opens: datetime | None = None
    per_person: int = 1
    kind: str = field(default="claim", init=False)


Spec = PollSpec | JamSpec | SurveySpec | ClaimSpec

FOLLOWUP_CATEGORIES = ("promoter", "passive", "detractor")


def parse_datetime(value: Any, name: str) -> datetime | None:
    """Read a YAML date, datetime or ISO string as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise SpecError(
                f"{name} must be a date like 2026-12-31T23:59:00Z, not {value!r}"
            ) from None
    else:
        raise SpecError(f"{name} must be a date like 2026-12-31T23:59:00Z, not {value!r}")
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _text(data: dict[str, Any], name: str, *, required: bool, limit: int = 500) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SpecError(f"missing {name}")
        return ""
    if not isinstance(value, str | int | float):
        raise SpecError(f"{name} must be text")
    text = str(value).strip()
    if len(text) > limit:
        raise SpecError(f"{name} must be at most {limit} characters")
    return text


def _int(data: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpecError(f"{name} must be a whole number from {low} to {high}")
    return value


def _bool(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise SpecError(f"{name} must be true or false")
    return value


def _pool(data: dict[str, Any], name: str = "reward") -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not ID_RE.match(value):
        raise SpecError(f"{name} must be a pool name of lowercase letters, digits and dashes")
    return value


def _options(raw: Any) -> tuple[Option, ...]:
    if not isinstance(raw, list):
        raise SpecError(f"options must be a list of 2-{MAX_OPTIONS} entries")
    if not 2 <= len(raw) <= MAX_OPTIONS:
        raise SpecError(f"options must have 2-{MAX_OPTIONS} entries")
    options: list[Option] = []
    for entry in raw:
        key, label = read_entry(entry, "option")
        if not label:
            raise SpecError("options must not be empty")
        if not ID_RE.match(key):
            raise SpecError(f"option key {key!r} must be lowercase letters, digits and dashes")
        if any(o.key == key or o.label.lower() == label.lower() for o in options):
            raise SpecError(f"duplicate option {label!r}")
        options.append(Option(key=key, label=label))
    return tuple(options)


def keys_of(spec_class: type) -> frozenset[str]:
    """Return the keys a block of this spec class may hold: its dataclass fields."""
    return frozenset(f.name for f in fields(spec_class) if f.init)


def check_common(kind: str, keys: frozenset[str], data: Any) -> str:
    """Check what every block shares (a mapping of known ``keys`` with a valid ``id``);
    return the id."""
    if not isinstance(data, dict):
        raise SpecError(f"a {kind} block must be YAML key: value lines")
    unknown = sorted(set(map(str, data)) - keys)
    if unknown:
        raise SpecError(
            f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(keys))})"
        )
    item_id = data.get("id")
    if not isinstance(item_id, str) or not ID_RE.match(item_id):
        raise SpecError("id must be lowercase letters, digits and dashes (at most 64)")
    return item_id


def parse_poll(data: dict[str, Any], item_id: str) -> PollSpec:
    """Read a poll block whose common keys :func:`check_common` accepted."""
    question = _text(data, "question", required=True)
    options = _options(data.get("options"))
    max_choices = _int(data, "max_choices", 1, 1, len(options))
    opens = parse_datetime(data.get("opens"), "opens")
    closes = parse_datetime(data.get("closes"), "closes")
    if opens and closes and closes <= opens:
        raise SpecError("closes must be after opens (move closes later or opens earlier)")
    results = data.get("results", "after-vote")
    if results not in RESULTS_VISIBILITY:
        raise SpecError(f"results must be one of {', '.join(RESULTS_VISIBILITY)}")
    return PollSpec(id=item_id, question=question, options=options, max_choices=max_choices,
                    opens=opens, closes=closes, results=results,
                    changeable=_bool(data, "changeable"), reward=_pool(data),
                    share_reward=_pool(data, "share_reward"), **_customers(data))


def parse_jam(data: dict[str, Any], item_id: str) -> JamSpec:
    """Read a jam block whose common keys :func:`check_common` accepted."""
    submit_from = parse_datetime(data.get("submit_from"), "submit_from")
    vote_from = parse_datetime(data.get("vote_from"), "vote_from")
    closes = parse_datetime(data.get("closes"), "closes")
    # Every phase must last: submit_from = vote_from leaves no time to submit an idea.
    if submit_from and vote_from and vote_from <= submit_from:
        raise SpecError("vote_from must be after submit_from, or nobody can submit an idea "
                        "(move vote_from later)")
    for start, name in ((submit_from, "submit_from"), (vote_from, "vote_from")):
        if start and closes and closes <= start:
            raise SpecError(f"closes must be after {name} (move closes later)")
    if vote_from and not closes:
        raise SpecError("a board (a jam without closes) has no phases: remove vote_from "
                        "or add closes")
    moderation = data.get("moderation", "post")
    if moderation not in MODERATION:
        raise SpecError("moderation must be pre, post or first")
    return JamSpec(id=item_id, title=_text(data, "title", required=True),
                   prompt=_text(data, "prompt", required=False, limit=2000),
                   submit_from=submit_from, vote_from=vote_from, closes=closes,
                   votes_per_person=_int(data, "votes_per_person", 3, 0, 100),
                   moderation=moderation, reward=_pool(data),
                   max_winners=_int(data, "max_winners", 3, 1, 20),
                   share_reward=_pool(data, "share_reward"),
                   topics=parse_topics(data.get("topics")), **_customers(data))


def _customers(data: dict[str, Any]) -> dict[str, str]:
    """``voters: all | verified`` (verified customers only) and ``verified: off | badge``
    (everyone votes; verified customers' votes counted and shown apart)."""
    voters = data.get("voters", "all")
    if voters not in VOTERS:
        raise SpecError("voters must be all or verified")
    verified = data.get("verified", "off")
    if verified is False:  # YAML reads a bare ``off`` as false
        verified = "off"
    if verified not in VERIFIED:
        raise SpecError("verified must be off or badge")
    return {"voters": voters, "verified": verified}


def parse_survey(data: dict[str, Any], item_id: str) -> SurveySpec:
    """Read a survey block whose common keys :func:`check_common` accepted."""
    followups = data.get("followups") or {}
    if not isinstance(followups, dict) or not set(followups) <= set(FOLLOWUP_CATEGORIES):
        raise SpecError("followups must map promoter/passive/detractor to a question")
    links: list[ReviewLink] = []
    for entry in data.get("review_links") or []:
        if not isinstance(entry, dict) or set(entry) != {"name", "url"}:
            raise SpecError("each review link needs exactly name and url")
        url = str(entry["url"]).strip()
        if not url.startswith(("https://", "http://")):
            raise SpecError(f"review link {entry['name']!r} needs an http(s) URL")
        links.append(ReviewLink(name=str(entry["name"]).strip(), url=url))
    opens = parse_datetime(data.get("opens"), "opens")
    closes = parse_datetime(data.get("closes"), "closes")
    if opens and closes and closes <= opens:
        raise SpecError("closes must be after opens (move closes later or opens earlier)")
    return SurveySpec(
        id=item_id,
        question=_text(data, "question", required=False) or DEFAULT_SURVEY_QUESTION,
        followups={str(k): str(v) for k, v in followups.items()},
        review_links=tuple(links),
        share_text=_text(data, "share_text", required=False),
        support_url=_text(data, "support_url", required=False) or "/category/support.html",
        reward=_pool(data), opens=opens, closes=closes,
    )


def parse_claim(data: dict[str, Any], item_id: str) -> ClaimSpec:
    """Read a claim block (an offer's codes) whose common keys :func:`check_common` accepted.

    ``closes`` is required: an offer without an end is not time-sensitive, and the page shows
    it. ``per_person`` may only be 1 for now (the store keeps one code per voter and pool).
    """
    pool = data.get("pool")
    if not isinstance(pool, str) or not ID_RE.match(pool):
        raise SpecError("pool must be a pool name of lowercase letters, digits and dashes")
    opens = parse_datetime(data.get("opens"), "opens")
    closes = parse_datetime(data.get("closes"), "closes")
    if closes is None:
        raise SpecError("missing closes (when the offer ends, like 2026-12-31T23:59:00Z)")
    if opens and closes <= opens:
        raise SpecError("closes must be after opens (move closes later or opens earlier)")
    if data.get("per_person", 1) != 1 or isinstance(data.get("per_person"), bool):
        raise SpecError("per_person must be 1 (one code per person)")
    return ClaimSpec(id=item_id, pool=pool, closes=closes, opens=opens)


def iso_utc(value: datetime | None) -> str | None:
    """Format a time as the manifest and the API write it: ``2026-12-31T23:59:00Z``."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def spec_to_manifest(spec: Spec) -> dict[str, Any]:
    """Return the spec as the JSON-ready dict the manifest and the store keep."""
    data = _jsonable(asdict(spec))
    data.pop("kind", None)
    return data
