"""A block written in several languages is one item: its words per language, the rest shared.

An editor who translates an article translates its poll, jam or survey too, keeping the
block's ``id``. Votes, ideas and answers belong to the item, whichever language a reader
used, so only the words may differ between the translations; everything that decides how
the item behaves (dates, limits, option keys, reward pool) must be the same, or two readers
would vote in two different polls under one id.

The words of a block (:data:`TEXT_FIELDS`):

* poll: ``question`` and each option's ``label`` (the options' keys and order are shared);
* jam: ``title``, ``prompt`` and each topic's ``label`` (the topics' keys and order are
  shared, so a filter or an idea's topic means the same in every language);
* survey: ``question``, the ``followups`` questions (for the same categories),
  ``share_text``, and the links a reader follows (``support_url``, ``review_links``), which
  may lead to pages in the reader's language;
* claim: none (its words are the theme's; the article around it says what the offer is).

The manifest keeps the main language's block as the item (unchanged, so ``pollserver sync``
reads it as before) and adds ``lang`` and ``texts``: ``{"de": {<the words>, "url",
"source"}}`` per other language (see :func:`texts_of`), which :func:`localized` lays over
the item to show it in that language.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["TEXT_FIELDS", "differences", "localized", "shared_part", "texts_of"]

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "poll": ("question", "options"),
    "jam": ("title", "prompt", "topics"),
    "survey": ("question", "followups", "share_text", "support_url", "review_links"),
    "claim": (),  # an offer's claim has no words of its own: the article's text says it all
}
#: Text fields that are lists of ``{key, label}``: only the labels are words.
LABELLED = {("poll", "options"), ("jam", "topics")}
#: Manifest fields that say where a block is, not what it is.
PLACE_FIELDS = ("id", "source", "url", "lang", "texts")


def texts_of(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """Return a manifest item's words: ``options`` as ``{key: label}``, ``followups`` as
    they are, other text fields as strings."""
    texts: dict[str, Any] = {}
    for name in TEXT_FIELDS[kind]:
        if name not in item:
            continue
        value = item[name]
        if (kind, name) in LABELLED:
            value = {str(o["key"]): str(o["label"]) for o in value or ()}
        texts[name] = copy.deepcopy(value)
    return texts


def shared_part(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """Return what every translation of a block must have in common."""
    shared = {k: copy.deepcopy(v) for k, v in item.items()
              if k not in TEXT_FIELDS[kind] and k not in PLACE_FIELDS}
    if kind == "poll":
        shared["option keys"] = [str(o["key"]) for o in item.get("options") or ()]
    if kind == "jam" and item.get("topics"):
        shared["topic keys"] = [str(o["key"]) for o in item.get("topics") or ()]
    if kind == "survey":
        shared["followup categories"] = sorted(item.get("followups") or {})
    return shared


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return "none" if value is None else str(value)


def differences(kind: str, original: dict[str, Any], translation: dict[str, Any]
                ) -> list[str]:
    """Return one phrase per shared field the translation changes (empty: only words)."""
    mine, theirs = shared_part(kind, translation), shared_part(kind, original)
    found = []
    for name in sorted(set(mine) | set(theirs)):
        if mine.get(name) != theirs.get(name):
            found.append(f"{name}: {_shown(mine.get(name))} here, "
                         f"{_shown(theirs.get(name))} in the original")
    return found


def localized(kind: str, item: dict[str, Any], lang: str) -> dict[str, Any]:
    """Return the item as a reader of ``lang`` sees it: the words of that language where
    the manifest has them, the item's own words elsewhere."""
    texts = (item.get("texts") or {}).get(lang)
    shown = copy.deepcopy(item)
    if not texts:
        return shown
    for name, value in texts.items():
        if name not in TEXT_FIELDS[kind]:
            continue
        if (kind, name) in LABELLED:
            shown[name] = [dict(o, label=value.get(o["key"], o["label"]))
                           for o in shown.get(name) or ()]
        else:
            shown[name] = copy.deepcopy(value)
    return shown
