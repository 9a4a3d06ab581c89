"""Display names that would pass for an existing champion's are refused.

Display names are free text and anyone may type any name: typing exactly "Marta R." adds
to Marta R.'s row on the leaderboard, which is the known and documented limit. What is
refused is a *second* row that looks the same: a spelling the leaderboard counts apart (it
groups names case-insensitively) but that a reader cannot tell from an existing champion's.
Two names are confusable when their skeletons are equal: NFKC, case-folded, format
characters dropped (:func:`pollserver.domain.text.clean_name`), and every letter that has a
Latin look-alike in Unicode's confusables data (the Cyrillic "М" of "Мarta") replaced by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from confusable_homoglyphs import confusables

from pollserver.domain.errors import BadRequest
from pollserver.domain.text import clean_name
from pollserver.store.base import Store

__all__ = ["check_display_name", "confusable_with", "skeleton"]


@lru_cache(maxsize=4096)
def _latin_twin(char: str) -> str:
    """The Latin letter ``char`` looks like, or ``char`` itself."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=False, preferred_aliases=["latin"])
    glyphs = [str(g["c"]) for entry in found or () for g in entry["homoglyphs"]
              if g["n"].startswith("LATIN ") and len(g["c"]) == 1]
    return next((g for g in glyphs if g.isascii()), glyphs[0] if glyphs else char)


@lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    """What ``name`` looks like, for comparing with other names (module docstring)."""
    return "".join(_latin_twin(c) for c in clean_name(name)).casefold()


def confusable_with(name: str, others: Iterable[str]) -> str | None:
    """Return the name among ``others`` that ``name`` would pass for on its own row, or
    ``None``. The same name (case aside) is no look-alike: it shares the row."""
    key, shape = name.casefold(), skeleton(name)
    for other in others:
        if other.casefold() != key and skeleton(other) == shape:
            return other
    return None


def check_display_name(store: Store, name: str | None) -> None:
    """Raise ``BadRequest`` (field ``author``) when ``name`` looks like the name of an
    author already on the hub's leaderboard (published ideas in any jam)."""
    if not name:
        return
    authors = {idea.author for item in store.list_items("jam")
               for idea in store.list_ideas(item.id)
               if idea.author and idea.moderation == "published"}
    twin = confusable_with(name, sorted(authors))
    if twin is not None:
        raise BadRequest(f"That name looks just like \u201c{twin}\u201d, a name already on "
                         "the leaderboard; please choose one readers can tell apart.",
                         field="author")
