"""How alike two short texts are, by words and by letters (duplicate ideas).

Word overlap (``jams.title_words``) misses a typo ("refil pouchs"), a joined word
("darkmode") or another inflection; letter trigrams of the normalised text catch those. Both
are small local computations: no model, nothing downloaded.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "trigram_similarity", "trigrams"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case, accents dropped, anything but letters and digits one space."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).strip()


def trigrams(text: str) -> frozenset[str]:
    """The letter trigrams of each word, padded (``"  r", " re", "ref", ...``), so short
    words count and word boundaries matter a little."""
    grams: set[str] = set()
    for word in normalise(text).split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def trigram_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared trigrams over all trigrams of both (0..1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
