"""The smallest parts of a block's spec: ids, the editor-facing error, and the key/label
pairs that options and topics are made of (``specs.py`` and ``topics.py`` build on them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["ID_RE", "Option", "SpecError", "read_entry", "slugify_key"]

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class SpecError(ValueError):
    """A block is malformed; the message is written for the editor."""


@dataclass(frozen=True)
class Option:
    """One answer of a poll: a stable ``key`` for votes and the ``label`` readers see."""

    key: str
    label: str


def slugify_key(label: str) -> str:
    """Turn an option label into a vote key: ``"Saturday morning"`` -> ``"saturday-morning"``."""
    key = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    return key[:64] or "option"


def read_entry(entry: Any, what: str) -> tuple[str, str]:
    """Return ``(key, label)`` of one ``options:`` or ``topics:`` entry: a label (its key made
    from it) or ``{key, label}`` (a translation keeps the key and changes the label)."""
    if isinstance(entry, dict) and set(entry) <= {"key", "label"} and "label" in entry:
        label = str(entry["label"]).strip()
        return str(entry.get("key") or slugify_key(label)), label
    if isinstance(entry, str | int | float) and not isinstance(entry, bool):
        label = str(entry).strip()
        return slugify_key(label), label
    raise SpecError(f"{what} {entry!r} must be text or {{key, label}}")
