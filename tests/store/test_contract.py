"""The Store contract: every backend (memory, TinyDB, PostgreSQL) must pass every test here."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from pollserver.domain.errors import AlreadyVoted, BadRequest, Conflict, NotFound, NoVotesLeft
from pollserver.domain.records import AuditEntry, Item, Tally
from tests.store.conftest import DURABLE

AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def poll(item_id: str = "p", **spec) -> Item:
    return Item(kind="poll", id=item_id, spec={"question": "Q?", **spec},
                source="content/x.md:1", url="/x.html")


def jam(item_id: str = "j") -> Item:
    return Item(kind="jam", id=item_id, spec={"title": "Jam"}, source="content/j.md:3",
                url="/j.html")


def idea(store, jam_id: str = "j", title: str = "Idea", voter: str | None = "author",
         moderation: str = "published", at: datetime = AT):
    return store.add_idea(jam_id, title=title, body="body", author="Ann", voter_id=voter,
                          moderation=moderation, at=at)


def vote(store, voter: str, *choices: str, replace: bool = False, poll_id: str = "p"):
    return store.record_vote(poll_id, voter, list(choices), replace=replace, at=AT)


# -- items ---------------------------------------------------------------------------------


def test_sync_creates_updates_archives_and_unarchives(store):
    report = store.sync_items([poll("a"), poll("b"), jam("j")])
    assert sorted(report.created) == ["jam:j", "poll:a", "poll:b"]
    vote(store, "v1", "x", poll_id="b")

    report = store.sync_items([poll("a", question="New?"), jam("j")])
    assert report.updated == ["poll:a"] and report.archived == ["poll:b"]
    assert report.unchanged == ["jam:j"] and report.created == []
    assert store.get_item("poll", "b").archived is True
    assert store.get_item("poll", "a").spec["question"] == "New?"
    assert store.tally("b") == Tally(total=1, counts={"x": 1})  # archiving keeps votes

    report = store.sync_items([poll("a", question="New?"), poll("b"), jam("j")])
    assert report.updated == ["poll:b"] and report.archived == []
    assert store.get_item("poll", "b").archived is False
    assert store.tally("b").total == 1


def test_get_and_list_items(store):
    store.sync_items([poll("b"), jam("z"), poll("a")])
    assert store.get_item("poll", "missing") is None
    assert store.get_item("jam", "a") is None  # kinds are separate
    item = store.get_item("poll", "a")
    assert (item.kind, item.id, item.source, item.url) == ("poll", "a", "content/x.md:1",
                                                            "/x.html")
    assert [(i.kind, i.id) for i in store.list_items()] == [("jam", "z"), ("poll", "a"),
                                                             ("poll", "b")]
    assert [i.id for i in store.list_items("poll")] == ["a", "b"]
    assert store.list_items("survey") == []


def test_set_closed_at_and_reopen(store):
    store.sync_items([poll()])
    store.set_closed_at("poll", "p", AT)
    assert store.get_item("poll", "p").closed_at == AT
    store.sync_items([poll(question="Changed?")])  # an update keeps the early close
    assert store.get_item("poll", "p").closed_at == AT
    store.set_closed_at("poll", "p", None)
    assert store.get_item("poll", "p").closed_at is None
    with pytest.raises(NotFound):
        store.set_closed_at("poll", "missing", AT)


# -- polls ---------------------------------------------------------------------------------


def test_record_vote_once_per_voter(store):
    store.sync_items([poll()])
    assert vote(store, "v1", "a") is None
    with pytest.raises(AlreadyVoted):
        vote(store, "v1", "b")
    vote(store, "v2", "a", "b")
    assert store.tally("p") == Tally(total=2, counts={"a": 2, "b": 1})
    assert store.vote_of("p", "v1") == ("a",)
    assert store.vote_of("p", "v2") == ("a", "b")
    assert store.vote_of("p", "nobody") is None


def test_replace_moves_counts_and_never_doubles(store):
    store.sync_items([poll()])
    vote(store, "v1", "a")
    assert vote(store, "v1", "b", replace=True) == ("a",)
    assert vote(store, "v1", "b", replace=True) == ("b",)
    assert store.tally("p") == Tally(total=1, counts={"b": 1})
    assert store.vote_of("p", "v1") == ("b",)


def test_tally_of_unknown_poll_is_empty(store):
    assert store.tally("nothing") == Tally(total=0, counts={})


def test_withdraw_vote(store):
    store.sync_items([poll()])
    vote(store, "v1", "a")
    vote(store, "v2", "a")
    assert store.withdraw_vote("p", "v1") is True
    assert store.withdraw_vote("p", "v1") is False
    assert store.tally("p") == Tally(total=1, counts={"a": 1})
    assert store.vote_of("p", "v1") is None
    vote(store, "v1", "b")  # may vote again afterwards
    assert store.tally("p") == Tally(total=2, counts={"a": 1, "b": 1})


# -- jams ----------------------------------------------------------------------------------


def test_ideas_get_unique_ids_and_list_oldest_first(store):
    store.sync_items([jam("j"), jam("k")])
    first = idea(store, title="First")
    other = idea(store, "k", title="Elsewhere")
    second = idea(store, title="Second", voter=None, moderation="pending",
                  at=AT + timedelta(minutes=1))
    assert len({first.id, other.id, second.id}) == 3
    assert (first.title, first.body, first.author, first.voter_id) == ("First", "body", "Ann",
                                                                       "author")
    assert (first.moderation, first.status, first.winner, first.votes) == ("published", "open",
                                                                           False, 0)
    assert first.created_at == AT and first.jam_id == "j"
    assert [i.title for i in store.list_ideas("j")] == ["First", "Second"]
    assert store.list_ideas("nothing") == []
    assert store.get_idea(second.id).moderation == "pending"
    assert store.get_idea("999999") is None


def test_update_idea_fields(store):
    store.sync_items([jam()])
    item = idea(store)
    updated = store.update_idea(item.id, moderation="hidden", status="planned", winner=True,
                                title="T2", body="B2", author=None)
    assert (updated.moderation, updated.status, updated.winner) == ("hidden", "planned", True)
    assert (updated.title, updated.body, updated.author) == ("T2", "B2", None)
    assert store.get_idea(item.id) == updated
    with pytest.raises(BadRequest):
        store.update_idea(item.id, jam_id="other")
    assert store.get_idea(item.id) == updated
    with pytest.raises(NotFound):
        store.update_idea("999999", status="done")


def test_vote_idea_budget(store):
    store.sync_items([jam()])
    a, b, c = idea(store, title="a"), idea(store, title="b"), idea(store, title="c")
    store.vote_idea("j", a.id, "v", budget=2, at=AT)
    with pytest.raises(AlreadyVoted):
        store.vote_idea("j", a.id, "v", budget=2, at=AT)
    store.vote_idea("j", b.id, "v", budget=2, at=AT)
    with pytest.raises(NoVotesLeft):
        store.vote_idea("j", c.id, "v", budget=2, at=AT)
    assert store.idea_votes_of("j", "v") == {a.id, b.id}
    assert store.get_idea(a.id).votes == 1 and store.get_idea(c.id).votes == 0

    assert store.unvote_idea("j", a.id, "v") is True  # the refund makes room again
    assert store.unvote_idea("j", a.id, "v") is False
    store.vote_idea("j", c.id, "v", budget=2, at=AT)
    assert store.idea_votes_of("j", "v") == {b.id, c.id}
    assert store.idea_votes_of("j", "nobody") == set()
    assert [i.votes for i in store.list_ideas("j")] == [0, 1, 1]
    store.vote_idea("j", c.id, "w", budget=2, at=AT)
    assert store.idea_voters("j") == {b.id: {"v"}, c.id: {"v", "w"}}  # champion points read it
    assert store.idea_voters("other") == {}


def test_vote_idea_budget_zero_is_unlimited(store):
    store.sync_items([jam()])
    ideas = [idea(store, title=str(n)) for n in range(5)]
    for item in ideas:
        store.vote_idea("j", item.id, "v", budget=0, at=AT)
    assert store.idea_votes_of("j", "v") == {i.id for i in ideas}


def test_vote_idea_in_wrong_jam_is_not_found(store):
    store.sync_items([jam("j"), jam("k")])
    item = idea(store, "j")
    with pytest.raises(NotFound):
        store.vote_idea("k", item.id, "v", budget=0, at=AT)
    with pytest.raises(NotFound):
        store.vote_idea("j", "999999", "v", budget=0, at=AT)


def test_vote_on_pending_or_merged_idea_is_a_conflict(store):
    store.sync_items([jam()])
    pending = idea(store, moderation="pending")
    with pytest.raises(Conflict):
        store.vote_idea("j", pending.id, "v", budget=0, at=AT)
    source, target = idea(store), idea(store)
    store.merge_ideas(source.id, target.id)
    with pytest.raises(Conflict):
        store.vote_idea("j", source.id, "v", budget=0, at=AT)
    assert store.idea_votes_of("j", "v") == set()


@pytest.mark.parametrize("moderation", ["hidden", "rejected"])
def test_hiding_an_idea_hands_its_votes_back(store, moderation):
    store.sync_items([jam()])
    hidden, other = idea(store), idea(store)
    for voter in ("v1", "v2"):
        store.vote_idea("j", hidden.id, voter, budget=1, at=AT)
    assert store.update_idea(hidden.id, moderation=moderation).votes == 0
    assert store.idea_votes_of("j", "v1") == set()
    store.vote_idea("j", other.id, "v1", budget=1, at=AT)  # the vote is free to spend again
    assert store.get_idea(other.id).votes == 1
    with pytest.raises(Conflict):
        store.vote_idea("j", hidden.id, "v2", budget=1, at=AT)
    # Publishing it again starts from nothing; nobody's vote reappears or counts twice.
    assert store.update_idea(hidden.id, moderation="published").votes == 0


def test_merge_moves_votes_and_counts_a_double_backer_once(store):
    store.sync_items([jam()])
    source, target = idea(store, title="src"), idea(store, title="dst")
    store.vote_idea("j", source.id, "only-source", budget=2, at=AT)
    store.vote_idea("j", source.id, "both", budget=2, at=AT)
    store.vote_idea("j", target.id, "both", budget=2, at=AT)
    store.vote_idea("j", target.id, "only-target", budget=2, at=AT)

    merged = store.merge_ideas(source.id, target.id)
    assert merged.id == target.id and merged.votes == 3
    gone = store.get_idea(source.id)
    assert (gone.status, gone.merged_into, gone.votes) == ("merged", target.id, 0)
    assert store.idea_votes_of("j", "only-source") == {target.id}
    assert store.idea_votes_of("j", "both") == {target.id}
    third = idea(store, title="third")  # "both" got one vote of the budget back
    store.vote_idea("j", third.id, "both", budget=2, at=AT)
    with pytest.raises(BadRequest):
        store.merge_ideas(target.id, target.id)


# -- surveys -------------------------------------------------------------------------------


def answer(store, voter: str | None, score: int = 9, at: datetime = AT):
    return store.add_response("s", voter_id=voter, score=score, category="promoter",
                              comment=f"from {voter}", consent_to_quote=True, at=at)


def test_responses_once_per_voter_and_anonymous_repeatedly(store):
    first = answer(store, "v1", 10)
    with pytest.raises(AlreadyVoted):
        answer(store, "v1", 3)
    answer(store, None, 5, AT + timedelta(seconds=1))
    answer(store, None, 6, AT + timedelta(seconds=2))
    listed = store.list_responses("s")
    assert [r.score for r in listed] == [10, 5, 6]
    assert listed[0] == first and first.survey_id == "s" and first.consent_to_quote is True
    assert (first.voter_id, first.category, first.comment) == ("v1", "promoter", "from v1")
    assert len({r.id for r in listed}) == 3
    assert store.list_responses("other") == []


def test_a_voter_s_own_answer_is_found_by_voter(store):
    answer(store, None, 5)
    mine = answer(store, "v1", 10, AT + timedelta(seconds=1))
    assert store.response_of("s", "v1") == mine
    assert store.response_of("s", "v2") is None and store.response_of("other", "v1") is None
    store.erase_voter("v1", withdraw_polls=[], withdraw_jams=[])
    assert store.response_of("s", "v1") is None
    answer(store, "v1", 7, AT + timedelta(seconds=2))  # erased: the id may answer afresh
    assert store.response_of("s", "v1").score == 7


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_the_answer_by_voter_survives_a_restart(store, reopen):
    mine = answer(store, "v1", 10)
    store = reopen(store)  # the TinyDB store rebuilds its index from the journal
    assert store.response_of("s", "v1") == mine
    with pytest.raises(AlreadyVoted):
        answer(store, "v1", 3)


# -- rewards -------------------------------------------------------------------------------


def test_codes_claim_revoke_and_stats(store):
    assert store.add_codes("pool", ["A", "B", "A", "C"]) == 3
    assert store.add_codes("pool", ["B", "D"]) == 1
    first = store.claim_code("pool", "v1", at=AT)
    assert first in {"A", "B", "C", "D"}
    assert store.claim_code("pool", "v1", at=AT) == first  # idempotent per voter
    assert store.code_of("pool", "v1") == first
    second = store.claim_code("pool", "v2", at=AT)
    assert second not in (None, first)
    assert store.code_of("pool", "v3") is None
    assert store.pool_stats() == {"pool": (4, 2)}

    assert store.revoke_codes("pool") == 2  # only the unclaimed ones go
    assert store.pool_stats() == {"pool": (2, 2)}
    assert store.claim_code("pool", "v3", at=AT) is None
    assert store.code_of("pool", "v1") == first
    assert store.claim_code("empty", "v1", at=AT) is None


# -- editors -------------------------------------------------------------------------------


def test_admins(store):
    assert store.get_admin("ed") is None
    store.put_admin("ed", "hash1")
    store.put_admin("ed", "hash2")
    store.put_admin("al", "hash3")
    assert (store.get_admin("ed"), store.get_admin("al")) == ("hash2", "hash3")


def test_audit_newest_first_with_limit(store):
    for n in range(5):
        store.add_audit(AuditEntry(at=AT + timedelta(minutes=n), actor="ed", action=f"act{n}",
                                   target="poll:p", details={"n": n}))
    entries = store.list_audit()
    assert [e.action for e in entries] == ["act4", "act3", "act2", "act1", "act0"]
    assert entries[0].details == {"n": 4} and entries[0].at == AT + timedelta(minutes=4)
    assert [e.action for e in store.list_audit(limit=2)] == ["act4", "act3"]


# -- voters --------------------------------------------------------------------------------


def fill_voter(store, voter: str = "v"):
    """Give ``voter`` a bit of everything; return the idea ids."""
    store.sync_items([poll("p"), poll("q"), jam("j")])
    vote(store, voter, "a", poll_id="p")
    vote(store, voter, "b", poll_id="q")
    vote(store, "other", "a", poll_id="p")
    mine = idea(store, title="Mine", voter=voter)
    theirs = idea(store, title="Theirs", voter="other")
    store.vote_idea("j", theirs.id, voter, budget=0, at=AT)
    store.vote_idea("j", theirs.id, "other", budget=0, at=AT)
    answer(store, voter, 8)
    store.add_codes("pool", ["C1", "C2"])
    store.claim_code("pool", voter, at=AT)
    return mine, theirs


def test_voter_data(store):
    mine, theirs = fill_voter(store)
    data = store.voter_data("v")
    assert data["votes"] == {"p": ["a"], "q": ["b"]}
    assert data["idea_votes"] == {"j": [theirs.id]}
    assert [(i["id"], i["jam"], i["title"], i["author"]) for i in data["ideas"]] == [
        (mine.id, "j", "Mine", "Ann")]
    assert [(r["survey"], r["score"], r["comment"]) for r in data["responses"]] == [
        ("s", 8, "from v")]
    assert data["rewards"] == {"pool": "C1"}
    assert store.voter_data("nobody") == {"votes": {}, "idea_votes": {}, "ideas": [],
                                          "responses": [], "rewards": {}}


def test_erase_voter(store):
    mine, theirs = fill_voter(store)
    store.vote_idea("j", mine.id, "other", budget=0, at=AT)
    store.add_audit(AuditEntry(at=AT, actor="ed", action="approve", target=f"idea:{mine.id}",
                               details={"title": "Mine"}))
    counts = store.erase_voter("v", withdraw_polls=["p"], withdraw_jams=["j"])
    assert counts == {"votes": 1, "idea_votes": 1, "ideas": 1, "responses": 1}
    assert store.tally("p") == Tally(total=1, counts={"a": 1})
    # A closed poll keeps the vote in its results, no longer linked to the voter.
    assert store.vote_of("q", "v") is None
    assert store.tally("q") == Tally(total=1, counts={"b": 1})
    assert store.get_idea(theirs.id).votes == 1
    # Their idea leaves the site: hidden, text and author gone, its votes handed back.
    kept = store.get_idea(mine.id)
    assert (kept.voter_id, kept.author, kept.body, kept.moderation) == (None, None, "",
                                                                         "hidden")
    assert "Mine" not in kept.title and kept.votes == 0
    assert store.idea_votes_of("j", "other") == {theirs.id}
    [response] = store.list_responses("s")
    assert (response.voter_id, response.comment, response.score) == (None, "", 8)
    # The code stays given out, but no longer names the voter.
    assert store.code_of("pool", "v") is None
    assert store.pool_stats()["pool"] == (2, 1)
    assert store.voter_data("v") == {"votes": {}, "idea_votes": {}, "ideas": [],
                                     "responses": [], "rewards": {}}
    assert all(e.details.get("title") != "Mine" for e in store.list_audit())


def test_erase_unlinks_idea_votes_in_closed_jams(store):
    mine, theirs = fill_voter(store)
    store.erase_voter("v", withdraw_polls=[], withdraw_jams=[])
    assert store.get_idea(theirs.id).votes == 2  # closed: the vote stays in the count
    assert store.idea_votes_of("j", "v") == set()


# -- durability and concurrency -------------------------------------------------------------


def everything(store) -> dict:
    """Read back every fact the store holds, through its public methods."""
    ideas = store.list_ideas("j")
    return {
        "items": store.list_items(),
        "tallies": {p: store.tally(p) for p in ("p", "q")},
        "votes": {v: store.vote_of("p", v) for v in ("v", "other", "x1", "x2")},
        "ideas": ideas,
        "idea_votes": {v: store.idea_votes_of("j", v) for v in ("v", "other")},
        "responses": store.list_responses("s"),
        "codes": (store.pool_stats(), store.code_of("pool", "v")),
        "admins": store.get_admin("ed"),
        "audit": store.list_audit(),
        "voter": store.voter_data("v"),
    }


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_everything_survives_reopen(store, reopen):
    fill_voter(store)
    vote(store, "x1", "a", "b", poll_id="p")
    vote(store, "x2", "b", poll_id="p")
    vote(store, "x2", "a", poll_id="p", replace=True)
    store.withdraw_vote("p", "x1")
    store.set_closed_at("poll", "q", AT)
    pending = idea(store, title="Pending", moderation="pending")
    store.update_idea(pending.id, moderation="published", status="planned")
    extra = idea(store, title="Extra")
    store.merge_ideas(extra.id, pending.id)
    store.put_admin("ed", "hash")
    store.add_audit(AuditEntry(at=AT, actor="ed", action="merge", target="idea", details={}))
    before = everything(store)

    store = reopen(store)
    assert everything(store) == before
    assert store.tally("p") == Tally(total=3, counts={"a": 3})
    later = idea(store, title="After restart")  # ids keep counting, never reused
    assert later.id not in {i.id for i in before["ideas"]}
    with pytest.raises(AlreadyVoted):  # uniqueness survives the restart too
        vote(store, "x2", "b", poll_id="p")
    store = reopen(store)
    assert store.get_idea(later.id).title == "After restart"


def test_threads_voting_at_once_count_exactly(store):
    store.sync_items([poll()])
    errors: list[BaseException] = []

    def voters(worker: int) -> None:
        try:
            for n in range(60):
                vote(store, f"w{worker}-{n}", "a" if n % 3 else "b")
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=voters, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.tally("p") == Tally(total=480, counts={"a": 320, "b": 160})


def test_parallel_idea_votes_never_overspend(store):
    store.sync_items([jam()])
    ideas = [idea(store, title=str(n)) for n in range(20)]
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def spend(idea_id: str) -> None:
        barrier.wait()
        try:
            store.vote_idea("j", idea_id, "greedy", budget=3, at=AT)
            outcomes.append("ok")
        except NoVotesLeft:
            outcomes.append("no_votes_left")

    threads = [threading.Thread(target=spend, args=(i.id,)) for i in ideas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["no_votes_left"] * 17 + ["ok"] * 3
    assert len(store.idea_votes_of("j", "greedy")) == 3
    assert sum(i.votes for i in store.list_ideas("j")) == 3
