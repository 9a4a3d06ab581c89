"""Idea statuses an editor can name: ``ENGAGE_STATUSES`` in pelicanconf.py.

Each status has a stable ``key`` (what the store and its history keep), a ``label`` readers
see, a colour ``css`` class and a ``meaning`` the code relies on: ``open`` (not looked at yet),
``active`` (on the roadmap: under consideration, planned, in progress), ``done`` or
``closed`` (declined). A brand may relabel "in progress" as "Brewing": only the label changes,
so the history recorded under the key keeps its meaning. The build writes the list into the
manifest; ``pollserver sync`` stores it as the item ``("site", "statuses")``, which is how
the server learns it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "ANNOUNCEMENTS",
    "DEFAULT_STATUSES",
    "MEANINGS",
    "SITE_ITEM",
    "Status",
    "StatusChange",
    "StatusError",
    "from_spec",
    "label_of",
    "labels_in",
    "parse_statuses",
    "roadmap_statuses",
    "settable",
    "to_spec",
]

MEANINGS = ("open", "active", "done", "closed")
#: The store item that carries the site's list: ``Item(kind="site", id="statuses")``.
SITE_ITEM = ("site", "statuses")
#: The store item with the "You asked, we did" links: ``{"announcements": {"jam/idea": [...]}}``.
ANNOUNCEMENTS = ("site", "announcements")
_KEY = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_CSS = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


class StatusError(ValueError):
    """``ENGAGE_STATUSES`` is malformed; the message says which entry and why."""


@dataclass(frozen=True)
class Status:
    """One status: stable key, reader-facing label, colour class and meaning."""

    key: str
    label: str
    css: str
    meaning: str


@dataclass(frozen=True)
class StatusChange:
    """One step of an idea's history: it got ``status`` at ``at``, with the editor's note.

    ``at`` is ``None`` only for a change recorded without a time (never by an editor action).
    """

    idea_id: str
    status: str
    at: datetime | None
    note: str = ""


DEFAULT_STATUSES: tuple[Status, ...] = (
    Status("open", "Open", "status-open", "open"),
    Status("under-consideration", "Under consideration", "status-considering", "active"),
    Status("planned", "Planned", "status-planned", "active"),
    Status("in-progress", "In progress", "status-progress", "active"),
    Status("done", "Done", "status-done", "done"),
    Status("declined", "Declined", "status-declined", "closed"),
)


def _entry(index: int, raw: Any) -> Status:
    where = f"ENGAGE_STATUSES[{index}]"
    if isinstance(raw, (tuple, list)) and len(raw) == 4:
        raw = dict(zip(("key", "label", "css", "meaning"), raw, strict=True))
    if not isinstance(raw, dict):
        raise StatusError(f"{where}: expected {{key, label, css, meaning}}")
    key, label = raw.get("key"), raw.get("label")
    css, meaning = raw.get("css", f"status-{key}"), raw.get("meaning")
    if not isinstance(key, str) or not _KEY.match(key):
        raise StatusError(f"{where}: key must be lower-case letters, digits and dashes")
    if key == "merged":
        raise StatusError(f"{where}: 'merged' is kept for merged ideas")
    if not isinstance(label, str) or not label.strip() or len(label) > 40:
        raise StatusError(f"{where}: label must be 1-40 characters")
    if not isinstance(css, str) or not _CSS.match(css):
        raise StatusError(f"{where}: css must be a class name")
    if meaning not in MEANINGS:
        raise StatusError(f"{where}: meaning must be one of {', '.join(MEANINGS)}")
    return Status(key, label.strip(), css, meaning)


def parse_statuses(raw: Any) -> tuple[Status, ...]:
    """Validate ``ENGAGE_STATUSES`` (``None`` means the defaults)."""
    if raw is None:
        return DEFAULT_STATUSES
    if not isinstance(raw, (list, tuple)) or not raw:
        raise StatusError("ENGAGE_STATUSES: expected a non-empty list")
    found = tuple(_entry(i, entry) for i, entry in enumerate(raw))
    keys = [s.key for s in found]
    if len(set(keys)) != len(keys):
        raise StatusError("ENGAGE_STATUSES: two statuses share a key")
    if "open" not in keys or found[keys.index("open")].meaning != "open":
        raise StatusError("ENGAGE_STATUSES: the 'open' status (meaning open) is required")
    for meaning in ("done", "closed"):
        if meaning not in {s.meaning for s in found}:
            raise StatusError(f"ENGAGE_STATUSES: one status must mean {meaning!r}")
    return found


def to_spec(statuses: tuple[Status, ...],
            labels: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """Return the list as the manifest (and store item) carries it, with ``status_labels``
    (``{lang: {key: label}}``) for the site's other languages when there are any."""
    spec: dict[str, Any] = {"statuses": [asdict(s) for s in statuses]}
    if labels:
        spec["status_labels"] = labels
    return spec


def labels_in(spec: dict[str, Any] | None, lang: str) -> dict[str, str]:
    """Return ``{key: label}`` in ``lang`` from a stored list (empty: the main language's)."""
    found = (spec or {}).get("status_labels")
    words = found.get(lang) if isinstance(found, dict) else None
    if not isinstance(words, dict):
        return {}
    return {str(k): v.strip()[:40] for k, v in words.items() if isinstance(v, str) and v.strip()}


def from_spec(spec: dict[str, Any] | None) -> tuple[Status, ...]:
    """Return the stored list, or the defaults when the site has not said (or said wrong)."""
    try:
        return parse_statuses((spec or {}).get("statuses"))
    except StatusError:
        return DEFAULT_STATUSES


def settable(statuses: tuple[Status, ...]) -> tuple[str, ...]:
    """Return the keys an editor may set (``merged`` only ever comes from a merge)."""
    return tuple(s.key for s in statuses)


def roadmap_statuses(statuses: tuple[Status, ...]) -> tuple[Status, ...]:
    """Return the statuses shown on the roadmap: everything past ``open``, in list order."""
    return tuple(s for s in statuses if s.meaning != "open")


def label_of(statuses: tuple[Status, ...], key: str) -> Status:
    """Return the status for ``key``; an unknown (since removed) key keeps a plain label."""
    for status in statuses:
        if status.key == key:
            return status
    return Status(key, key.replace("-", " ").capitalize(), f"status-{key}",
                  "closed" if key == "merged" else "active")
