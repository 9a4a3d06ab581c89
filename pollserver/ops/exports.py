"""Export builders for editors and the CLI: poll tallies, jam ideas, survey answers, audit.

They take the store (no request needed) and return plain rows. Nothing identifying a
reader is ever exported: no voter ids, no IP hashes, no answer ids.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.phases import phase_of
from pollserver.domain.specs import iso_utc, parse_datetime
from pollserver.store.base import Store

__all__ = ["FIELDS", "WHAT", "build", "csv_chunks", "json_chunks", "open_data", "to_csv",
           "to_json"]

FIELDS = {
    "polls": ["poll_id", "question", "option_key", "option_label", "votes", "voters",
              "state", "closes"],
    "jams": ["jam_id", "jam_title", "idea_id", "title", "author", "votes", "status",
             "moderation", "winner", "merged_into", "created_at"],
    "surveys": ["survey_id", "created_at", "score", "category", "comment", "consent_to_quote"],
    "audit": ["at", "actor", "action", "target", "details"],
    "open-data": ["poll_id", "question", "option", "votes", "share_percent", "voters",
                  "closed"],
}
WHAT = ("polls", "jams", "surveys", "audit")
#: A spreadsheet runs a cell starting with these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")



def _state(item: Any, now: datetime) -> tuple[str, datetime | None]:
    spec = item.spec
    closes = parse_datetime(spec.get("closes"), "closes")
    state = phase_of(item, spec_from_manifest(item.kind, spec), now)
    return state, item.closed_at or closes


def _polls(store: Store, now: datetime) -> Iterator[dict[str, Any]]:
    for item in store.list_items("poll"):
        tally = store.tally(item.id)
        state, closes = _state(item, now)
        for option in item.spec.get("options", []):
            yield {"poll_id": item.id, "question": item.spec.get("question", ""),
                   "option_key": option["key"], "option_label": option["label"],
                   "votes": tally.counts.get(option["key"], 0), "voters": tally.total,
                   "state": state, "closes": iso_utc(closes)}


def _jams(store: Store, now: datetime) -> Iterator[dict[str, Any]]:
    for item in store.list_items("jam"):
        for idea in store.list_ideas(item.id):
            yield {"jam_id": item.id, "jam_title": item.spec.get("title", ""),
                   "idea_id": idea.id, "title": idea.title, "author": idea.author or "",
                   "votes": idea.votes, "status": idea.status,
                   "moderation": idea.moderation, "winner": idea.winner,
                   "merged_into": idea.merged_into or "",
                   "created_at": iso_utc(idea.created_at)}


def _surveys(store: Store, now: datetime) -> Iterator[dict[str, Any]]:
    return ({"survey_id": item.id, "created_at": iso_utc(r.created_at), "score": r.score,
             "category": r.category, "comment": r.comment,
             "consent_to_quote": r.consent_to_quote}
            for item in store.list_items("survey") for r in store.list_responses(item.id))


def _audit(store: Store, now: datetime) -> Iterator[dict[str, Any]]:
    return ({"at": iso_utc(e.at), "actor": e.actor, "action": e.action, "target": e.target,
             "details": e.details} for e in reversed(store.list_audit(limit=100_000)))


def build(store: Store, what: str, now: datetime) -> Iterator[dict[str, Any]]:
    """Yield the rows of one export: ``polls``, ``jams``, ``surveys`` or ``audit`` (one at a
    time: a download streams them, so a large table never sits in memory as one text)."""
    builders = {"polls": _polls, "jams": _jams, "surveys": _surveys, "audit": _audit}
    return builders[what](store, now)


def open_data(store: Store, now: datetime) -> Iterator[dict[str, Any]]:
    """Yield final results of closed polls only (open polls would leak live tallies)."""
    for row in _polls(store, now):
        if row["state"] != "closed":
            continue
        share = round(100 * row["votes"] / row["voters"], 1) if row["voters"] else 0.0
        yield {"poll_id": row["poll_id"], "question": row["question"],
               "option": row["option_label"], "votes": row["votes"],
               "share_percent": share, "voters": row["voters"], "closed": row["closes"]}


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(rows: Iterable[dict[str, Any]], fields: list[str]) -> Iterator[str]:
    """Yield the CSV text a row at a time, header first; formula-like cells are defused."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
        if out.tell() > 16_384:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def json_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield a JSON array a row at a time (the same text ``to_json`` returns)."""
    first = True
    for row in rows:
        text = json.dumps(row, indent=1, ensure_ascii=False).replace("\n", "\n ")
        yield ("[\n " if first else ",\n ") + text
        first = False
    yield "[]" if first else "\n]"


def to_csv(rows: Iterable[dict[str, Any]], fields: list[str]) -> str:
    """Return the rows as CSV text with a header; formula-like cells are defused."""
    return "".join(csv_chunks(rows, fields))


def to_json(rows: Iterable[dict[str, Any]]) -> str:
    """Return the rows as a JSON array."""
    return "".join(json_chunks(rows))
