"""Poll rules: when a poll takes votes, which choices are valid, who may see results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pollserver.domain.errors import InvalidChoice, ItemClosed, ItemNotOpen
from pollserver.domain.specs import PollSpec

__all__ = ["phase", "require_open", "results_visible", "validate_choices"]


def phase(opens: datetime | None, closes: datetime | None, closed_at: datetime | None,
          now: datetime, *, archived: bool = False) -> str:
    """Return ``not-open``, ``open`` or ``closed``; an editor's early close wins over dates."""
    if archived or (closed_at is not None and closed_at <= now):
        return "closed"
    if opens is not None and now < opens:
        return "not-open"
    if closes is not None and now >= closes:
        return "closed"
    return "open"


def require_open(state: str, noun: str) -> None:
    """Raise ``ItemNotOpen`` or ``ItemClosed`` unless ``state`` (from :func:`phase`) is open."""
    if state == "not-open":
        raise ItemNotOpen(f"This {noun} has not opened yet.")
    if state == "closed":
        raise ItemClosed(f"This {noun} has closed.")


def validate_choices(spec: PollSpec, choices: object) -> tuple[str, ...]:
    """Return the choices in the editor's order, or raise ``InvalidChoice`` saying why."""
    if not isinstance(choices, Sequence) or isinstance(choices, str | bytes):
        raise InvalidChoice("choices must be a list of option keys.", field="choices")
    if not choices:
        raise InvalidChoice("Pick an option before voting.", field="choices")
    keys = spec.option_keys()
    unknown = [c for c in choices if c not in keys]
    if unknown:
        raise InvalidChoice(f"{str(unknown[0])[:64]!r} is not an option of this poll.",
                            field="choices")
    if len(set(choices)) != len(choices):
        raise InvalidChoice("Each option can be chosen only once.", field="choices")
    if len(choices) > spec.max_choices:
        raise InvalidChoice(f"Pick at most {spec.max_choices} option"
                            f"{'s' if spec.max_choices > 1 else ''}.", field="choices")
    return tuple(k for k in keys if k in choices)


def results_visible(visibility: str, *, voted: bool, closed: bool) -> bool:
    """Apply the poll's ``results`` rule: always, after-vote (or close), or after-close."""
    if visibility == "always" or closed:
        return True
    return visibility == "after-vote" and voted
