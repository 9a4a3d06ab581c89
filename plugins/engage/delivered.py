""""You asked, we did": articles that name the ideas they deliver (``Ideas:`` metadata).

``Ideas: build-next/12, september-jam/3`` lists ideas as ``jam/idea``. The build checks each
against the results snapshot (``var/results.json``, written by ``pollserver results``): an
unknown one is a build error ``content/news/x.md: ideas: ...``. Without a snapshot nothing
can be checked, so the build says so once and shows no credit line. Each good article gets
``article.delivered`` (title, author, votes, links) for the "This came from ..." line, and
the manifest gets ``announcements`` (``jam/idea`` -> articles) so the idea pages and the
roadmap link back. ``Ideas-Done: yes`` asks ``pollserver sync`` to move the ideas to the
status meaning "done" (the editor's choice; audited as an editor action). An idea that left
the site (the snapshot lists it under the jam's ``removed``) is only a warning: the article
keeps building and credits "an idea from a reader, since removed", without its title or name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Announcement", "announcements_json", "check_ideas", "parse_ideas"]

_REF = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_-]{0,63})/([0-9]{1,12})$")


@dataclass
class Announcement:
    """One article that delivers ideas: where it is and which ideas it names."""

    title: str
    url: str
    source: str
    refs: list[str]
    done: bool = False
    line: int = 1
    delivered: list[dict[str, Any]] = field(default_factory=list)


def parse_ideas(value: object) -> tuple[list[str], list[str]]:
    """Return ``(refs, problems)`` for an ``Ideas:`` value (comma-separated ``jam/idea``)."""
    text = ", ".join(value) if isinstance(value, list) else str(value or "")
    refs, problems = [], []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if not _REF.match(part):
            problems.append(f"{part[:80]!r} is not jam/idea (for example build-next/12)")
        elif part not in refs:
            refs.append(part)
    if not refs and not problems:
        problems.append("name at least one idea as jam/idea")
    return refs, problems


def _ideas_of(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Index every idea the snapshot knows as ``jam/idea`` (roadmap cards included)."""
    known: dict[str, dict[str, Any]] = {}
    for jam_id, jam in (results.get("jams") or {}).items():
        for idea in (jam or {}).get("ideas") or ():
            known[f"{jam_id}/{idea.get('id')}"] = dict(idea, jam=jam_id)
    for card in results.get("roadmap") or ():
        known[f"{card.get('jam')}/{card.get('id')}"] = {**known.get(
            f"{card.get('jam')}/{card.get('id')}", {}), **card}
    return known


def _removed_of(results: dict[str, Any]) -> set[str]:
    """Every idea the snapshot says exists but is not shown, as ``jam/idea``."""
    return {f"{jam_id}/{idea_id}" for jam_id, jam in (results.get("jams") or {}).items()
            for idea_id in (jam or {}).get("removed") or ()}


def check_ideas(announcements: list[Announcement], results: dict[str, Any] | None
                ) -> list[tuple[Announcement, str, bool]]:
    """Fill in each announcement's ``delivered`` ideas; return (article, message, warning).

    An idea that exists but is no longer shown (hidden or rejected by an editor, erased by
    its author) is a warning: the article still builds, with a neutral line and no title or
    name. An idea the snapshot has never heard of is an error (a typo in the jam or number).
    """
    if results is None or not results.get("jams"):
        return []  # a first build, before any sync: there is nothing to check against yet
    known = _ideas_of(results)
    removed = _removed_of(results)
    problems = []
    for ann in announcements:
        for ref in ann.refs:
            idea = known.get(ref)
            jam_id, idea_id = ref.split("/")
            if idea is None and ref in removed:
                problems.append((ann, f"ideas: {ref} is no longer shown (hidden or rejected by "
                                      "an editor, or erased by its author): the article says "
                                      "it came from a reader's idea, since removed (take it "
                                      "out of Ideas: when you next edit)", True))
                ann.delivered.append({"ref": ref, "removed": True, "jam_url": f"/jams/{jam_id}"})
                continue
            if idea is None:
                problems.append((ann, f"ideas: there is no published idea {ref!r} in the "
                                      "results snapshot (check the jam id and idea number)",
                                 False))
                continue
            ann.delivered.append({
                "ref": ref, "title": idea.get("title", ""), "author": idea.get("author"),
                "votes": int(idea.get("votes") or 0), "url": f"/ideas/{jam_id}/{idea_id}",
                "jam_url": f"/jams/{jam_id}"})
    return problems


def announcements_json(announcements: list[Announcement]) -> dict[str, Any]:
    """Return the manifest's ``announcements``: ``{"jam/idea": [{title, url, done}]}``."""
    found: dict[str, list[dict[str, Any]]] = {}
    for ann in announcements:
        for ref in ann.refs:
            found.setdefault(ref, []).append({"title": ann.title, "url": ann.url,
                                              "done": ann.done})
    return {"announcements": found}
