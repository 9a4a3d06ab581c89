"""A jam as readers see it: phase, vote budget, ideas (with the reader's own fields), winners.

The API's JSON, the server-rendered ``/jams/ID`` page and the editor's view all build on
:func:`jam_view`, so they always agree. A jam's ideas are prepared once per version of the jam
and shared by every reader (:class:`_JamIdeas`); a GET then only adds the reader's fields.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

from pollserver.domain import boards, catalogues, jams
from pollserver.domain.events import idea_url
from pollserver.domain.paging import PageRequest
from pollserver.domain.records import Idea, Item
from pollserver.domain.specs import JamSpec, iso_utc
from pollserver.domain.statuses import Status
from pollserver.presenters.jam_pages import page_of
from pollserver.presenters.markup import idea_html
from pollserver.presenters.polls import reward_view
from pollserver.store.roadmap import site_statuses
from pollserver.web.services import Reader

__all__ = ["idea_view", "jam_json", "jam_view"]


def _public_row(idea: Idea, titles: dict[str, str], labels: dict[str, str] | None = None,
                marks: _Marks | None = None) -> dict[str, Any]:
    """Return one idea as listed to everyone: all but the per-voter fields.

    ``status_label`` is the site's own word for the status ("Brewing"), so the widget shows
    what the roadmap and the mails say; states outside the site's list (pending, merged) have
    none and the widget words them itself.
    """
    pending = idea.moderation != "published"
    status = idea.moderation if pending else idea.status
    row = {
        "id": idea.id,
        "title": idea.title,
        "body": idea.body,
        "author": idea.author,
        "votes": idea.votes,
        "status": status,
        "moderation": idea.moderation,
        "winner": idea.winner,
        "merged_into": idea.merged_into,
        "merged_into_title": titles.get(idea.merged_into or ""),
        "created_at": iso_utc(idea.created_at),
        "topics": list(idea.topics),
        "url": idea_url(idea.jam_id, idea.id),
    }
    if labels and status in labels:
        row["status_label"] = labels[status]
    if marks is not None:
        marks.mark(row, idea)
    return row


class _Marks:
    """Verified customers on a jam's ideas: the author's mark always, and with
    ``verified: badge`` how many of each idea's votes are verified customers'."""

    def __init__(self, verified: frozenset[str], voters: dict[str, set[str]] | None) -> None:
        self.verified = verified
        self.voters = voters

    def mark(self, row: dict[str, Any], idea: Idea) -> None:
        row["author_verified"] = idea.voter_id is not None and idea.voter_id in self.verified
        if self.voters is not None:
            row["verified_votes"] = len(self.voters.get(idea.id, set()) & self.verified)


def idea_view(idea: Idea, voter: str | None, mine_votes: set[str],
              titles: dict[str, str]) -> dict[str, Any]:
    """Return one idea as listed to this voter."""
    return {**_public_row(idea, titles), "voted_by_me": idea.id in mine_votes,
            "mine": voter is not None and idea.voter_id == voter}


class _JamIdeas:
    """A jam's ideas prepared for listing, shared by every reader of one version of the jam.

    Built from ``list_ideas`` once per :meth:`Store.jam_version` (per request when the store
    cannot tell versions apart); a GET then only adds the reader's own fields.
    """

    def __init__(self, version: Hashable | None, ideas: list[Idea],
                 statuses: tuple[Status, ...] = (), marks: _Marks | None = None,
                 badge: bool = False) -> None:
        self.version = version
        self.statuses = statuses
        self.badge = badge
        titles = {i.id: i.title for i in ideas}
        self.ideas = {i.id: i for i in ideas}
        labels = {s.key: s.label for s in statuses}
        self.rows = {i.id: _public_row(i, titles, labels, marks) for i in ideas}
        self.published = [i for i in ideas if i.moderation == "published"]
        self.winners = [{"id": i.id, "title": i.title, "author": i.author, "votes": i.votes}
                        for i in jams.sort_ideas([i for i in self.published if i.winner], "top")]
        self.authored: dict[str, set[str]] = {}
        self.pending: dict[str, list[Idea]] = {}
        self.published_authors: set[str] = set()
        for idea in ideas:
            if idea.voter_id is None:
                continue
            self.authored.setdefault(idea.voter_id, set()).add(idea.id)
            if idea.moderation == "published":
                self.published_authors.add(idea.voter_id)
            elif idea.moderation == "pending":
                self.pending.setdefault(idea.voter_id, []).append(idea)
        self._orders: dict[str, list[str]] = {}
        self._json: dict[str, str] | None = None
        self._plain: dict[str, bytes] = {}

    def shown(self, voter: str | None, sort: str) -> list[str]:
        """Return the ids listed to ``voter``: published ideas and their own pending ones."""
        own = self.pending.get(voter) if voter is not None else None
        if own:
            return [i.id for i in jams.sort_ideas(self.published + own, sort)]
        order = self._orders.get(sort)
        if order is None:
            order = self._orders[sort] = [i.id for i in jams.sort_ideas(self.published, sort)]
        return order

    def json_heads(self, ids: list[str]) -> dict[str, str]:
        """Return these rows as JSON without their closing brace (the reader's fields go
        there), with ``body_html`` (the sanitised Markdown the idea page shows, so the widget
        shows the same); encoded when first listed, then kept for this version."""
        if self._json is None:
            self._json = {}
        heads = self._json
        for key in ids:
            if key not in heads:
                row = self.rows[key]
                heads[key] = json.dumps({**row, "body_html": idea_html(row["body"])},
                                        separators=(",", ":"))[:-1]
        return heads

    def ideas_json(self, ids: list[str], voter: str | None, mine_votes: set[str],
                   shared: str | None = None) -> bytes:
        """Return the ``ideas`` array's items as JSON for this reader (no brackets).

        Readers with no votes and no ideas here (most of them) all get the same first page,
        built once per version under the key ``shared``.
        """
        own = self.authored.get(voter, set()) if voter is not None else set()
        if not mine_votes and not own and shared is not None:
            plain = self._plain.get(shared)
            if plain is None:
                tail, heads = _TAILS[(False, False)], self.json_heads(ids)
                plain = self._plain[shared] = ",".join([heads[i] + tail for i in ids]).encode()
            return plain
        heads = self.json_heads(ids)
        return ",".join([heads[i] + _TAILS[(i in mine_votes, i in own)] for i in ids]).encode()


def _marks(reader: Reader, jam_id: str, badge: bool) -> _Marks:
    store = reader.store
    return _Marks(store.verified_voters(), store.idea_voters(jam_id) if badge else None)


def _jam_ideas(reader: Reader, jam_id: str, badge: bool = False) -> _JamIdeas:
    store = reader.store
    statuses = site_statuses(store)
    version = store.jam_version(jam_id)  # read before the ideas: may label newer, never older
    if version is None:
        return _JamIdeas(None, store.list_ideas(jam_id), statuses,
                         _marks(reader, jam_id, badge), badge)
    cache: dict[str, _JamIdeas] = reader.listings
    # Rows carry status labels, which are per language: one listing per jam and language.
    key = f"{jam_id}\n{catalogues.current()}"
    entry = cache.get(key)
    # A sync that renames a status must reach the cached rows as a change to the jam would.
    # (A reader verified since keeps the marks of this version until the jam next changes.)
    if (entry is None or entry.version != version or entry.statuses != statuses
            or entry.badge != badge):
        entry = cache[key] = _JamIdeas(version, store.list_ideas(jam_id), statuses,
                                       _marks(reader, jam_id, badge), badge)
    return entry


def _jam_head(reader: Reader, item: Item, spec: JamSpec, sort: str, entry: _JamIdeas,
              mine_votes: set[str]) -> dict[str, Any]:
    voter = reader.voter
    state = jams.jam_state(spec, item.closed_at, reader.at, archived=item.archived)
    took_part = bool(mine_votes) or (voter is not None and voter in entry.published_authors)
    closed_early = item.closed_at is not None and state.phase == "closed"
    return {
        "id": spec.id,
        "title": spec.title,
        "prompt": spec.prompt,
        "phase": state.phase,
        "submit_open": state.submit_open,
        "vote_open": state.vote_open,
        "opens": iso_utc(spec.submit_from),
        "submit_from": iso_utc(spec.submit_from),
        "vote_from": iso_utc(spec.vote_from),
        "closes": iso_utc(item.closed_at if closed_early else spec.closes),
        "moderation": spec.moderation,
        "verified": spec.verified,
        "votes_per_person": spec.votes_per_person,
        "my_votes_left": boards.votes_left_on(spec, mine_votes, entry.ideas,
                                              boards.finished_keys(entry.statuses)),
        "board": boards.is_board(spec),
        "topics": [{"key": k, "label": v} for k, v in spec.topic_keys().items()],
        "statuses": [{"key": s.key, "label": s.label} for s in entry.statuses],
        "max_winners": spec.max_winners,
        "sort": sort,
        "ideas": None,
        "winners": [dict(w) for w in entry.winners],
        "reward": reward_view(reader, spec.reward, took_part=took_part),
        "url": item.url or None,
    }


def jam_view(reader: Reader, item: Item, spec: JamSpec, sort: str = "top", *,
             html: bool = False, page: PageRequest | None = None) -> dict[str, Any]:
    """Build the jam's public JSON for the reader: phase, budget, ideas, winners.

    Each idea carries ``body_html`` (sanitised Markdown), for the server-rendered page and the
    jam widget alike (``html`` is kept for callers that name it).
    """
    voter = reader.voter
    entry = _jam_ideas(reader, spec.id, spec.verified == "badge")
    mine_votes = reader.store.idea_votes_of(spec.id, voter) if voter else set()
    body = _jam_head(reader, item, spec, sort, entry, mine_votes)
    own = entry.authored.get(voter, set()) if voter is not None else set()
    ids, paging = page_of(entry, spec.id, voter, sort, page or PageRequest(), reader.orders)
    body.update(paging)
    ideas = []
    for idea_id in ids:
        row = {**entry.rows[idea_id], "voted_by_me": idea_id in mine_votes,
               "mine": idea_id in own}
        row["body_html"] = idea_html(row["body"])
        ideas.append(row)
    body["ideas"] = ideas
    return body


#: The reader's own fields closing each idea's JSON, by (voted_by_me, mine).
_TAILS = {(v, m): f',"voted_by_me":{str(v).lower()},"mine":{str(m).lower()}}}'
          for v in (False, True) for m in (False, True)}


def jam_json(reader: Reader, item: Item, spec: JamSpec, sort: str = "top",
             page: PageRequest | None = None) -> bytes:
    """Return :func:`jam_view` as JSON, reusing the jam's pre-encoded idea rows."""
    voter = reader.voter
    entry = _jam_ideas(reader, spec.id, spec.verified == "badge")
    mine_votes = reader.store.idea_votes_of(spec.id, voter) if voter else set()
    body = _jam_head(reader, item, spec, sort, entry, mine_votes)
    del body["ideas"]
    page = page or PageRequest()
    ids, paging = page_of(entry, spec.id, voter, sort, page, reader.orders)
    body.update(paging)
    head = json.dumps(body, separators=(",", ":"))
    first = page.cursor is None and not page.filtered
    return b"".join((head[:-1].encode(), b',"ideas":[', entry.ideas_json(
        ids, voter, mine_votes, f"{sort}:{page.limit}" if first else None), b"]}\n"))
