"""Champions: readers an editor thanked with early access, and how profiles are kept tidy.

A grant belongs to a voter id (the cookie an idea was shared with), never to a display name:
names are free text, so anyone could type a champion's name, but nobody else holds their
cookie. Profiles, on the other hand, are only ever names (``domain/profiles.py``), so an
editor tidies them by name: hide one, or merge one spelling into another.

Insider previews follow one rule here, shared by the build and the server: before its
``Date`` an article marked ``Preview: champions`` is for champions only; from its ``Date`` on
it is public like any article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["PREVIEW_AUDIENCE", "PREVIEW_INDEX", "Champion", "ProfileRule", "preview_access",
           "previews_beside", "profile_target"]

#: The value of the ``Preview`` metadata that makes an article an insider preview.
PREVIEW_AUDIENCE = "champions"
#: The build's list of previews (site path -> file, date), in the previews folder.
PREVIEW_INDEX = "index.json"


def previews_beside(site: Path) -> Path:
    """The previews folder the build writes and pollserver reads unless told otherwise:
    ``output-previews/`` beside ``output/``.

    Never inside the site folder: that folder is what goes to a static host or CDN, where
    anyone could read a preview's file before its date.
    """
    site = Path(site).absolute()
    return site.with_name(f"{site.name}-previews")


@dataclass(frozen=True)
class Champion:
    """One grant: the voter, the idea that earned it, who granted it and when."""

    voter_id: str
    idea_id: str
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class ProfileRule:
    """An editor's decision about one profile slug: hidden, or merged into another slug."""

    slug: str
    hidden: bool = False
    merged_into: str | None = None
    by: str = ""
    at: datetime | None = None


def preview_access(date: datetime, at: datetime, champion: bool) -> str | None:
    """Return who may read a preview dated ``date`` at ``at``: ``"public"`` once its date has
    come, ``"champion"`` before it for a champion, else ``None`` (a missing page)."""
    if at >= date:
        return "public"
    return "champion" if champion else None


def profile_target(slug: str, rules: dict[str, ProfileRule]) -> str | None:
    """Follow merges from ``slug`` to the profile that shows it; ``None`` when that profile is
    hidden (or the merges loop, which the editor actions refuse but old data might hold)."""
    seen = set()
    while slug not in seen:
        seen.add(slug)
        rule = rules.get(slug)
        if rule is None:
            return slug
        if rule.hidden:
            return None
        if not rule.merged_into:
            return slug
        slug = rule.merged_into
    return None
