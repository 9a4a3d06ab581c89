"""Bake final results into the site: poll tables, jam winners and open-data CSV files.

The numbers come from ``pollserver results --out var/results.json`` (setting ``ENGAGE_RESULTS``)::

    {"polls": {"ID": {"total": 12, "counts": {"key": 7}}},
     "jams": {"ID": {"winners": [{"id", "title", "author", "votes"}], "ideas": [...]}}}

A missing file means "no results yet": closed items then say the results will follow.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from pollserver.domain.specs import JamSpec, PollSpec

__all__ = ["ResultsError", "jam_outcome", "load_results", "poll_rows", "write_poll_csv"]


class ResultsError(Exception):
    """The results file exists but cannot be read."""


def load_results(path: str | Path | None) -> dict[str, Any] | None:
    """Read the results file; return None when there is none yet."""
    if not path:
        return None
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read results: {exc}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: results must be a JSON object")
    return data


#: Control characters (C0 but tab and newline, DEL, C1) and lone surrogates.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: The longest reader text baked into a page; the API caps titles far below this.
TEXT_MAX = 300


def reader_text(value: Any) -> str:
    """Return reader-written text as the page may show it: valid, normalised, plain text.

    The templates escape it for HTML; this keeps what cannot be written at all (a lone
    surrogate fails the build's UTF-8 output) or shown sensibly out of the page.
    """
    text = UNSAFE.sub("\ufffd", str(value))
    return unicodedata.normalize("NFC", text).strip()[:TEXT_MAX]


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def poll_rows(spec: PollSpec, results: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return ``{"total", "rows": [{key, label, votes, percent}]}`` or None if not known yet."""
    entry = ((results or {}).get("polls") or {}).get(spec.id)
    if not isinstance(entry, dict) or not isinstance(entry.get("counts"), dict):
        return None
    counts = entry["counts"]
    votes = [_count(counts.get(o.key)) for o in spec.options]
    # total is voters, not votes: with max_choices > 1 the shares add up to more than 100 %.
    total = max(_count(entry.get("total")), max(votes, default=0))
    rows = [
        {"key": o.key, "label": o.label, "votes": n,
         "percent": round(100 * n / total, 1) if total else 0.0}
        for o, n in zip(spec.options, votes, strict=True)
    ]
    top = max(votes, default=0)
    for row in rows:
        row["leading"] = top > 0 and row["votes"] == top
    return {"total": total, "rows": rows}


def jam_outcome(spec: JamSpec, results: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return ``{"winners": [...], "ideas": n}`` for a closed jam, or None if not known yet."""
    entry = ((results or {}).get("jams") or {}).get(spec.id)
    if not isinstance(entry, dict) or not isinstance(entry.get("winners"), list):
        return None
    winners = []
    for item in entry["winners"]:
        if not isinstance(item, dict) or not item.get("title"):
            continue
        author = reader_text(item.get("author") or "")
        winners.append({"title": reader_text(item["title"]), "author": author or None,
                        "votes": _count(item.get("votes"))})
    ideas = entry.get("ideas")
    return {"winners": winners, "ideas": len(ideas) if isinstance(ideas, list) else None}


def write_poll_csv(path: Path, table: dict[str, Any]) -> None:
    """Write one closed poll's results as open data: option,label,votes,percent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["option", "label", "votes", "percent"])
        for row in table["rows"]:
            writer.writerow([row["key"], row["label"], row["votes"], f"{row['percent']:.1f}"])
